/**
 * End-to-end tests of the interactive app: the real main.ts in a real terminal (tmux), driven by
 * keys like a person would. They need tmux, and all but the Ctrl-C one the full MNIST.
 */
import assert from "node:assert/strict";
import { MNIST_FILES } from "../src/data/locate.ts";
import { MNIST_DIR, skipUnless } from "./env.ts";
import { runApp } from "./run_app.ts";
import { appCommand, TmuxSession } from "./tmux.ts";

const ignore = skipUnless(import.meta, "tmux", "mnist");

Deno.test({
  name: "tui: menu moves with arrows, j/k and digits, opens screens, backs out with Esc, q quits",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await using tmux = await TmuxSession.start({
      args: ["--model", `${dir}/none.safetensors`],
      env: { NO_COLOR: "1" },
    });
    let screen = await tmux.waitFor(/9 {2}Quit/);
    assert.match(screen, /▸ 1 {2}Train/);
    assert.match(screen, /model: random network 784-256-10 \(untrained/);
    assert.match(screen, /data: +full MNIST \(60,000 train \/ 10,000 test\)/);
    // NO_COLOR: not a single escape code on the screen, the selection shows as a marker.
    assert.ok(!(await tmux.screenWithColors()).includes("\x1b["));

    await tmux.keys("Down", "Down");
    await tmux.waitFor(/▸ 3 {2}Classify an image/);
    await tmux.keys("k");
    await tmux.waitFor(/▸ 2 {2}Test/);
    await tmux.keys("j", "Up", "Up");
    await tmux.waitFor(/▸ 1 {2}Train/);
    await tmux.keys("Up"); // wraps around to the last entry
    await tmux.waitFor(/▸ 9 {2}Quit/);

    await tmux.keys("6");
    screen = await tmux.waitFor(/── Model info/);
    assert.match(screen, /No trained model: the network is random/);
    await tmux.keys("Escape");
    screen = await tmux.waitFor(/▸ 6 {2}Model info/);
    assert.doesNotMatch(screen, /── Model info/);

    await tmux.keys("1");
    screen = await tmux.waitFor(/Start training/);
    assert.match(screen, /Hidden layers +256/);
    await tmux.keys("C-c"); // backs out of a screen, does not quit the app
    await tmux.waitFor(/▸ 1 {2}Train/);

    await tmux.keys("q");
    screen = await tmux.waitFor(/\[exited 0\]/);
    assert.doesNotMatch(screen, /9 {2}Quit/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "tui: an error in a screen (a damaged data file) is shown in place and the menu goes on",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    // All four files are there, but the test images are cut short.
    await Deno.mkdir(`${dir}/data`);
    for (const name of MNIST_FILES) {
      await Deno.copyFile(`${MNIST_DIR}/${name}.gz`, `${dir}/data/${name}.gz`);
    }
    const images = await Deno.readFile(`${MNIST_DIR}/t10k-images-idx3-ubyte.gz`);
    await Deno.writeFile(`${dir}/data/t10k-images-idx3-ubyte.gz`, images.slice(0, 5000));
    await using tmux = await TmuxSession.start({
      args: ["--model", `${dir}/none.safetensors`, "--data-dir", `${dir}/data`],
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("2");
    let screen = await tmux.waitFor(/t10k-images-idx3-ubyte\.gz/);
    assert.match(screen, /── Test/);
    await tmux.keys("Escape");
    screen = await tmux.waitFor(/── Menu/);
    assert.match(screen, /▸ 2 {2}Test/);
    await tmux.keys("Enter"); // again: the same error, in place
    screen = await tmux.waitFor(/── Test[^]*t10k-images-idx3-ubyte\.gz/);
    await tmux.keys("Escape");
    await tmux.waitFor(/── Menu/);
    await tmux.keys("Escape");
    await tmux.waitFor(/\[exited 0\]/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "tui: a short training run shows Keras progress, saves, and the menu then uses the model",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const model = `${dir}/tiny.safetensors`;
    await using tmux = await TmuxSession.start({ args: ["--model", model], columns: 80, rows: 24 });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("Enter");
    await tmux.waitFor(/Start training/);
    // Hidden layers, Activation, Layers, Epochs: typing replaces the default.
    await tmux.keys("Down", "Down", "Down");
    await tmux.type("2");
    await tmux.keys("Down");
    await tmux.type("0"); // batch size 0 is refused with the reason
    let screen = await tmux.waitFor(/Batch size +0.*expected a whole number from 1 to 4,096/);
    await tmux.keys("Enter"); // refused: stays on the form
    await tmux.keys("BSpace");
    await tmux.type("100");
    for (let i = 0; i < 4; i++) await tmux.keys("Down");
    await tmux.type("3000"); // training digits
    screen = await tmux.waitFor(/Training digits +3000/);
    assert.doesNotMatch(screen, /✗/);
    await tmux.keys("Enter");
    screen = await tmux.waitFor(/Epoch 1\/2/);
    assert.match(screen, /Training 784-256-10/);
    screen = await tmux.waitFor(/Done: 2 epochs, test accuracy \d+\.\d\d%; saved to/);
    assert.match(screen, /Epoch 2\/2 {2}test accuracy \d+\.\d\d%/);
    assert.match(screen, / {2}30\/30 ━+ \ds \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
    assert.ok((await Deno.stat(model)).isFile);
    await tmux.keys("Enter"); // Esc, q or Enter go back from the outcome
    screen = await tmux.waitFor(/▸ 1 {2}Train/);
    assert.match(screen, /tiny\.safetensors · 784-256-10( relu)? · 2 epochs · (test )?\d+\.\d\d%/);

    // Train again: the file exists, so Resume is offered; Ctrl-C stops after a batch and saves.
    await tmux.keys("Enter");
    screen = await tmux.waitFor(/Start training/);
    assert.match(screen, /tiny\.safetensors exists: 784-256-10 relu, 2 epochs/);
    assert.match(screen, /Hidden layers +256 +\(from the model file\)/);
    await tmux.keys("Down"); // from the mode to Epochs: the locked architecture is skipped
    await tmux.type("500");
    await tmux.keys("Enter");
    screen = await tmux.waitFor(/Epoch 4\/502/);
    assert.match(screen, /Resuming .*tiny\.safetensors \(2 epochs done/);
    await tmux.keys("C-c");
    screen = await tmux.waitFor(/Stopped after \d+ epochs \+ \d+ batches; saved to/);
    await tmux.keys("Escape");
    screen = await tmux.waitFor(/▸ 1 {2}Train/);
    assert.match(screen, /tiny\.safetensors · 784-256-10( relu)? · \d+ epochs \+ \d+ batches/);
    await tmux.keys("q");
    await tmux.waitFor(/\[exited 0\]/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "tui: the test screen shows accuracy, the confusion matrix, metrics and mistakes",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({
      args: ["--model", "models/pretrained.safetensors"],
      columns: 160,
      rows: 50,
    });
    await tmux.waitFor(/shipped pretrained model/);
    await tmux.keys("2");
    let screen = await tmux.waitFor(
      /Accuracy \d+\.\d\d% +\(\d[\d,]* of 10,000 test digits right\)/,
    );
    assert.match(screen, /rows: true digit, columns: predicted/);
    assert.match(screen, /^ +9 .*│ +1009\b/m); // the row of true 9s with its total
    assert.match(screen, /digit +precision +recall +F1 +support/);
    assert.match(screen, /Most confused/);
    await tmux.keys("End");
    screen = await tmux.waitFor(/\d → \d \(\d+%\)/);
    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 2 {2}Test/);
    await tmux.keys("Escape");
    await tmux.waitFor(/\[exited 0\]/);
  },
});

Deno.test({
  name: "tui: Ctrl-C on the menu quits and leaves the terminal as it was",
  ignore: skipUnless(import.meta, "tmux"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const app = appCommand(["--model", `${dir}/none.safetensors`]);
    await using tmux = await TmuxSession.start({
      shell: `echo BEFORE-APP; ${app}; echo "AFTER-APP $?"; stty -a | tr ' ;' '\\n\\n' | ` +
        `grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo`,
    });
    await tmux.waitFor(/9 {2}Quit/);
    assert.equal(await tmux.paneFormat("#{alternate_on}"), "1");
    await tmux.keys("C-c");
    const screen = await tmux.waitFor(/\[exited 0\]/);
    // The alternate screen is gone: what was printed before the app is visible again.
    assert.match(screen, /BEFORE-APP\n(.*\n)*AFTER-APP 0\n/);
    assert.doesNotMatch(screen, /Quit/);
    assert.match(screen, /^icanon echo$/m); // the tty is back in cooked mode with echo
    assert.equal(await tmux.paneFormat("#{alternate_on}"), "0");
    assert.equal(await tmux.paneFormat("#{cursor_flag}"), "1");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "tui: SIGTERM during training stops after the batch, saves, restores the terminal, exits 143",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const model = `${dir}/killed.safetensors`;
    await using tmux = await TmuxSession.start({
      args: ["--model", model],
      env: { NO_COLOR: "1" },
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("Enter");
    await tmux.waitFor(/Start training/);
    await tmux.keys("Down", "Down", "Down"); // past Hidden layers, Activation, Layers
    await tmux.type("50"); // epochs: far more than the test waits for
    await tmux.keys("Enter");
    await tmux.waitFor(/Epoch 2\/50\s+\S*\s*\d+\/938/, 60_000); // one epoch saved, the second running
    // The app is the child of the pane's shell.
    const shell = await tmux.paneFormat("#{pane_pid}");
    const children = await new Deno.Command("pgrep", { args: ["-P", shell], stdout: "piped" })
      .output();
    const pid = Number(new TextDecoder().decode(children.stdout).trim().split("\n")[0]);
    assert.ok(pid > 0, "found the app's process");
    Deno.kill(pid, "SIGTERM");
    const screen = await tmux.waitFor(/\[exited 143\]/);
    // Printed on the restored terminal, so it may wrap.
    assert.match(
      screen.replaceAll("\n", ""),
      /Stopped after 1 epoch \+ \d+ batches; saved to .*killed\.safetensors/,
    );
    assert.equal(await tmux.paneFormat("#{alternate_on}"), "0", "alternate screen left");
    assert.equal(await tmux.paneFormat("#{cursor_flag}"), "1", "cursor shown");
    // The saved model resumes where it stopped: 1 epoch and some batches into the second.
    const info = await runApp(["info", "--model", model, "--json"]);
    const saved = JSON.parse(info.stdout);
    assert.equal(saved.position.epochsDone, 1);
    assert.ok(saved.position.stepInEpoch > 0);
    await Deno.remove(dir, { recursive: true });
  },
});
