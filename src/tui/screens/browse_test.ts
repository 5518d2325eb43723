import assert from "node:assert/strict";
import type { Dataset, MnistData } from "../../data/dataset.ts";
import { Network } from "../../network/network.ts";
import { classifyPixels } from "../../app/predict.ts";
import { visibleWidth } from "../../text/layout.ts";
import type { Message } from "../screen_loop.ts";
import type { ScreenMemory } from "../context.ts";
import { simulate, simulateWork, type Simulation } from "../screen_loop_testing.ts";
import {
  type BrowseMessage,
  browseScreen,
  type BrowseState,
  digitPixels,
  shownIndices,
} from "./browse.ts";

/** `count` digits labelled 0,1,2,...,9,0,1,... with a different blob for each. */
function dataset(count: number): Dataset {
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) {
      const x = p % 28, y = Math.floor(p / 28);
      if (Math.abs(x - 14) < 3 + (i % 7) && Math.abs(y - 14) < 8) pixels[i * 784 + p] = 255;
    }
  }
  return { pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}

const data: MnistData = {
  train: dataset(300),
  test: dataset(100),
  source: "sample",
  description: "test",
};
const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 2 });
const context = {
  model: () => ({ network, random: true }),
  data: () => Promise.resolve(data),
};
const loaded: Message<BrowseMessage> = { type: "work", message: { type: "data", data } };

/** The Browse screen after the data arrived and `keys` were pressed, at `size`. */
function browse(keys: (string | Message<BrowseMessage>)[], size = { columns: 80, rows: 24 }) {
  return simulate(browseScreen(context), [loaded, ...keys], size);
}

/** The dataset index and set the screen shows now, read from its status line. */
function where(keys: (string | Message<BrowseMessage>)[]): string {
  const line = browse(keys).view.body[0];
  const match = /^(Training|Test) set · .*#([\d,]+), label/.exec(line);
  assert.ok(match, line);
  return `${match[1]} #${match[2]}`;
}

Deno.test("filtering by digit keeps the indices of that label, in order", () => {
  assert.deepEqual([...shownIndices(data.test, 3)], [3, 13, 23, 33, 43, 53, 63, 73, 83, 93]);
  assert.equal(shownIndices(data.train, undefined).length, 300);
  const pixels = digitPixels(data.test, 5);
  assert.equal(pixels.length, 784);
  assert.equal(Math.max(...pixels), 1);
});

