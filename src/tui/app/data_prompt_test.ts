import assert from "node:assert/strict";
import { dataPromptKey, type DataPromptState, renderDataPrompt } from "./data_prompt.ts";

const key = (name: string, ctrl = false) => ({
  type: "key" as const,
  key: name,
  ctrl,
  alt: false,
  shift: false,
  sequence: name,
});

Deno.test("data prompt: the reason wrapped to the width, both ways out, no color codes", () => {
  const state: DataPromptState = {
    reason: "MNIST data not found: ./data does not exist; run `deno task start fetch-data`",
    dataDir: "./data",
    phase: "choose",
    log: [],
  };
  const lines = renderDataPrompt(state, { columns: 40, rows: 24 }, "none");
  for (const line of lines) assert.ok([...line].length <= 40, line);
  const text = lines.join("\n");
  assert.match(text, /^MNIST data not found: \.\/data does not\nexist;/);
  assert.match(text, /f +Download MNIST \(11 MB\)/);
  assert.match(text, /s +Use the offline sample/);
  assert.ok(!text.includes("\x1b"));
});

Deno.test("data prompt: while downloading, the file's progress and the finished steps", () => {
  const state: DataPromptState = {
    reason: "MNIST data not found",
    dataDir: "data",
    phase: "downloading",
    log: ["train-images-idx3-ubyte.gz verified"],
    progress: {
      file: "train-labels-idx1-ubyte.gz",
      receivedBytes: 14_000,
      totalBytes: 28_881,
      startMs: 0,
    },
  };
  const text = renderDataPrompt(state, { columns: 80, rows: 24 }, "none", 1000).join("\n");
  assert.doesNotMatch(text, /Download MNIST now/, "no choices while downloading");
  assert.match(text, /train-images-idx3-ubyte\.gz verified/);
  assert.match(text, /train-labels-idx1-ubyte\.gz\n +14\/28 .* kB/);
});

Deno.test("data prompt keys: f or d download, s sample, Esc or Ctrl-C back, others nothing", () => {
  assert.equal(dataPromptKey(key("f")), "download");
  assert.equal(dataPromptKey(key("d")), "download");
  assert.equal(dataPromptKey(key("s")), "sample");
  assert.equal(dataPromptKey(key("escape")), "back");
  assert.equal(dataPromptKey(key("c", true)), "back");
  assert.equal(dataPromptKey(key("x")), undefined);
});
