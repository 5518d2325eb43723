/**
 * Driving screens without a terminal: a fake `Terminal` for the screen loop that records every
 * frame and takes keys as text, and `simulate`, which feeds messages straight to a screen's
 * pure `update` and shows its `view`. Tests use these; the real terminal is tested in tmux.
 */
import type { InputEvent, KeyEvent } from "./terminal/keys.ts";
import type { ScreenSize } from "./terminal/screen.ts";
import type { ColorLevel } from "../text/color.ts";
import type { ScreenMemory } from "./context.ts";
import { bodyRows } from "./page.ts";
import {
  type Frame,
  isBack,
  type Message,
  type ScreenProgram,
  type Step,
  type Terminal,
  type View,
} from "./screen_loop.ts";

/** A key event by name: "a", "escape", "enter", "up", "ctrl+c", "shift+tab". */
export function key(name: string): KeyEvent {
  const parts = name.split("+");
  const base = parts.length > 1 && parts[parts.length - 1] === "" ? "+" : parts.pop()!;
  return {
    type: "key",
    key: base,
    ctrl: parts.includes("ctrl"),
    alt: parts.includes("alt"),
    shift: parts.includes("shift"),
    sequence: base,
  };
}

/** A fake terminal: a fixed (or changed) size, recorded frames, typed keys. */
export interface FakeTerminal extends Terminal {
  /** Queues key events by name (see `key`) or as events. */
  type(...keys: (string | InputEvent)[]): void;
  /** Changes the size and tells the resize listeners. */
  resize(size: ScreenSize): void;
  /** Ends the input, as leaving the terminal on a signal does. */
  endInput(): void;
  /** Every frame drawn, oldest first. */
  frames: string[][];
  lastFrame(): string[];
  mouse: boolean;
}

