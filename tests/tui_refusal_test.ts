/**
 * Issue 17 in the Draw screen, end to end (the real app in tmux at 80x24, the shipped model):
 * a smiley, an X, a house and a dash drawn with the mouse are refused live ("Doesn't look like
 * a digit"), and every digit 0-9 drawn with the keyboard (arrows and the space bar) is still
 * read. The drawings are in tests/fixtures/draw_shapes.ts.
 */
import assert from "node:assert/strict";
import { PRETRAINED_MODEL_PATH } from "../src/app/model_paths.ts";
import { KEYBOARD_DIGITS, keyNames, MOUSE_NOT_DIGITS } from "./fixtures/draw_shapes.ts";
import { PROJECT_ROOT } from "./run_app.ts";
import { HAVE_TMUX, TmuxSession } from "./tmux.ts";

const GUESS = /It's an? (\d)|Probably an? (\d)|Not sure: (\d)/;
const REFUSED = /Doesn't look like a digit/;

/** Waits until the screen matches `pattern` and stops changing; returns it. */
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

Deno.test({
  name: "tui draw: a smiley, an X, a house and a dash are refused; keyboard digits 0-9 are read",
  ignore: !HAVE_TMUX,
  fn: async () => {
    await using tmux = await TmuxSession.start({
      args: ["--model", `${PROJECT_ROOT}/${PRETRAINED_MODEL_PATH}`],
      env: { NO_COLOR: "1" },
    });
    await tmux.waitFor(/8 {2}Quit/);
    await tmux.keys("4");
    await tmux.waitFor(/Drag with the left mouse button/);
    // The canvas's cell (column, row) is the terminal's (column + 2, row + 5), 1-based.
    for (const [name, strokes] of Object.entries(MOUSE_NOT_DIGITS)) {
      for (const stroke of strokes) {
        const cells = stroke.map(([x, y]) => [x + 2, y + 5]);
        await tmux.raw(`\x1b[<0;${cells[0][0]};${cells[0][1]}M`);
        for (const [x, y] of cells.slice(1)) await tmux.raw(`\x1b[<32;${x};${y}M`);
        const [x1, y1] = cells[cells.length - 1];
        await tmux.raw(`\x1b[<0;${x1};${y1}m`);
      }
      const screen = await settled(tmux, new RegExp(`${REFUSED.source}|${GUESS.source}`));
      assert.match(screen, REFUSED, `${name}:\n${screen}`);
      assert.doesNotMatch(screen, GUESS, name);
      await tmux.keys("c");
      await tmux.waitFor(/Drag with the left mouse button/);
    }
    for (const [digit, path] of Object.entries(KEYBOARD_DIGITS)) {
      for (const key of keyNames(path, true)) await tmux.keys(key);
      const screen = await settled(tmux, new RegExp(`${REFUSED.source}|${GUESS.source}`));
      const match = GUESS.exec(screen);
      assert.ok(match, `${digit} was refused:\n${screen}`);
      assert.equal(Number(match[1] ?? match[2] ?? match[3]), Number(digit), screen);
      await tmux.keys("c");
      await tmux.waitFor(/Drag with the left mouse button/);
    }
  },
});
