import assert from "node:assert/strict";
import type { Dataset, MnistData } from "../../../data/dataset.ts";
import { Network } from "../../../network/network.ts";
import type { KeyEvent } from "../../terminal/keys.ts";
import { visibleWidth } from "../../../text/layout.ts";
import {
  BrowseIndex,
  type BrowseView,
  digitPixels,
  handleBrowseKey,
  newBrowseState,
  renderBrowseScreen,
  shownIndices,
} from "./browse.ts";
import { classifyPixels } from "./predict.ts";

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
const view = (): BrowseView => ({
  index: new BrowseIndex(data),
  predict: (set, i) => classifyPixels(network, digitPixels(data[set], i)),
});
const key = (name: string, ctrl = false): KeyEvent => ({
  type: "key",
  key: name,
  ctrl,
  alt: false,
  shift: false,
  sequence: name,
});

Deno.test("filtering by digit keeps the indices of that label, in order", () => {
  assert.deepEqual([...shownIndices(data.test, 3)], [3, 13, 23, 33, 43, 53, 63, 73, 83, 93]);
  assert.equal(shownIndices(data.train, undefined).length, 300);
  const pixels = digitPixels(data.test, 5);
  assert.equal(pixels.length, 784);
  assert.equal(Math.max(...pixels), 1);
});

Deno.test("keys step, page, switch sets, filter and jump", () => {
  const state = newBrowseState();
  const index = new BrowseIndex(data);
  handleBrowseKey(state, key("right"), index);
  handleBrowseKey(state, key("pagedown"), index);
  assert.equal(index.current(state), 11);
  handleBrowseKey(state, key("7"), index);
  assert.equal(state.filter, 7);
  assert.equal(index.current(state), 17, "the next 7 from where we were");
  handleBrowseKey(state, key("right"), index);
  assert.equal(index.current(state), 27);
  handleBrowseKey(state, key("end"), index);
  assert.equal(index.current(state), 97);
  handleBrowseKey(state, key("a"), index);
  assert.equal(index.current(state), 97, "all digits: stays on the same one");
  handleBrowseKey(state, key("g"), index);
  for (const char of "42") handleBrowseKey(state, key(char), index);
  assert.equal(state.jump?.text, "42");
  assert.equal(handleBrowseKey(state, key("enter"), index), undefined);
  assert.equal(index.current(state), 42);
  // Jumping to a digit the filter hides shows all digits, and says so.
  handleBrowseKey(state, key("3"), index);
  handleBrowseKey(state, key("/"), index);
  for (const char of "55") handleBrowseKey(state, key(char), index);
  handleBrowseKey(state, key("enter"), index);
  assert.equal(state.filter, undefined);
  assert.equal(index.current(state), 55);
  assert.match(state.note ?? "", /#55 is a 5/);
  // Out of range: stays put and explains.
  handleBrowseKey(state, key("g"), index);
  for (const char of "100") handleBrowseKey(state, key(char), index);
  handleBrowseKey(state, key("enter"), index);
  assert.equal(index.current(state), 55);
  assert.match(state.note ?? "", /0 to 99/);
  // Esc while typing cancels the jump; then it leaves.
  handleBrowseKey(state, key("g"), index);
  assert.equal(handleBrowseKey(state, key("escape"), index), undefined);
  assert.equal(state.jump, undefined);
  handleBrowseKey(state, key("t"), index);
  assert.equal(state.set, "train");
  assert.equal(index.of(state).length, 300);
  assert.equal(handleBrowseKey(state, key("escape"), index), "leave");
  assert.equal(handleBrowseKey(state, key("c", true), index), "leave");
});

Deno.test("the screen fits 80x24 and 160x50; more digits side by side when wide", () => {
  const state = newBrowseState();
  state.position = 12;
  for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 50 }]) {
    const lines = renderBrowseScreen(state, view(), size, ["model", "data"], "none");
    assert.equal(lines.length, size.rows);
    for (const line of lines) assert.ok(visibleWidth(line) <= size.columns, line);
    const text = lines.join("\n");
    assert.ok(!text.includes("\x1b"));
    assert.match(text, /Test set · 13 of 100 · #12, label 2/);
    assert.match(text, /\[#12 · 2 (✓|✗ \d)\]/, "the current digit is marked");
    assert.match(text, /(right|wrong): it is a 2/);
    assert.equal(lines.filter((line) => /\d+\.\d%\s*$/.test(line)).length, 10, text);
    const captions = text.match(/#\d+ · \d (✓|✗ \d)/g) ?? [];
    if (size.columns === 80) assert.equal(captions.length, 1);
    else assert.ok(captions.length >= 6, `${captions.length} digits at 160x50`);
  }
  const colored = renderBrowseScreen(state, view(), { columns: 80, rows: 24 }, ["m"], "256");
  assert.ok(colored.join("").includes("\x1b["));
});

Deno.test("without data the screen says why, in place", () => {
  const lines = renderBrowseScreen(
    newBrowseState(),
    {
      problem: { text: "Cannot load the digits: MNIST not found", error: true },
      predict: () => {
        throw new Error("not called");
      },
    },
    { columns: 80, rows: 24 },
    ["model"],
    "none",
  );
  assert.match(lines.join("\n"), /Cannot load the digits: MNIST not found/);
  assert.match(lines.join("\n"), /--sample/);
});
