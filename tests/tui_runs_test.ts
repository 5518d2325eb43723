/**
 * The Runs screen in a real terminal: two runs trained at different rates into one folder are
 * listed, and picking both overlays their curves, one color each (or one dot pattern each
 * without color), on one axis of epochs.
 */
import assert from "node:assert/strict";
import { runApp } from "./run_app.ts";
import { skipUnless } from "./env.ts";
import { TmuxSession } from "./tmux.ts";

Deno.test({
  name: "tui Runs: two runs at different rates, listed and overlaid in color and without",
  ignore: skipUnless(import.meta, "tmux", "mnist"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      for (const [name, lr] of [["slow", "0.0003"], ["fast", "0.003"]]) {
        const trained = await runApp([
          "train",
          "--model",
          `${dir}/${name}.safetensors`,
          "--hidden",
          "32",
          "--limit",
          "3000",
          "--epochs",
          "2",
          "--lr",
          lr,
          "--fresh",
        ]);
        assert.equal(trained.code, 0, trained.stderr);
      }
      const environments: Record<string, string>[] = [{ COLORTERM: "truecolor" }, {
        NO_COLOR: "1",
      }];
      for (const env of environments) {
        await using tmux = await TmuxSession.start({
          args: ["--model", `${dir}/fast.safetensors`],
          env,
          columns: 100,
          rows: 40,
        });
        await tmux.waitFor(/9 {2}Quit/);
        await tmux.keys("8");
        let screen = await tmux.waitFor(/best +time[^]*fast\.safetensors/);
        assert.match(screen, /model +network +optimizer +rate +epochs +best +time/);
        assert.match(screen, /slow\.safetensors +784-32-10 +adam +0\.0003 +2 +\d+\.\d\d%/);
        assert.match(screen, /fast\.safetensors +784-32-10 +adam +0\.003 +2 +\d+\.\d\d%/);
        // pick both (the newest, fast, is highlighted first)
        await tmux.keys("Space", "Up", "Space");
        screen = await tmux.waitFor(/Test accuracy after each epoch[^]*fast\.safetensors[^]*slow/);
        assert.match(screen, /Training loss \(smoothed\)/);
        assert.match(screen, /0 +1 +2/); // the axis of epochs
        if (env.NO_COLOR) {
          // without color the two runs are told apart by their marks in the legend
          assert.match(screen, /── fast\.safetensors +·· slow\.safetensors/);
        } else {
          const colors = await tmux.screenWithColors();
          // the two runs' lines in two colors (cyan and yellow braille)
          const brailleIn = (sgr: string) =>
            colors.split(sgr).slice(1).some((part) => /^[⠀-⣿]/.test(part));
          assert.ok(brailleIn("\x1b[36m"), "a cyan line");
          assert.ok(brailleIn("\x1b[33m"), "a yellow line");
        }
        await tmux.keys("Escape");
        await tmux.waitFor(/▸ 8 {2}Runs/);
        await tmux.keys("q");
        await tmux.waitFor(/\[exited 0\]/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "tui Model: m on the menu lists the model files; choosing the dense one makes it the model in use",
  ignore: skipUnless(import.meta, "tmux"),
  fn: async () => {
    await using tmux = await TmuxSession.start({ env: { NO_COLOR: "1" }, columns: 100, rows: 30 });
    await tmux.waitFor(/m model · q quit/);
    await tmux.keys("m");
    const screen = await tmux.waitFor(/Other file… \(type its path\)/);
    assert.match(screen, /models\/pretrained_mlp\.safetensors +99\.06% +shipped +784-256-10/);
    // the shipped CNN is in use (marked); move the marker to the dense network and choose it
    assert.match(screen, /▸ models\/pretrained\.safetensors +\d+\.\d\d% +shipped +in use +cnn/);
    const lines = screen.split("\n");
    const at = lines.findIndex((l) => l.startsWith("▸"));
    const mlp = lines.findIndex((l) => /models\/pretrained_mlp\.safetensors/.test(l));
    await tmux.keys(...Array(Math.abs(mlp - at)).fill(mlp > at ? "Down" : "Up"), "Enter");
    // back on the menu, whose header names the model in use: the dense network now
    const menu = await tmux.waitFor(/^model: [^\n]*784-256-10[^]*m model · q quit/m);
    assert.doesNotMatch(menu, /^model: [^\n]*cnn/m);
    await tmux.keys("q");
    await tmux.waitFor(/\[exited 0\]/);
  },
});
