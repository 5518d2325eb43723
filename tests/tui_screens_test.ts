/**
 * End-to-end tests of the Draw, Classify and Browse screens: the real app in a real terminal
 * (tmux), reached through the menu, driven by keys and SGR mouse reports like a person would.
 */
import assert from "node:assert/strict";
import { encode } from "fast-png";
import { CANVAS_SIDE, DrawingCanvas } from "../src/tui/widgets/canvas.ts";
import { SHIPPED_MODEL, skipUnless } from "./env.ts";
import { TmuxSession } from "./tmux.ts";

const ignore = skipUnless(import.meta, "tmux");
const ignoreWithoutMnist = skipUnless(import.meta, "tmux", "mnist");
const GUESS = /It's an? (\d)|Probably an? (\d)|Not sure: (\d)/;

/** Drags the left mouse button through 1-based cells, as a terminal reports it (SGR 1006). */
async function mouseStroke(tmux: TmuxSession, points: [number, number][]): Promise<void> {
  const [x0, y0] = points[0];
  await tmux.raw(`\x1b[<0;${x0};${y0}M`);
  for (const [x, y] of points.slice(1)) await tmux.raw(`\x1b[<32;${x};${y}M`);
  const [x1, y1] = points[points.length - 1];
  await tmux.raw(`\x1b[<0;${x1};${y1}m`);
}

/**
 * Waits until the screen matches `pattern` and then stops changing (mouse reports arrive one
 * by one, and the guess is redrawn after each), and returns it.
 */
async function settled(tmux: TmuxSession, pattern: RegExp): Promise<string> {
  let previous = await tmux.waitFor(pattern);
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const screen = await tmux.screen();
    if (screen === previous && pattern.test(screen)) return screen;
    previous = screen;
  }
  throw new Error(`the screen did not settle:\n${previous}`);
}

function guessOf(screen: string): number | undefined {
  const match = GUESS.exec(screen);
  return match ? Number(match[1] ?? match[2] ?? match[3]) : undefined;
}

