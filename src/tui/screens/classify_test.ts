import assert from "node:assert/strict";
import { encode } from "fast-png";
import { loadNetworkModel } from "../../train/checkpoint.ts";
import { SHIPPED_MODEL } from "../../../tests/env.ts";
import { listImages } from "../../image/image_files.ts";
import { Network } from "../../network/network.ts";
import { visibleWidth } from "../../text/layout.ts";
import type { ScreenMemory } from "../context.ts";
import { renderPage } from "../page.ts";
import type { Message, ScreenProgram, Work } from "../screen_loop.ts";
import { frameOf, key } from "../screen_loop_testing.ts";
import { CANVAS_SIDE, DrawingCanvas } from "../widgets/canvas.ts";
import { readImageResult } from "../../app/classify_image.ts";
import { IMAGE_EXTENSIONS } from "../../image/image_files.ts";
import { completePath } from "../widgets/path_completion.ts";
import {
  type ClassifyMessage,
  classifyScreen,
  type ClassifyState,
  newClassifyState,
} from "./classify.ts";

const randomNetwork = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
const network = (await loadNetworkModel(SHIPPED_MODEL, { maxBatch: 1 })).network;
const GUESS = /It's an? \d|Probably an? \d|Not sure: \d/;

/** A folder with a drawn 7 (dark ink on white, like a scan), a blank page and a fake PNG. */
async function makeFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "classify-screen-" });
  const seven = new DrawingCanvas();
  seven.stroke([{ x: 25, y: 20 }, { x: 85, y: 20 }, { x: 50, y: 100 }]);
  const png = (canvas: DrawingCanvas) => {
    const data = new Uint8Array(CANVAS_SIDE * CANVAS_SIDE);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(255 * (1 - canvas.ink[i]));
    return encode({ width: CANVAS_SIDE, height: CANVAS_SIDE, data, channels: 1, depth: 8 });
  };
  await Deno.mkdir(`${dir}/more`);
  await Deno.writeFile(`${dir}/more/seven_label7.png`, png(seven));
  await Deno.writeFile(`${dir}/blank.png`, png(new DrawingCanvas()));
  await Deno.writeTextFile(`${dir}/notes.png`, "not an image");
  await Deno.writeTextFile(`${dir}/readme.txt`, "ignored");
  return dir;
}

/** Typed text arriving in one event, as a paste does. */
const paste = (text: string): Message<ClassifyMessage> => ({
  type: "input",
  event: { ...key(text[0]), sequence: text },
});

type Input = string | Message<ClassifyMessage>;

/**
 * Drives a screen as the loop does, but one thing at a time: each message goes to `update`,
 * then every work it started runs to its end with a `send` that collects what it reports, which
 * then goes to `update` in turn. Returns where the screen ended, its view, and the work ids.
 */
async function drive(
  program: ScreenProgram<ClassifyState, ClassifyMessage, void>,
  inputs: Input[],
  size = { columns: 80, rows: 24 },
) {
  const frame = frameOf(size);
  let state = program.init().state;
  let exited = false;
  const started: string[] = [];
  const pending: Work<ClassifyMessage>[] = [];
  const deliver = (message: Message<ClassifyMessage>) => {
    const step = program.update(state, message);
    state = step.state;
    exited ||= step.exit !== undefined;
    for (const work of step.work ?? []) {
      started.push(work.id);
      pending.push(work);
    }
  };
  const settle = async () => {
    while (pending.length > 0) {
      const sent: ClassifyMessage[] = [];
      await pending.shift()!.run((m) => sent.push(m), new AbortController().signal);
      for (const message of sent) deliver({ type: "work", message });
    }
  };
  deliver({ type: "resize", frame });
  for (const input of inputs) {
    deliver(
      typeof input !== "string"
        ? input
        : input === "back"
        ? { type: "back" }
        : { type: "input", event: key(input) },
    );
    await settle();
  }
  const view = program.view(state, frame);
  const page = renderPage(
    { header: ["model: x", "data: y"], title: program.title, ...view },
    size,
    "none",
  );
  return {
    state,
    view,
    page,
    text: page.join("\n"),
    exited,
    started,
    typing: program.typing!(state),
  };
}

