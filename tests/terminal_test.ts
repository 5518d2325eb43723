/**
 * Small and changing terminals: the live `train` line in a 40x12 terminal stays on its line, and
 * the menu's training screen follows a resize mid-run. They need tmux and the full MNIST.
 */
import assert from "node:assert/strict";
import { skipUnless } from "./env.ts";
import { appCommand, TmuxSession } from "./tmux.ts";

const ignore = skipUnless(import.meta, "tmux", "mnist");

Deno.test({
  name: "terminal: train's live progress in a 40x12 terminal never wraps and ends clean",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const model = `${dir}/small.safetensors`;
    await using tmux = await TmuxSession.start({
      shell: appCommand(["train", "--model", model, "--fresh", "--limit", "6000", "--epochs", "3"]),
      columns: 40,
      rows: 12,
    });
    // Mid-epoch: the progress line fits the 40 columns (drawn in place, cut to the width).
    let screen = await tmux.waitFor(/\d+\/94 /, 30_000);
    screen = await tmux.waitFor(/\[exited 0\]/, 60_000);
    const lines = screen.split("\n");
    // The live line is redrawn with a carriage return: had it wrapped, the return would only
    // reach the start of its second row and leave broken bars behind. Every bar on the screen
    // must be one whole, finished line.
    const bars = lines.filter((line) => /[━─]{3}/.test(line));
    assert.ok(bars.length >= 2, screen);
    for (const bar of bars) assert.match(bar, /^ *94\/94 ━+ \d+s \d+(ms|µs)\/step$/, screen);
    const text = screen.replaceAll("\n", "");
    assert.match(text, /test accuracy: \d+\.\d\d%/);
    assert.match(text, /Saved .*small\.safetensors: 3 epochs/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "terminal: the menu's training screen follows a resize from 100x30 to 40x12 and back",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await using tmux = await TmuxSession.start({
      args: ["--model", `${dir}/resized.safetensors`],
      columns: 100,
      rows: 30,
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("Enter");
    await tmux.waitFor(/Start training/);
    await tmux.keys("Down", "Down", "Down"); // past Hidden layers, Activation, Layers: Epochs
    await tmux.type("30");
    await tmux.keys("Enter");
    await tmux.waitFor(/Epoch 1\/30/);
    await tmux.tmux("resize-window", "-t", "app", "-x", "40", "-y", "12");
    let screen = await tmux.waitFor(/── Train ──/);
    // Redrawn for the new size: no line wider than 40, the footer on the last row.
    await new Promise((resolve) => setTimeout(resolve, 500));
    screen = await tmux.screen();
    for (const line of screen.split("\n")) assert.ok([...line].length <= 40, `too wide: ${line}`);
    assert.match(screen.trimEnd().split("\n").at(-1)!, /Esc|stop/);
    await tmux.tmux("resize-window", "-t", "app", "-x", "100", "-y", "30");
    screen = await tmux.waitFor(/Esc or Ctrl-C: stop after this batch and save/);
    assert.match(screen, /── Train ─{80,}/);
    await tmux.keys("Escape");
    await tmux.waitFor(/Stopped after/);
    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 1 {2}Train/);
    await tmux.keys("q");
    await tmux.waitFor(/\[exited 0\]/);
    await Deno.remove(dir, { recursive: true });
  },
});
