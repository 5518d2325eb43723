/**
 * Issue 17 in the Draw screen, end to end (the real app in tmux at 80x24, the shipped model):
 * a smiley, an X, a house and a dash are refused live ("Doesn't look like a digit"), and every
 * digit 0-9 is still read, all drawn with the keyboard (arrows and the space bar; the drawings
 * are in tests/fixtures/draw_shapes.ts). On a busy machine each event's new guess takes a
 * while (tui_screens_test's mouse loop times out half drawn), so every drawing ends with `s`
 * (show the overlay the keyboard's cursor hides) and is judged once the title shows it.
 */
import assert from "node:assert/strict";
import { KEYBOARD_DIGITS, KEYBOARD_NOT_DIGITS, keyNames } from "./fixtures/draw_shapes.ts";
import { SHIPPED_MODEL, skipUnless } from "./env.ts";
import { TmuxSession } from "./tmux.ts";

const GUESS = /It's an? (\d)|Probably an? (\d)|Not sure: (\d)/;
const REFUSED = /Doesn't look like a digit/;

/**
 * Types a key path and returns the screen once the app has drawn all of it: on a busy machine
 * each key's guess can take a while, so `s` marks the end: keys are handled in order, and the
 * canvas's title names the overlay (or that a refused drawing has no guess to explain) only
 * after every key before it.
 */
async function drawWithKeys(tmux: TmuxSession, path: string): Promise<string> {
  for (const key of keyNames(path, true)) await tmux.keys(key);
  await tmux.keys("s");
  return await tmux.waitFor(
    /┌─ Canvas · (what made the guess|where ink would change it|no guess to explain)/,
    180_000,
  );
}

Deno.test({
  name: "tui draw: a smiley, an X, a house and a dash are refused; keyboard digits 0-9 are read",
  ignore: skipUnless(import.meta, "tmux"),
  fn: async () => {
    await using tmux = await TmuxSession.start({
      args: ["--model", SHIPPED_MODEL],
      env: { NO_COLOR: "1" },
    });
    await tmux.waitFor(/9 {2}Quit/);
    await tmux.keys("4");
    await tmux.waitFor(/Drag with the left mouse button/);
    for (const [name, path] of Object.entries(KEYBOARD_NOT_DIGITS)) {
      const screen = await drawWithKeys(tmux, path);
      assert.match(screen, REFUSED, `${name}:\n${screen}`);
      assert.doesNotMatch(screen, GUESS, name);
      await tmux.keys("c");
      await tmux.waitFor(/Drag with the left mouse button/);
    }
    for (const [digit, path] of Object.entries(KEYBOARD_DIGITS)) {
      const screen = await drawWithKeys(tmux, path);
      const match = GUESS.exec(screen);
      assert.ok(match, `${digit} was refused:\n${screen}`);
      assert.equal(Number(match[1] ?? match[2] ?? match[3]), Number(digit), screen);
      await tmux.keys("c");
      await tmux.waitFor(/Drag with the left mouse button/);
    }
  },
});