Deno.test({
  name: "tui draw: a mouse stroke makes a guess, a loop changes it, keys draw too, Esc leaves",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({
      args: ["--model", SHIPPED_MODEL],
      env: { NO_COLOR: "1" },
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("4");
    let screen = await tmux.waitFor(/Drag with the left mouse button/);
    assert.match(screen, /── Draw a digit/);
    assert.equal(guessOf(screen), undefined, "no guess on a blank canvas");
    assert.equal(await tmux.paneFormat("#{mouse_sgr_flag}"), "1", "mouse reporting is on");

    // At 80x24 the canvas is 36x18 cells from column 2, row 5 (1-based). A vertical "1":
    const one: [number, number][] = [];
    for (let y = 6; y <= 20; y++) one.push([20, y]);
    await mouseStroke(tmux, one);
    screen = await settled(tmux, GUESS);
    const first = guessOf(screen);
    assert.match(screen, /▶ \d/, "confidence bars");
    const canvasRows = screen.split("\n").slice(4, 22).join("\n");
    assert.match(canvasRows, /│[^│]*[#%@][^│]*│/, "the stroke shows on the canvas");
    assert.equal(first, 1);

    // Clear, then a loop: an upright ellipse 16 pixels wide and 24 tall.
    await tmux.keys("c");
    await tmux.waitFor(/Drag with the left mouse button/);
    const loop: [number, number][] = [];
    for (let i = 0; i <= 40; i++) {
      const angle = (i / 40) * 2 * Math.PI;
      loop.push([Math.round(19 + 8 * Math.sin(angle)), Math.round(13 - 6 * Math.cos(angle))]);
    }
    await mouseStroke(tmux, loop);
    screen = await settled(tmux, GUESS);
    screen = await tmux.waitFor(/It's a 0|Probably a 0|Not sure: 0/);
    assert.notEqual(guessOf(screen), first, "the guess changed");

    // Keyboard: undo the loop, then a stroke with the arrows and the space bar.
    await tmux.keys("u");
    await tmux.waitFor(/Drag with the left mouse button/);
    await tmux.keys("Up", "Up", "Up", "Up", "Space");
    await tmux.waitFor(/Canvas · pen down/);
    for (let i = 0; i < 8; i++) await tmux.keys("Down");
    await tmux.keys("Space");
    screen = await settled(tmux, GUESS);
    assert.doesNotMatch(screen, /pen down/);
    assert.match(screen, /◇/, "the keyboard cursor shows");
    assert.equal(guessOf(screen), 1);

    // NO_COLOR: no escape codes at all.
    assert.ok(!(await tmux.screenWithColors()).includes("\x1b["));

    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 4 {2}Draw a digit/);
    assert.equal(await tmux.paneFormat("#{mouse_sgr_flag}"), "0", "mouse reporting is off again");
  },
});

Deno.test({
  name: "tui draw: uses the room at 160x50 and redraws on resize",
  ignore,
  fn: async () => {
    await using tmux = await TmuxSession.start({ columns: 160, rows: 50 });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("4");
    let screen = await tmux.waitFor(/Drag with the left mouse button/);
    // An 88-pixel canvas: its border is 90 columns wide.
    assert.match(screen, /┌─ Canvas ─+┐/);
    assert.equal(/┌─ Canvas ─+┐/.exec(screen)![0].length, 90);
    assert.ok((await tmux.screenWithColors()).includes("\x1b["), "colors without NO_COLOR");
    await mouseStroke(tmux, [[40, 10], [40, 20], [40, 30], [40, 40]]);
    screen = await tmux.waitFor(/Network input 28x28/);
    await tmux.tmux("resize-window", "-t", "app", "-x", "80", "-y", "24");
    // The redrawn 80-column screen: the small canvas beside the guess (a capture taken while
    // the terminal still shows rows of the wide screen has the one without the other).
    screen = await tmux.waitFor(new RegExp(`Input ½[\\s\\S]*(${GUESS.source})`));
    // the title says what is drawn over the canvas (the attribution of the guess, by default)
    assert.equal(/┌─ Canvas[^┐]*┐/.exec(screen)![0].length, 38);
  },
});

Deno.test({
  name: "tui classify: a folder is stepped through, errors show in place, another path works",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tui-classify-" });
    try {
      const seven = new DrawingCanvas();
      seven.stroke([{ x: 25, y: 20 }, { x: 85, y: 20 }, { x: 50, y: 100 }]);
      const data = new Uint8Array(CANVAS_SIDE * CANVAS_SIDE);
      for (let i = 0; i < data.length; i++) data[i] = Math.round(255 * (1 - seven.ink[i]));
      const png = encode({ width: CANVAS_SIDE, height: CANVAS_SIDE, data, channels: 1, depth: 8 });
      await Deno.writeFile(`${dir}/a_label7.png`, png);
      await Deno.writeTextFile(`${dir}/b.png`, "not an image");
      await using tmux = await TmuxSession.start({
        args: ["--model", SHIPPED_MODEL],
        env: { NO_COLOR: "1" },
      });
      await tmux.waitFor(/9 {2}Quit/);
      await tmux.keys("3");
      await tmux.waitFor(/Path: /);
      await tmux.type(`${dir}/nothing-here`);
      await tmux.keys("Enter");
      await tmux.waitFor(/nothing-here: no such file or folder/);
      await tmux.keys("C-w"); // delete the last path part and type another
      await tmux.keys("Enter");
      // The image is read in the background: "reading…" first, then what it gave.
      const screen = await tmux.waitFor(/image 1 of 2: a_label7\.png[^\n]*\n[^]*The image/);
      assert.match(screen, /Network input/);
      assert.match(screen, GUESS);
      assert.match(screen, /labelled 7 ✓/);
      await tmux.keys("Right");
      // The image is read in the background: "reading…" first, then what it gave.
      await tmux.waitFor(/image 2 of 2: b\.png/);
      await tmux.waitFor(/image 2 of 2: b\.png · not a PNG or JPEG image/);
      await tmux.keys("Left");
      await tmux.waitFor(/image 1 of 2/);
      await tmux.keys("Escape");
      await tmux.waitFor(/▸ 3 {2}Classify an image/);
      // Coming back, the folder is typed in again; there `q` is a letter, not "back".
      await tmux.keys("3");
      await tmux.waitFor(new RegExp(`Path: ${dir}/`));
      await tmux.keys("q");
      await tmux.waitFor(new RegExp(`Path: ${dir}/q`));
      await tmux.keys("Escape");
      await tmux.waitFor(/▸ 3 {2}Classify an image/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "tui browse: steps, switches sets, filters by digit, jumps to an index",
  ignore: ignoreWithoutMnist,
  fn: async () => {
    await using tmux = await TmuxSession.start({
      args: ["--model", SHIPPED_MODEL],
      env: { NO_COLOR: "1" },
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("5");
    let screen = await tmux.waitFor(/Test set · 1 of 10,000 · #0, label 7/);
    assert.match(screen, /\[#0 · 7 (✓|✗ \d)\]/);
    assert.match(screen, /(right|wrong): it is a 7/);
    await tmux.keys("Right", "PageDown");
    await tmux.waitFor(/12 of 10,000 · #11, label 6/);
    await tmux.keys("t");
    await tmux.waitFor(/Training set · 1 of 60,000 · #0, label 5/);
    await tmux.keys("3");
    screen = await tmux.waitFor(/only 3s \(6,131 of 60,000\)/);
    assert.match(screen, /#7, label 3/);
    await tmux.keys("g");
    await tmux.waitFor(/Go to index/);
    await tmux.type("1234");
    await tmux.keys("Enter");
    screen = await tmux.waitFor(/#1,234, label \d/);
    await tmux.keys("Escape");
    await tmux.waitFor(/▸ 5 {2}Browse digits/);
  },
});

Deno.test({
  name: "tui test and browse: q leaves the report; typing an index, q is a letter and Esc cancels",
  ignore: ignoreWithoutMnist,
  fn: async () => {
    await using tmux = await TmuxSession.start({
      args: ["--model", SHIPPED_MODEL],
      env: { NO_COLOR: "1" },
      columns: 80,
      rows: 24,
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("2");
    // the whole test set through the CNN: a minute on a busy machine
    let screen = await tmux.waitFor(
      /Esc back · arrows cell · Enter mistakes · j\/k PgUp\/PgDn · lines 1-20 of \d+/,
      60_000,
    );
    assert.match(screen, /Accuracy \d+\.\d\d% +\(\d[\d,]* of 10,000 test digits right\)/);
    await tmux.keys("PageDown");
    await tmux.waitFor(/lines 20-39 of \d+/);
    await tmux.keys("q");
    await tmux.waitFor(/▸ 2 {2}Test/);

    await tmux.keys("5");
    await tmux.waitFor(/Test set · 1 of 10,000 · #0, label 7/);
    await tmux.keys("/");
    await tmux.waitFor(/Go to index \(0-9,999\):/);
    await tmux.type("4q2");
    screen = await tmux.waitFor(/Go to index \(0-9,999\): 42/);
    assert.match(screen, /── Browse digits/, "q did not leave while typing");
    await tmux.keys("Escape");
    screen = await tmux.waitFor(/Test set · 1 of 10,000 · #0, label 7/);
    assert.match(screen, /── Browse digits/, "Esc cancelled the typing only");
    await tmux.keys("q");
    await tmux.waitFor(/▸ 5 {2}Browse digits/);
  },
});
