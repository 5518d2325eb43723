/**
 * End-to-end tests of looking inside the network in a real terminal (tmux): the Inspect pages,
 * the Train screen's live panel and chart, the Draw screen's saliency and hidden-layer strip,
 * and the Test screen's mistakes of one confusion cell. They need tmux, and all but the last the
 * full MNIST.
 */
import assert from "node:assert/strict";
import { skipUnless } from "./env.ts";
import { TmuxSession } from "./tmux.ts";

const ignore = skipUnless(import.meta, "tmux", "mnist");

Deno.test({
  name:
    "tui Inspect: Weights, a unit's digits, Activations and saliency, Health, in color and back",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({ env: { NO_COLOR: "1" }, columns: 100, rows: 30 });
    await tmux.waitFor(/7 {2}Inspect +look inside/);
    await tmux.keys("7");
    let screen = await tmux.waitFor(
      /of \d+ units: 784 weights each|of \d+ filters, \d+x\d+ weights/,
    );
    assert.match(screen, /── Inspect · Weights/);
    assert.match(screen, /\[1 Weights\]/);
    assert.match(screen, /\[#0\]/);
    await tmux.keys("Right");
    await tmux.waitFor(/\[#1\]/);
    await tmux.keys("Enter");
    screen = await tmux.waitFor(
      /The test digits \(of the first 2,000\) that make (unit|filter) #1/,
    );
    assert.match(screen, /#\d+: \d/, "the digits, with their labels");
    await tmux.keys("Escape"); // back to the tiles, not out
    await tmux.waitFor(/\[#1\]/);

    await tmux.keys("Tab");
    screen = await tmux.waitFor(/test digit #0, a 7: the network says 7/);
    assert.match(screen, /── Inspect · Activations and saliency/);
    assert.match(screen, /the attribution \(\+ ink that speaks for 7, - ink against it/);
    assert.match(screen, /strongest: #\d+ \d+\.\d\d/);
    assert.match(screen, /by probability: 7 1\.00/);
    assert.match(screen, /[+-]/);
    await tmux.keys("Right", "Right");
    await tmux.waitFor(/test digit #2, a 1: the network says 1/);

    await tmux.keys("3");
    screen = await tmux.waitFor(/── Inspect · Health/);
    assert.match(screen, /Per layer: the weights' histogram/);
    assert.match(screen, /\d+\/\d+ dead +grad \d/);
    assert.match(screen, /[▁▂▃▄▅▆▇█]{8}/, "a histogram per layer");
    assert.match(screen, /Nothing to worry about|never fires|large weights|near zero/);
    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 7 {2}Inspect/);
    await tmux.keys("q");
    await tmux.waitFor(/\[exited 0\]/);
  },
});

Deno.test({
  name: "tui Inspect in color: weight tiles in the diverging scale, saliency over the digit",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({ env: { COLORTERM: "truecolor" } });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("7");
    await tmux.waitFor(/of \d+ units: 784 weights each|of \d+ filters, \d+x\d+ weights/);
    let colors = await tmux.screenWithColors();
    // tmux reports truecolor cells as 38;2;r;g;b: orange (r > b) and blue (b > r) both appear
    const rgb = [...colors.matchAll(/38;2;(\d+);(\d+);(\d+)/g)].map((m) => m.slice(1).map(Number));
    assert.ok(rgb.some(([r, , b]) => r > 150 && b < 80), "positive weights in orange");
    assert.ok(rgb.some(([r, , b]) => b > 150 && r < 80), "negative weights in blue");
    await tmux.keys("2");
    await tmux.waitFor(/test digit #0, a 7: the network says 7/);
    colors = await tmux.screenWithColors();
    assert.match(colors, /38;2;\d+;\d+;\d+m▀/);
    await tmux.keys("q", "q");
    await tmux.waitFor(/\[exited 0\]/);
  },
});

Deno.test({
  name: "tui Train: the loss chart during the first epoch, the live panel of weights and gradients",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await using tmux = await TmuxSession.start({
      args: ["--model", `${dir}/live.safetensors`],
      env: { NO_COLOR: "1" },
      columns: 100,
      rows: 30,
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("1");
    await tmux.waitFor(/Start training/);
    await tmux.keys("Down", "Down", "Down"); // past Hidden layers, Activation, Layers
    await tmux.type("1"); // one epoch
    await tmux.keys("Enter");
    // While the first epoch runs (an ETA on its progress line), the chart is already there.
    let screen = await tmux.waitFor(/ETA[^]*── loss/);
    assert.doesNotMatch(screen, /test accuracy \d/);
    screen = await tmux.waitFor(
      // a panel after batch 300 (or a later one) has measured one update of each layer
      /layer 1 weights, batch [\d,]{3,}[^]*dense256 +grad \d\S* upd(ate)? \d\.\de-\d/,
    );
    assert.match(screen, /dense10 +grad \d/);
    screen = await tmux.waitFor(/Done: 1 epoch, test accuracy/);
    assert.match(screen, /·· test accuracy \(right\)/);
    assert.match(screen, /layer 1 weights, batch \d/);
    await tmux.keys("Enter");
    await tmux.waitFor(/▸ 1 {2}Train/);
    // Inspect's Health page shows the update ratios of that training
    await tmux.keys("7");
    await tmux.keys("3");
    screen = await tmux.waitFor(/update\/weight \d\.\de-\d/);
    assert.match(screen, /the last training of\s+\S*live\.safetensors/);
    await tmux.keys("q", "q");
    await tmux.waitFor(/\[exited 0\]/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "tui Draw: s shows the attribution of the guess over the canvas, then the raw gradient; a hidden-layer strip",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({ env: { NO_COLOR: "1" } });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("4");
    await tmux.waitFor(/Canvas/);
    // a 7: a bar along the top, then a slanted stroke down
    await tmux.keys(...Array(6).fill("Up"), ...Array(5).fill("Left"), "Space");
    await tmux.keys(...Array(10).fill("Right"));
    for (let i = 0; i < 4; i++) await tmux.keys("Down", "Down", "Left");
    await tmux.keys("Down", "Space");
    let screen = await tmux.waitFor(/It's an? \d|Probably an? \d|Not sure: \d/);
    // the hidden layer's strip, once the pen rests (the screen's work explains the guess)
    screen = await tmux.waitFor(/dense\d+ /);
    assert.match(screen, /It's an? \d|Probably an? \d|Not sure: \d/);
    // drawn with the keyboard, the cursor stays in view: s shows the attribution over it
    assert.doesNotMatch(screen, /what made the guess/);
    await tmux.keys("s");
    screen = await tmux.waitFor(/Canvas · what made the guess/);
    assert.match(screen, /\+ ink for the guess, - against it/);
    const canvas = screen.split("\n").filter((line) => line.startsWith("│")).join("\n");
    assert.match(canvas, /\+/, "pixels that speak for the guess");
    await tmux.keys("s");
    await tmux.waitFor(/Canvas · where ink would change it/);
    await tmux.keys("s");
    await tmux.waitFor(/─ Canvas ─/);
    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 4 {2}Draw a digit/);
    // Inspect explains that drawing
    await tmux.keys("7", "2");
    await tmux.waitFor(/your drawing: the network says \d/);
    await tmux.keys("q", "q");
    await tmux.waitFor(/\[exited 0\]/);
  },
});

Deno.test({
  name: "tui Test: choose a confusion cell with the arrows, Enter shows exactly those mistakes",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({ env: { NO_COLOR: "1" } });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("2");
    // the whole test set through the CNN first: up to a minute on a busy machine
    let screen = await tmux.waitFor(
      /Chosen: (\d) taken for (\d), \d+ times · Enter shows them/,
      60_000,
    );
    const [, actual, predicted] = /Chosen: (\d) taken for (\d)/.exec(screen)!;
    assert.match(screen, />\s*\d+</, "the chosen cell is marked in the table");
    await tmux.keys("Enter");
    screen = await tmux.waitFor(new RegExp(`${actual} taken for ${predicted}: \\d+ digits?`));
    assert.match(screen, new RegExp(`#\\d+ · \\d+% sure it is an? ${predicted}`));
    await tmux.keys("Escape");
    await tmux.waitFor(/Chosen:/);
    // another cell: one to the left
    await tmux.keys("Left");
    const other = Number(predicted) === 0 ? 9 : Number(predicted) - 1;
    screen = await tmux.waitFor(new RegExp(`Chosen: ${actual} (taken for|read as) ${other}`));
    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 2 {2}Test/);
    await tmux.keys("q");
    await tmux.waitFor(/\[exited 0\]/);
  },
});

Deno.test({
  name: "tui Inspect without MNIST: offers the data first; the offline sample works",
  ignore: skipUnless(import.meta, "tmux"),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "digits-inspect-nodata-" });
    try {
      await using tmux = await TmuxSession.start({
        args: ["--data-dir", `${dir}/data`],
        env: { NO_COLOR: "1" },
        cwd: dir,
      });
      await tmux.waitFor(/9 {2}Quit/);
      await tmux.keys("7");
      await tmux.waitFor(/── MNIST data[^]*s +Use the offline sample/);
      await tmux.keys("s");
      const screen = await tmux.waitFor(/of \d+ units: 784 weights each|of \d+ filters/);
      assert.match(screen, /── Inspect · Weights/);
      await tmux.keys("3");
      await tmux.waitFor(/\d+\/\d+ dead +grad \d/);
      await tmux.keys("q", "q");
      await tmux.waitFor(/\[exited 0\]/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
