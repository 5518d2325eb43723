/**
 * The one screen loop every screen of the app runs on, in the model/update/view shape of Bubble
 * Tea: a screen is its state, a pure `update(state, message)` and a pure `view(state, frame)`.
 * Keys, mouse, resizes, ticks and what background work reports all arrive as messages through
 * this loop, which also owns the header, the page frame, redraw throttling and the terminal.
 *
 * Background work (training, evaluating, a download, reading a file) is started by returning
 * it from `init` or `update`; it reports with `send(message)` and is aborted through its
 * `AbortSignal` when `update` cancels it or the screen exits. No screen reads keys itself, and
 * no async code changes a screen's state behind its back: all change goes through `update`.
 * What a screen keeps for its next visit is returned too (`Step.remember`) and written by
 * the loop, as Bubble Tea's runtime runs the commands `Update` returns: `update` and `view`
 * write nothing outside the state they return.
 *
 * The same keys mean the same on every screen: Esc and Ctrl-C arrive as a `back` message, and so
 * does `q` unless the screen says text is being typed (`typing`); what backing out means (leave
 * at once, or stop training first) is the screen's `update` to decide.
 */
import type { InputEvent } from "./terminal/keys.ts";
import type { ScreenSize } from "./terminal/screen.ts";
import type { ColorLevel } from "../text/color.ts";
import type { ScreenMemory } from "./context.ts";
import { bodyRows, errorLine, renderPage } from "./page.ts";

/** What a screen's `update` receives; `W` is what its background work sends. */
export type Message<W> =
  /** A key or mouse event the loop did not turn into `back`. */
  | { type: "input"; event: InputEvent }
  /** Esc, Ctrl-C, or `q` while no text is typed: the user wants out. */
  | { type: "back" }
  /** The frame the view will get: sent once when the screen starts and after every resize. */
  | { type: "resize"; frame: Frame }
  /** Sent every `tickMs(state)` ms while that returns a number (clocks, elapsed times). */
  | { type: "tick"; nowMs: number }
  /** A message from the screen's background work. */
  | { type: "work"; message: W }
  /** Background work threw instead of reporting its failure itself. */
  | { type: "work-failed"; id: string; error: unknown };

/**
 * Background work: runs outside `update`, reports through `send`, and should end soon after
 * `signal` aborts (the screen waits for it before it exits, so a training can save first).
 */
export interface Work<W> {
  /** Names the work, so that `update` can cancel it. */
  id: string;
  run(send: (message: W) => void, signal: AbortSignal): Promise<void>;
}

/** What `init` and `update` return: the new state and what the loop should do next. */
export interface Step<S, W, R> {
  state: S;
  /** Work to start now. */
  work?: Work<W>[];
  /** Ids of running work to abort (it still reports until it ends). */
  cancel?: string[];
  /** Leave the screen with this result, once its running work has ended. */
  exit?: { value: R };
  /** What to keep for the next visits (the loop writes it into the session's memory). */
  remember?: Partial<ScreenMemory>;
}

/** What a view is drawn into. */
export interface Frame {
  /** Body width and height: the page without header, title rule, status and footer. */
  columns: number;
  rows: number;
  color: ColorLevel;
  /** The whole terminal, for screens that place things by absolute position (the mouse). */
  terminal: ScreenSize;
  /** Lines the header takes (the body starts two rows below: after header and rule). */
  headerLines: number;
}

/** One drawn page of a screen: the frame's middle part plus its footer. */
export interface View {
  body: string[];
  /** Key hints for the last row. */
  footer: string;
  /** A one-line message above the footer (errors in red); it takes the body's last row. */
  status?: { text: string; error?: boolean };
  /** Replaces the screen's title for this frame. */
  title?: string;
}