Deno.test("browse: the data loads as work, and the screen waits for it", async () => {
  const start = simulate(browseScreen(context), ["right"]);
  assert.match(start.view.body[0], /Loading MNIST…/);
  assert.equal(start.view.footer, "Esc back");
  const work = start.steps[0].work ?? [];
  assert.equal(work.length, 1);
  const sent: BrowseMessage[] = [];
  await work[0].run((message) => sent.push(message), new AbortController().signal);
  assert.deepEqual(sent, [{ type: "data", data }]);
  assert.match(browse([]).view.body[0], /^Test set · 1 of 100 · #0, label 0 · all digits$/);
});

Deno.test("browse: ←/→ step, PgUp/PgDn by 10, Home/End, t switches the set", () => {
  assert.equal(where(["right", "right"]), "Test #2");
  assert.equal(where(["right", "left", "left"]), "Test #0", "stops at the first");
  assert.equal(where(["right", "pagedown"]), "Test #11");
  assert.equal(where(["pagedown", "pagedown", "pageup"]), "Test #10");
  assert.equal(where(["end"]), "Test #99");
  assert.equal(where(["end", "right"]), "Test #99", "stops at the last");
  assert.equal(where(["end", "home"]), "Test #0");
  assert.equal(where(["right", "t"]), "Training #0");
  assert.match(browse(["t"]).view.body[0], /Training set · 1 of 300/);
  assert.equal(where(["t", "t"]), "Test #0");
});

Deno.test("browse: 0-9 show only that digit from where we are, a shows all again", () => {
  const sevens = browse(["pagedown", "right", "7"]).view.body[0];
  assert.match(sevens, /#17, label 7 · only 7s \(10 of 100\)/, "the next 7 from #11");
  assert.equal(where(["pagedown", "right", "7", "right"]), "Test #27");
  assert.equal(where(["7", "end"]), "Test #97");
  assert.equal(where(["7", "end", "a"]), "Test #97", "all digits: stays on the same one");
  assert.equal(where(["7", "end", "a", "right"]), "Test #98");
});

Deno.test("browse: g or / types an index; Enter jumps, Esc cancels, q is a letter", () => {
  const typing = browse(["g", "4", "2"]);
  assert.match(typing.view.body[0], /Go to index \(0-99\): 42/);
  assert.equal(typing.view.footer, "type an index · Enter go · Esc cancel");
  assert.equal(where(["g", "4", "2", "enter"]), "Test #42");
  assert.equal(where(["/", "1", "2", "enter"]), "Test #12");
  // q while typing is a letter (refused: not a digit), not a way out.
  const q = browse(["g", "4", "q", "2"]);
  assert.equal(q.exit, undefined);
  assert.match(q.view.body[0], /Go to index \(0-99\): 42/);
  // Esc while typing cancels the typing only; a second Esc leaves.
  const cancelled = browse(["right", "g", "4", "escape"]);
  assert.equal(cancelled.exit, undefined);
  assert.equal(where(["right", "g", "4", "escape"]), "Test #1");
  assert.ok(browse(["g", "4", "escape", "escape"]).exit);
  // Jumping to a digit the filter hides shows all digits, and says so.
  const hidden = browse(["3", "/", "5", "5", "enter"]);
  assert.match(hidden.view.body[0], /#55, label 5 · all digits/);
  assert.match(hidden.view.body[1], /#55 is a 5: showing all digits/);
  // Out of range: stays put and explains; the next key clears the note.
  const far = browse(["right", "g", "1", "0", "0", "enter"]);
  assert.match(far.view.body[0], /#1, label 1/);
  assert.match(far.view.body[1], /no digit 100 in the test set: indices go from 0 to 99/);
  assert.doesNotMatch(browse(["g", "1", "0", "0", "enter", "right"]).view.body[1], /no digit/);
});

Deno.test("browse: Esc, q and Ctrl-C leave", () => {
  for (const key of ["escape", "q", "ctrl+c"]) {
    assert.ok(browse([key]).exit, key);
    assert.ok(simulate(browseScreen(context), [key]).exit, `${key} before the data is in`);
  }
});

Deno.test("browse: fits 80x24 and 160x50; more digits side by side when wide; the guesses", async () => {
  for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 50 }]) {
    // The page's guesses come from the screen's work, run here as the loop runs it.
    const keys = [loaded, "pagedown", "right", "right"];
    const run: Simulation<BrowseState, BrowseMessage, void> = await simulateWork(
      browseScreen(context),
      keys,
      { run: ["guess"], size },
    );
    const body = run.view.body;
    assert.ok(body.length <= run.state.frame!.rows, `${body.length} rows`);
    for (const line of body) assert.ok(visibleWidth(line) <= size.columns, line);
    const text = body.join("\n");
    assert.ok(!text.includes("\x1b"));
    assert.match(text, /Test set · 13 of 100 · #12, label 2/);
    const guess = classifyPixels(network, digitPixels(data.test, 12));
    const mark = guess.digit === 2 ? "✓" : `✗ ${guess.digit}`;
    assert.ok(text.includes(`[#12 · 2 ${mark}]`), "the current digit is marked with the guess");
    assert.match(text, guess.digit === 2 ? /✓ right: it is a 2/ : /✗ wrong: it is a 2, not an? \d/);
    assert.equal(body.filter((line) => /\d+\.\d%\s*$/.test(line)).length, 10, "ten bars");
    const captions = text.match(/#\d+ · \d (✓|✗ \d)/g) ?? [];
    if (size.columns === 80) assert.equal(captions.length, 1);
    else assert.ok(captions.length >= 6, `${captions.length} digits at 160x50`);
  }
  assert.equal(
    browse([]).view.footer,
    "←/→ PgUp/PgDn step · t train/test · g go to · 0-9 one digit · a all · Esc back",
  );
  assert.match(browse([], { columns: 160, rows: 50 }).view.footer, /g or \/ go to index/);
  // Up/Down move by a row of the grid: 4 digits to a row at 160 columns.
  const wide = { columns: 160, rows: 50 };
  assert.match(browse(["down"], wide).view.body[0], /#4, label 4/);
  assert.match(browse(["down"]).view.body[0], /#1, label 1/, "one digit to a row at 80");
  const colored = simulate(browseScreen(context), [loaded], { columns: 80, rows: 24 }, "256");
  assert.ok(colored.view.body.join("").includes("\x1b["));
});

Deno.test("browse: without data the screen says why, in place", () => {
  const error = new Error(
    "/tmp/data/t10k-images-idx3-ubyte.gz: not gzip data / corrupt gzip (checksum mismatch)",
  );
  const run = simulate(browseScreen(context), [{ type: "work-failed", id: "data", error }]);
  for (const line of run.view.body) assert.ok(visibleWidth(line) <= 80, line);
  const text = run.view.body.join("\n");
  assert.match(text, /^Cannot load the digits: \/tmp\/data\/t10k-images-idx3-ubyte\.gz: not gzip/);
  assert.match(text, /\(checksum mismatch\)/, "wrapped, not cut");
  assert.match(text, /--sample/);
  assert.equal(run.view.footer, "Esc back");
  assert.ok(
    simulate(browseScreen(context), [{ type: "work-failed", id: "data", error }, "q"]).exit,
  );
});

Deno.test("browse: the next visit starts where the last one was left", () => {
  const memory: ScreenMemory = {};
  const remembering = { ...context, memory };
  // What the loop does with what a step remembers.
  const visit = (
    context: Parameters<typeof browseScreen>[0],
    keys: Parameters<typeof simulate>[1],
  ) => {
    const run = simulate(browseScreen(context), keys);
    Object.assign(memory, run.remembered);
    return run;
  };
  const first = visit(remembering, [loaded, "t", "4", "right", "escape"]);
  assert.ok(first.exit);
  const again = visit(remembering, [loaded]);
  assert.match(again.view.body[0], /^Training set · 2 of 30 · #14, label 4 · only 4s/);
  // Left while typing an index: the typing is not remembered, the place is.
  visit(remembering, [loaded, "right", "g", "5", "escape", "escape"]);
  assert.match(visit(remembering, [loaded]).view.body[0], /#24, label 4/);
  // Data with fewer digits (the sample after MNIST): the position stays inside it.
  const small = { ...data, train: dataset(12) };
  const fewer = visit({ ...remembering, data: () => Promise.resolve(small) }, [
    { type: "work", message: { type: "data", data: small } },
  ]);
  assert.match(fewer.view.body[0], /^Training set · 1 of 1 · #4, label 4/);
  assert.equal(fewer.state.position, 0);
  // Without memory, every visit starts at the first test digit.
  simulate(browseScreen(context), [loaded, "end", "escape"]);
  assert.match(browse([]).view.body[0], /^Test set · 1 of 100 · #0/);
});
