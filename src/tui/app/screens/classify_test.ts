import assert from "node:assert/strict";
import { encode } from "fast-png";
import { loadModelOrRandom } from "../../../app/load_model.ts";
import { PRETRAINED_MODEL_PATH } from "../../../app/model_paths.ts";
import { Network } from "../../../network/network.ts";
import type { KeyEvent } from "../../terminal/keys.ts";
import { visibleWidth } from "../../../text/layout.ts";
import { listImages } from "../../../image/image_files.ts";
import { CANVAS_SIDE, DrawingCanvas } from "./canvas.ts";
import {
  classifyImageFile,
  completePath,
  handleClassifyKey,
  newClassifyState,
  renderClassifyScreen,
} from "./classify.ts";

const hasPretrained = await Deno.stat(PRETRAINED_MODEL_PATH).then(() => true, () => false);
const randomNetwork = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });

const key = (name: string, ctrl = false): KeyEvent => ({
  type: "key",
  key: name,
  ctrl,
  alt: false,
  shift: false,
  sequence: name.length === 1 ? name : `<${name}>`,
});

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

Deno.test("folders list their images recursively; bad paths are one-line errors", async () => {
  const dir = await makeFolder();
  try {
    assert.deepEqual(await listImages(dir), [
      `${dir}/blank.png`,
      `${dir}/more/seven_label7.png`,
      `${dir}/notes.png`,
    ]);
    assert.deepEqual(await listImages(`${dir}/blank.png`), [`${dir}/blank.png`]);
    await assert.rejects(() => listImages(`${dir}/nope.png`), /nope\.png: no such file or folder/);
    await Deno.mkdir(`${dir}/empty`);
    await assert.rejects(() => listImages(`${dir}/empty`), /holds no \.png or \.jpg images/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("each file gives a guess, or says in one line why not", async () => {
  const dir = await makeFolder();
  try {
    const network = hasPretrained
      ? (await loadModelOrRandom(PRETRAINED_MODEL_PATH, 1)).network
      : randomNetwork;
    const seven = await classifyImageFile(`${dir}/more/seven_label7.png`, network);
    assert.equal(seven.error, undefined);
    assert.equal(seven.label, 7);
    assert.equal(seven.normalized?.length, 784);
    assert.ok(seven.prediction);
    if (hasPretrained) assert.equal(seven.prediction.digit, 7);
    const blank = await classifyImageFile(`${dir}/blank.png`, network);
    assert.equal(blank.error, "no digit found");
    assert.ok(blank.preview, "the image is still shown");
    const fake = await classifyImageFile(`${dir}/notes.png`, network);
    assert.match(fake.error ?? "", /not a PNG or JPEG/);
    assert.ok(!fake.error?.includes(dir), "the file name is not repeated");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("keys: typing edits, Enter opens, arrows step a folder, Tab switches focus", () => {
  const state = newClassifyState();
  assert.equal(handleClassifyKey(state, key("enter")), undefined);
  assert.match(state.error ?? "", /type the path/);
  for (const char of "pics") handleClassifyKey(state, key(char));
  assert.deepEqual(handleClassifyKey(state, key("enter")), { type: "open", path: "pics" });
  // As the runner does after opening a folder of three images:
  Object.assign(state, { files: ["a", "b", "c"], opened: "pics", focus: "images", index: 0 });
  assert.deepEqual(handleClassifyKey(state, key("right")), { type: "show", index: 1 });
  assert.equal(handleClassifyKey(state, key("left")), undefined, "already at the first");
  assert.deepEqual(handleClassifyKey(state, key("pagedown")), { type: "show", index: 2 });
  assert.deepEqual(handleClassifyKey(state, key("end")), { type: "show", index: 2 });
  handleClassifyKey(state, key("tab"));
  assert.equal(state.focus, "path");
  // In the path, Left/Right edit the text, Down still steps.
  handleClassifyKey(state, key("left"));
  assert.equal(state.field.cursor, 3);
  assert.deepEqual(handleClassifyKey(state, key("down")), { type: "show", index: 1 });
  assert.deepEqual(handleClassifyKey(state, key("tab")), undefined);
  assert.equal(state.focus, "images");
  assert.deepEqual(handleClassifyKey(state, key("escape")), { type: "leave" });
  assert.deepEqual(handleClassifyKey(state, key("c", true)), { type: "leave" });
});

Deno.test("Tab completes a unique name, or the common part and lists the choices", () => {
  const entries = [
    { name: "digits", isDirectory: true },
    { name: "digit_7.png", isDirectory: false },
    { name: "notes.txt", isDirectory: false },
  ];
  assert.deepEqual(completePath("data/n", entries), { text: "data/n", choices: [] });
  assert.deepEqual(completePath("data/digits", [entries[0]]), {
    text: "data/digits/",
    choices: [],
  });
  assert.deepEqual(completePath("d", entries), {
    text: "digit",
    choices: ["digit_7.png", "digits/"],
  });
});

Deno.test("the screen fits 80x24 and 160x50 with the guess, and has no escapes without color", async () => {
  const dir = await makeFolder();
  try {
    const file = `${dir}/more/seven_label7.png`;
    const state = newClassifyState(dir);
    state.files = await listImages(dir);
    state.index = 1;
    state.result = await classifyImageFile(file, randomNetwork);
    for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 50 }]) {
      const lines = renderClassifyScreen(state, size, ["model", "data"], "none");
      assert.equal(lines.length, size.rows);
      for (const line of lines) assert.ok(visibleWidth(line) <= size.columns, line);
      const text = lines.join("\n");
      assert.ok(!text.includes("\x1b"));
      assert.match(text, /image 2 of 3/);
      assert.match(text, /The image/);
      assert.match(text, /Network input/);
      assert.match(text, /It's a \d|Probably a \d|Not sure: \d/);
      // All ten bars are on screen (each line ends with its percentage).
      assert.equal(lines.filter((line) => /\d+\.\d%\s*$/.test(line)).length, 10, text);
    }
    state.error = `${dir}/x.png: no such file or folder`;
    const withError = renderClassifyScreen(state, { columns: 80, rows: 24 }, ["m"], "none");
    assert.match(withError.join("\n"), /x\.png: no such file or folder/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