/** A screen: its title, pure functions of its state, and what the loop asks of it. */
export interface ScreenProgram<S, W, R> {
  title: string;
  init(): Step<S, W, R>;
  update(state: S, message: Message<W>): Step<S, W, R>;
  view(state: S, frame: Frame): View;
  /** True while a text field takes typed keys (then `q` is a letter, not `back`). */
  typing?(state: S): boolean;
  /** Whether the terminal should report the mouse in this state (default: no). */
  mouse?(state: S): boolean;
  /** How often to send `tick` messages in this state; undefined: none. */
  tickMs?(state: S): number | undefined;
  /**
   * A line for the restored terminal when the input ended under this screen (a signal from
   * outside), asked once its work has ended: e.g. where a stopped training saved the model.
   */
  farewell?(state: S): string | undefined;
}

/** The terminal as the loop uses it: the real `Screen`, or a fake one in tests. */
export interface Terminal {
  size(): ScreenSize;
  draw(lines: string[]): void;
  invalidate(): void;
  setMouse(enabled: boolean): void;
  events(): AsyncIterable<InputEvent>;
  onResize(listener: (size: ScreenSize) => void): () => void;
}

// Keys kept for the next screen while none takes them (a held key must not pile up forever).
const MAX_QUEUED_KEYS = 32;

// Work that reports faster than this is drawn at most once per interval (input draws at once).
const MIN_REDRAW_MS = 40;

/** Whether an input event means "back": Esc and Ctrl-C always, `q` unless text is typed. */
export function isBack(event: InputEvent, typing: boolean): boolean {
  if (event.type !== "key") return false;
  if (event.key === "escape" || (event.ctrl && event.key === "c")) return true;
  return event.key === "q" && !event.ctrl && !event.alt && !typing;
}

/**
 * Runs screens one after another on one terminal: a single reader of the input for the whole
 * session hands each event to the screen in front, so leaving a screen never loses a key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ScreenLoop, type ScreenProgram } from "./screen_loop.ts";
 * import { fakeTerminal } from "./screen_loop_testing.ts";
 *
 * // A counter: space adds one, Esc leaves with the count.
 * const counter: ScreenProgram<number, never, number> = {
 *   title: "Counter",
 *   init: () => ({ state: 0 }),
 *   update: (n, message) =>
 *     message.type === "back"
 *       ? { state: n, exit: { value: n } }
 *       : { state: message.type === "input" && message.event.type === "key" &&
 *           message.event.key === " " ? n + 1 : n },
 *   view: (n) => ({ body: [`count: ${n}`], footer: "space adds · Esc back" }),
 * };
 * const terminal = fakeTerminal({ columns: 40, rows: 6 });
 * const loop = new ScreenLoop(terminal, { color: "none", header: () => ["model: demo"] });
 * const result = loop.run(counter);
 * terminal.type(" ", " ", "escape");
 * assert.equal(await result, 2);
 * assert.match(terminal.lastFrame().join("\n"), /count: 2/);
 * loop.close();
 * ```
 */
export class ScreenLoop {
  readonly #terminal: Terminal;
  readonly #color: ColorLevel;
  readonly #header: (width: number) => string[];
  readonly #memory: ScreenMemory | undefined;
  // The screen in front, which receives input and resizes.
  #active: RunningScreen | undefined;
  #inputEnded = false;
  // Keys that came while no screen took them (between two screens, or while one was leaving):
  // the next screen gets them, as the terminal would have kept them queued.
  readonly #queued: InputEvent[] = [];
  readonly #pump: Promise<void>;
  readonly #unsubscribe: () => void;

  constructor(
    terminal: Terminal,
    options: {
      color: ColorLevel;
      header: (width: number) => string[];
      /** Where `Step.remember` is written (the AppContext's memory); none: forgotten. */
      memory?: ScreenMemory;
    },
  ) {
    this.#terminal = terminal;
    this.#color = options.color;
    this.#header = options.header;
    this.#memory = options.memory;
    this.#unsubscribe = terminal.onResize(() => this.#active?.resized());
    this.#pump = this.#readInput();
  }

  /** Lines the screens left when the input ended under them, for the restored terminal. */
  readonly farewells: string[] = [];

  /** True once the input ended (the terminal was left, e.g. on a signal): no screen can run. */
  get inputEnded(): boolean {
    return this.#inputEnded;
  }