Deno.test("folders list their images recursively; bad paths are one-line errors", async () => {
  const dir = await makeFolder();
  try {
    assert.deepEqual(await listImages(dir), [
      `${dir}/blank.png`,
      `${dir}/more/seven_label7.png`,
      `${dir}/notes.png`,
    ]);
    await assert.rejects(() => listImages(`${dir}/nope.png`), /nope\.png: no such file or folder/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("each file gives a guess, or says in one line why not, with a small preview", async () => {
  const dir = await makeFolder();
  try {
    const seven = await readImageResult(`${dir}/more/seven_label7.png`, network);
    assert.equal(seven.error, undefined);
    assert.equal(seven.label, 7);
    assert.equal(seven.normalized?.length, 784);
    assert.ok(seven.prediction);
    assert.equal(seven.prediction.digit, 7);
    assert.deepEqual([seven.width, seven.height], [CANVAS_SIDE, CANVAS_SIDE]);
    assert.deepEqual([seven.preview?.width, seven.preview?.height], [56, 56], "shrunk for display");
    const blank = await readImageResult(`${dir}/blank.png`, network);
    assert.equal(blank.error, "no digit found");
    assert.ok(blank.preview, "the image is still shown");
    const fake = await readImageResult(`${dir}/notes.png`, network);
    assert.match(fake.error ?? "", /not a PNG or JPEG/);
    assert.ok(!fake.error?.includes(dir), "the file name is not repeated");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder: Enter opens it, the arrows step through its images, errors show in place", async () => {
  const dir = await makeFolder();
  const memory: ScreenMemory = {};
  const program = classifyScreen({ model: () => ({ network, random: false }), memory });
  // What the loop does with what a step remembers.
  const screen: typeof program = {
    ...program,
    update(state, message) {
      const step = program.update(state, message);
      Object.assign(memory, step.remember);
      return step;
    },
  };
  try {
    // Nothing typed: Enter asks for a path. A missing path: one line, in place.
    let run = await drive(screen, ["enter"]);
    assert.match(run.text, /type the path of a PNG or JPEG image/);
    run = await drive(screen, [paste(`${dir}/nothing-here`), "enter"]);
    assert.match(run.text, /nothing-here: no such file or folder/);
    assert.equal(memory.classifyPath, undefined, "a path that failed is not remembered");
    assert.equal(run.typing, true, "q is a letter while the path is typed");

    // The folder: its first image, then the next ones, each read once.
    const open = ["ctrl+u", paste(dir), "enter"]; // the path remembered is typed in: clear it
    run = await drive(screen, open);
    assert.match(run.text, /image 1 of 3: blank\.png \(112x112\) · no digit found/);
    assert.match(run.text, /No guess:/);
    assert.equal(run.typing, false, "the focus is on the images: q backs out");
    assert.equal(memory.classifyPath, dir);
    run = await drive(screen, [...open, "right"], { columns: 110, rows: 30 });
    assert.match(run.text, /image 2 of 3: more\/seven_label7\.png/);
    assert.match(run.text, GUESS);
    assert.match(run.text, /The image/);
    assert.match(run.text, /Network input/);
    assert.match(run.text, /labelled 7 ✓/);
    run = await drive(screen, [...open, "right", "right", "right", "left", "home", "end"]);
    assert.match(run.text, /image 3 of 3: notes\.png · not a PNG or JPEG image/);
    assert.deepEqual(run.started, ["open", "classify", "classify", "classify"]);

    // Tab goes back to the path, where Left edits and Down still steps; Tab returns.
    run = await drive(screen, [...open, "tab", "left", "down", "x"]);
    assert.equal(run.state.focus, "path");
    assert.equal(run.state.field.text, dir.slice(0, -1) + "x" + dir.slice(-1));
    assert.equal(run.state.index, 1);
    run = await drive(screen, [...open, "tab", "tab", "right"]);
    assert.equal(run.state.focus, "images");
    assert.equal(run.state.index, 1);
    assert.ok((await drive(screen, [...open, "back"])).exited);

    // Coming back, the last path opened is typed in already.
    run = await drive(classifyScreen({ model: () => ({ network, random: false }), memory }), []);
    assert.equal(run.state.field.text, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("work for an earlier opening or earlier text is not taken for the current one", () => {
  const screen = classifyScreen({ model: () => ({ network: randomNetwork, random: true }) });
  const work = (message: ClassifyMessage): Message<ClassifyMessage> => ({ type: "work", message });
  let state: ClassifyState = { ...newClassifyState("pics"), opening: 2 };
  const stale = work({ type: "classified", opening: 1, result: { file: "a.png", error: "old" } });
  state = screen.update(state, stale).state;
  assert.equal(state.results.size, 0);
  const late = work({ type: "completed", typed: "pi", text: "pictures/", choices: [] });
  assert.equal(screen.update(state, late).state.field.text, "pics", "typed on meanwhile");
  const current = work({ type: "completed", typed: "pics", text: "pictures/", choices: [] });
  assert.equal(screen.update(state, current).state.field.text, "pictures/");
});

Deno.test("Tab completes a unique name, or the common part and lists the choices", async () => {
  const entries = [
    { name: "digits", isDirectory: true },
    { name: "digit_7.png", isDirectory: false },
    { name: "notes.txt", isDirectory: false },
  ];
  const image = (name: string) => IMAGE_EXTENSIONS.test(name);
  assert.deepEqual(completePath("data/n", entries, image), { text: "data/n", choices: [] });
  assert.deepEqual(completePath("data/digits", [entries[0]], image), {
    text: "data/digits/",
    choices: [],
  });
  assert.deepEqual(completePath("d", entries, image), {
    text: "digit",
    choices: ["digit_7.png", "digits/"],
  });
  // On disk, through the screen: the folder's one subfolder, then its image.
  const dir = await makeFolder();
  try {
    const screen = classifyScreen({ model: () => ({ network: randomNetwork, random: true }) });
    let run = await drive(screen, [paste(`${dir}/mo`), "tab"]);
    assert.equal(run.state.field.text, `${dir}/more/`);
    run = await drive(screen, [paste(`${dir}/`), "tab"]);
    assert.match(run.text, /blank\.png +more\/ +notes\.png/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the screen fits 80x24, 110x30 and 160x50 with the guess, and has no escapes without color", async () => {
  const dir = await makeFolder();
  try {
    const screen = classifyScreen({ model: () => ({ network: randomNetwork, random: true }) });
    for (const [columns, rows] of [[80, 24], [110, 30], [160, 50]]) {
      const size = { columns, rows };
      const run = await drive(screen, [paste(dir), "enter", "right"], size);
      assert.equal(run.page.length, rows);
      for (const line of run.page) assert.ok(visibleWidth(line) <= columns, line);
      assert.ok(!run.text.includes("\x1b"));
      assert.match(run.text, /image 2 of 3/);
      assert.match(run.text, /The image/);
      assert.match(run.text, /Network input/);
      assert.match(run.text, GUESS);
      // All ten bars are on screen (each line ends with its percentage).
      assert.equal(run.page.filter((line) => /\d+\.\d%\s*$/.test(line)).length, 10, run.text);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("at 80x24 a long file name is shortened, not the verdict; all ten bars stay", async () => {
  const dir = await makeFolder();
  try {
    const long =
      `${dir}/more/Someone__a-handwritten-digits-project-with-a-long-name__samples_label7.png`;
    await Deno.rename(`${dir}/more/seven_label7.png`, long);
    const screen = classifyScreen({ model: () => ({ network, random: false }) });
    const run = await drive(screen, [paste(dir), "enter", "right"]);
    assert.match(run.text, /image 2 of 3: …/);
    assert.match(run.text, /samples_label7\.png\s+\(112x112\) · labelled 7 [✓✗]/, run.text);
    assert.equal(run.page.filter((line) => /\d+\.\d%\s*$/.test(line)).length, 10, run.text);
    for (const line of run.page) assert.ok(visibleWidth(line) <= 80, line);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Ctrl-N reads the image as a number: each digit boxed, the number, each digit's guess", async () => {
  const dir = await Deno.makeTempDir({ prefix: "classify-number-" });
  try {
    // "17": two canvases' drawings side by side on one white image.
    const one = new DrawingCanvas(), seven = new DrawingCanvas();
    one.stroke([{ x: 56, y: 15 }, { x: 56, y: 105 }]);
    seven.stroke([{ x: 25, y: 20 }, { x: 85, y: 20 }, { x: 50, y: 100 }]);
    const width = 2 * CANVAS_SIDE;
    const data = new Uint8Array(width * CANVAS_SIDE);
    for (let y = 0; y < CANVAS_SIDE; y++) {
      for (let x = 0; x < CANVAS_SIDE; x++) {
        data[y * width + x] = Math.round(255 * (1 - one.ink[y * CANVAS_SIDE + x]));
        data[y * width + CANVAS_SIDE + x] = Math.round(255 * (1 - seven.ink[y * CANVAS_SIDE + x]));
      }
    }
    const file = `${dir}/year.png`;
    await Deno.writeFile(file, encode({ width, height: CANVAS_SIDE, data, channels: 1, depth: 8 }));
    const screen = classifyScreen({ model: () => ({ network, random: false }) });
    const ctrlN: Message<ClassifyMessage> = { type: "input", event: { ...key("n"), ctrl: true } };
    for (const [columns, rows] of [[80, 24], [160, 50]]) {
      const run = await drive(screen, [paste(file), "enter", ctrlN], { columns, rows });
      assert.equal(run.state.mode, "number");
      const result = run.state.results.get(file);
      assert.equal(result?.number?.digits.length, 2, run.text);
      // The boxes are left to right, apart, inside the image.
      const [a, b] = result!.number!.digits.map((d) => d.box);
      assert.ok(a[0] + a[2] <= b[0] && b[0] + b[2] <= width, `${a} ${b}`);
      assert.match(run.text, /[Ee]ach digit boxed/);
      assert.match(run.text, /Number: \d\d/);
      assert.match(run.text, /Number: 17/);
      assert.equal(run.page.length, rows);
      for (const line of run.page) assert.ok(visibleWidth(line) <= columns, line);
      // Each digit's crop is whole: its label, then its 14 rows, none cut by the page's bottom.
      const bodyRows = frameOf({ columns, rows }).rows;
      assert.ok(run.view.body.length <= bodyRows, `${run.view.body.length} > ${bodyRows}`);
      const guess = result!.number!.digits[0].prediction;
      const label = new RegExp(`(^|  )${guess.digit} \\(\\d+\\.\\d%\\)`);
      const labelRow = run.view.body.findIndex((line) => label.test(line));
      assert.ok(labelRow >= 0, run.text);
      assert.ok(run.view.body.length - labelRow >= 15, `a crop is cut:\n${run.text}`);
      // And back: one digit's guess again.
      const back = await drive(screen, [paste(file), "enter", ctrlN, ctrlN], { columns, rows });
      assert.equal(back.state.mode, "digit");
      assert.match(back.text, GUESS);
    }
    // Ctrl-N on a path typed but not opened yet: opened and read as a number at once.
    const typed = await drive(screen, [paste(file), ctrlN]);
    assert.equal(typed.state.mode, "number");
    assert.equal(typed.state.results.get(file)?.number?.digits.length, 2, typed.text);
    assert.match(typed.text, /Number: \d\d/);
    // On the image shown, Ctrl-N reads it again as one digit straight away: no Enter needed.
    const again = await drive(screen, [paste(file), ctrlN, ctrlN]);
    assert.deepEqual(again.started, ["open", "classify", "classify"]);
    assert.ok(again.state.results.get(file)?.prediction, again.text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