/** A fake terminal of `size` for `ScreenLoop`. */
export function fakeTerminal(size: ScreenSize): FakeTerminal {
  let current = { ...size };
  const queue: InputEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const listeners = new Set<(size: ScreenSize) => void>();
  const terminal: FakeTerminal = {
    frames: [],
    mouse: false,
    size: () => ({ ...current }),
    draw(lines) {
      terminal.frames.push(lines.slice());
    },
    invalidate() {},
    setMouse(enabled) {
      terminal.mouse = enabled;
    },
    onResize(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async *events() {
      while (true) {
        if (queue.length > 0) {
          yield queue.shift()!;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    type(...keys) {
      for (const k of keys) queue.push(typeof k === "string" ? key(k) : k);
      wake?.();
    },
    resize(size) {
      current = { ...size };
      for (const listener of listeners) listener({ ...current });
    },
    endInput() {
      ended = true;
      wake?.();
    },
    lastFrame: () => terminal.frames[terminal.frames.length - 1] ?? [],
  };
  return terminal;
}

/** The frame a view gets on a terminal of `size` with `headerLines` header lines. */
export function frameOf(size: ScreenSize, color: ColorLevel = "none", headerLines = 2): Frame {
  return {
    columns: size.columns,
    rows: bodyRows(size, headerLines),
    color,
    terminal: size,
    headerLines,
  };
}

/** Where a simulated screen ended up: its state, all steps taken, and its view now. */
export interface Simulation<S, W, R> {
  state: S;
  steps: Step<S, W, R>[];
  view: View;
  /** The result of the first step that exited, if any. */
  exit?: { value: R };
  /** What the steps asked to remember, merged as the loop writes it into the memory. */
  remembered: Partial<ScreenMemory>;
}

/**
 * Runs `init`, the first `resize` (as the loop does) and then `update` for each message, without
 * a terminal or the work's side effects (work is returned in `steps`, not run), and shows the
 * view on `size`. A string message is a key by name (see `key`), or "back"; as in the loop, the
 * keys "escape", "ctrl+c" and "q" (unless `typing`) arrive as `back`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulate } from "./screen_loop_testing.ts";
 * import type { ScreenProgram } from "./screen_loop.ts";
 *
 * const echo: ScreenProgram<string, never, void> = {
 *   title: "Echo",
 *   init: () => ({ state: "" }),
 *   update: (text, m) =>
 *     m.type === "back" ? { state: text, exit: { value: undefined } } : {
 *       state: m.type === "input" && m.event.type === "key" ? text + m.event.key : text,
 *     },
 *   view: (text) => ({ body: [text], footer: "" }),
 * };
 * const run = simulate(echo, ["h", "i", "back"]);
 * assert.deepEqual(run.view.body, ["hi"]);
 * assert.ok(run.exit);
 * ```
 */
export function simulate<S, W, R>(
  program: ScreenProgram<S, W, R>,
  messages: (Message<W> | string)[],
  size: ScreenSize = { columns: 80, rows: 24 },
  color: ColorLevel = "none",
): Simulation<S, W, R> {
  const first = program.init();
  const steps: Step<S, W, R>[] = [first];
  let state = first.state;
  let exit = first.exit;
  const remembered: Partial<ScreenMemory> = { ...first.remember };
  const frame = frameOf(size, color);
  for (const message of [{ type: "resize", frame } as Message<W>, ...messages]) {
    // A key by name goes where the loop would send it: Esc, Ctrl-C and q (unless typing) back.
    const m: Message<W> = typeof message !== "string"
      ? message
      : message === "back" || isBack(key(message), program.typing?.(state) ?? false)
      ? { type: "back" }
      : { type: "input", event: key(message) };
    const step = program.update(state, m);
    steps.push(step);
    state = step.state;
    exit ??= step.exit;
    Object.assign(remembered, step.remember);
  }
  return { state, steps, view: program.view(state, frame), exit, remembered };
}

/**
 * `simulate`, but the work the steps start whose id is in `run` is run as the loop would:
 * to its end, its messages fed back to `update`, before the next message. Other work is only
 * returned in `steps`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateWork } from "./screen_loop_testing.ts";
 * import type { ScreenProgram } from "./screen_loop.ts";
 *
 * // Each key asks the work to double a number; the work's answer is what the view shows.
 * const doubler: ScreenProgram<number, number, void> = {
 *   title: "Doubler",
 *   init: () => ({ state: 1 }),
 *   update: (n, m) =>
 *     m.type === "work" ? { state: m.message } : m.type === "input"
 *     ? { state: n, work: [{ id: "double", run: async (send) => send(n * 2) }] }
 *     : { state: n },
 *   view: (n) => ({ body: [String(n)], footer: "" }),
 * };
 * const run = await simulateWork(doubler, ["x", "x", "x"], { run: ["double"] });
 * assert.deepEqual(run.view.body, ["8"]);
 * ```
 */
export async function simulateWork<S, W, R>(
  program: ScreenProgram<S, W, R>,
  messages: (Message<W> | string)[],
  options: { run: string[]; size?: ScreenSize; color?: ColorLevel },
): Promise<Simulation<S, W, R>> {
  const frame = frameOf(options.size ?? { columns: 80, rows: 24 }, options.color ?? "none");
  const steps: Step<S, W, R>[] = [];
  const remembered: Partial<ScreenMemory> = {};
  let state!: S;
  let exit: { value: R } | undefined;
  const take = async (step: Step<S, W, R>) => {
    steps.push(step);
    state = step.state;
    exit ??= step.exit;
    Object.assign(remembered, step.remember);
    for (const work of step.work ?? []) {
      if (!options.run.includes(work.id)) continue;
      const sent: W[] = [];
      await work.run((message) => sent.push(message), new AbortController().signal);
      for (const message of sent) await take(program.update(state, { type: "work", message }));
    }
  };
  await take(program.init());
  for (const message of [{ type: "resize", frame } as Message<W>, ...messages]) {
    const m: Message<W> = typeof message !== "string"
      ? message
      : message === "back" || isBack(key(message), program.typing?.(state) ?? false)
      ? { type: "back" }
      : { type: "input", event: key(message) };
    await take(program.update(state, m));
  }
  return { state, steps, view: program.view(state, frame), exit, remembered };
}