  /**
   * Shows `program` until it exits; resolves with its result, or undefined when the input
   * ended first (its work is aborted and awaited either way). Rejects when `update` or `view`
   * throws, after aborting and awaiting the screen's work.
   */
  run<S, W, R>(program: ScreenProgram<S, W, R>): Promise<R | undefined> {
    if (this.#active) throw new Error("ScreenLoop.run: another screen is running");
    const screen = new RunningScreen<S, W, R>(program, {
      terminal: this.#terminal,
      color: this.#color,
      header: this.#header,
      farewell: (line) => this.farewells.push(line),
      remember: (memory) => {
        if (this.#memory) Object.assign(this.#memory, memory);
      },
    });
    this.#active = screen as unknown as RunningScreen;
    this.#terminal.invalidate();
    screen.start();
    while (this.#queued.length > 0 && screen.accepting) screen.input(this.#queued.shift()!);
    if (this.#inputEnded) screen.end();
    return screen.finished.finally(() => {
      if (this.#active === (screen as unknown as RunningScreen)) this.#active = undefined;
      this.#terminal.setMouse(false);
    });
  }

  /** Stops listening for resizes; the input reader ends when the terminal is left. */
  close(): void {
    this.#unsubscribe();
  }

  /** Resolves when the input reader has ended. */
  get inputDone(): Promise<void> {
    return this.#pump;
  }

  async #readInput(): Promise<void> {
    try {
      for await (const event of this.#terminal.events()) {
        if (this.#active?.accepting) this.#active.input(event);
        else if (this.#queued.length < MAX_QUEUED_KEYS) this.#queued.push(event);
      }
    } finally {
      this.#inputEnded = true;
      this.#active?.end();
    }
  }
}

/** One run of a screen program: its state, its work, its drawing. */
class RunningScreen<S = unknown, W = unknown, R = unknown> {
  readonly finished: Promise<R | undefined>;
  #resolve!: (value: R | undefined) => void;
  #reject!: (error: unknown) => void;
  #state!: S;
  readonly #work = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #exiting = false;
  #exitValue: { value: R | undefined } | { error: unknown } | undefined;
  #drawTimer: ReturnType<typeof setTimeout> | undefined;
  #lastDrawMs = -Infinity;
  #tickTimer: ReturnType<typeof setTimeout> | undefined;
  #tickEvery: number | undefined;

  constructor(
    readonly program: ScreenProgram<S, W, R>,
    readonly host: {
      terminal: Terminal;
      color: ColorLevel;
      header: (width: number) => string[];
      farewell: (line: string) => void;
      remember: (memory: Partial<ScreenMemory>) => void;
    },
  ) {
    this.finished = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** False once the screen is leaving: its keys are kept for the next screen. */
  get accepting(): boolean {
    return this.#exitValue === undefined;
  }

  start(): void {
    this.#guard(() => this.#apply(this.program.init()));
    this.resized();
  }

  /** Tells `update` the frame it is drawn in (at the start and after a resize), then draws. */
  resized(): void {
    this.deliver({ type: "resize", frame: this.#frame().frame });
  }

  /** The body's frame on the terminal as it is now, and the header above it. */
  #frame(): { frame: Frame; header: string[]; size: ScreenSize } {
    const size = this.host.terminal.size();
    const header = this.host.header(size.columns);
    const frame: Frame = {
      columns: size.columns,
      rows: bodyRows(size, header.length),
      color: this.host.color,
      terminal: size,
      headerLines: header.length,
    };
    return { frame, header, size };
  }

  /** A key or mouse event from the terminal. */
  input(event: InputEvent): void {
    const typing = this.program.typing?.(this.#state) ?? false;
    this.deliver(isBack(event, typing) ? { type: "back" } : { type: "input", event });
  }

  /** Hands a message to `update` and draws the result (at once for input, throttled for work). */
  deliver(message: Message<W>): void {
    if (this.#exitValue && !this.#exiting) return;
    this.#guard(() => this.#apply(this.program.update(this.#state, message)));
    if (message.type === "work" || message.type === "tick") this.#scheduleDraw();
    else this.#draw();
  }

  /** The input ended: leave as soon as the work has stopped, with the screen's last words. */
  end(): void {
    this.#inputEnded = true;
    this.#exit({ value: undefined });
  }

  #inputEnded = false;

  #apply(step: Step<S, W, R>): void {
    this.#state = step.state;
    if (step.remember) this.host.remember(step.remember);
    for (const id of step.cancel ?? []) this.#work.get(id)?.abort.abort();
    for (const work of step.work ?? []) this.#startWork(work);
    this.host.terminal.setMouse(this.program.mouse?.(this.#state) ?? false);
    this.#scheduleTicks();
    if (step.exit) this.#exit({ value: step.exit.value });
  }

  #startWork(work: Work<W>): void {
    this.#work.get(work.id)?.abort.abort(); // a restarted job replaces the old one
    const abort = new AbortController();
    const send = (message: W) => {
      if (this.#work.get(work.id)?.abort === abort || this.#exiting) {
        this.deliver({ type: "work", message });
      }
    };
    const entry = { abort, done: Promise.resolve() };
    this.#work.set(work.id, entry);
    entry.done = (async () => {
      try {
        await work.run(send, abort.signal);
      } catch (error) {
        if (!abort.signal.aborted || this.#exiting) {
          this.deliver({ type: "work-failed", id: work.id, error });
        }
      } finally {
        if (this.#work.get(work.id) === entry) this.#work.delete(work.id);
      }
    })();
    if (this.#exiting) abort.abort();
  }

  /** Aborts all work, waits for it, then settles `finished` (once). */
  #exit(outcome: { value: R | undefined } | { error: unknown }): void {
    if (this.#exitValue) return;
    this.#exitValue = outcome;
    this.#exiting = true;
    clearTimeout(this.#tickTimer);
    this.#tickTimer = undefined;
    void (async () => {
      while (this.#work.size > 0) {
        const running = [...this.#work.values()];
        for (const entry of running) entry.abort.abort();
        await Promise.all(running.map((entry) => entry.done));
      }
      clearTimeout(this.#drawTimer);
      this.#exiting = false;
      if (this.#inputEnded) {
        const line = this.program.farewell?.(this.#state);
        if (line) this.host.farewell(line);
      }
      if ("error" in outcome) this.#reject(outcome.error);
      else this.#resolve(outcome.value);
    })();
  }

  /** Runs `update`/`init`; a throw leaves the screen with that error. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#exit({ error });
    }
  }

  #scheduleDraw(): void {
    if (this.#drawTimer !== undefined) return;
    const wait = Math.max(0, this.#lastDrawMs + MIN_REDRAW_MS - performance.now());
    this.#drawTimer = setTimeout(() => {
      this.#drawTimer = undefined;
      this.#draw();
    }, wait);
  }

  #scheduleTicks(): void {
    const every = this.#exitValue ? undefined : this.program.tickMs?.(this.#state);
    if (every === this.#tickEvery && (every === undefined || this.#tickTimer !== undefined)) return;
    clearTimeout(this.#tickTimer);
    this.#tickTimer = undefined;
    this.#tickEvery = every;
    if (every === undefined) return;
    const tick = () => {
      this.#tickTimer = setTimeout(() => {
        this.#tickTimer = undefined;
        this.deliver({ type: "tick", nowMs: performance.now() });
        if (this.#tickEvery !== undefined && this.#tickTimer === undefined && !this.#exitValue) {
          tick();
        }
      }, every);
    };
    tick();
  }

  #draw(): void {
    if (this.#exitValue && !this.#exiting) return;
    if (this.#exitValue && "error" in this.#exitValue) return;
    clearTimeout(this.#drawTimer);
    this.#drawTimer = undefined;
    this.#lastDrawMs = performance.now();
    const { frame, header, size } = this.#frame();
    let view: View;
    try {
      view = this.program.view(this.#state, frame);
    } catch (error) {
      view = { body: [], footer: "Esc back", status: { text: errorLine(error), error: true } };
    }
    this.host.terminal.draw(renderPage(
      {
        header,
        title: view.title ?? this.program.title,
        body: view.body,
        footer: view.footer,
        status: view.status,
      },
      size,
      this.host.color,
    ));
  }
}
