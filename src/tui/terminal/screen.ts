import { UserError } from "../../errors.ts";
import { truncate, visibleWidth } from "../../text/layout.ts";
import { type InputEvent, KeyParser } from "./keys.ts";

/** Terminal size in character cells. */
export interface ScreenSize {
  columns: number;
  rows: number;
}

/** Options for {@linkcode Screen.enter}. */
export interface ScreenOptions {
  /** Report mouse presses, drags, releases and the wheel as events (default false). */
  mouse?: boolean;
  /**
   * Called on SIGINT or SIGTERM, after the terminal was restored. Default: exit with status
   * 130 or 143. (Ctrl-C typed in the screen is not a signal in raw mode: it is a key event.)
   */
  onSignal?: (signal: "SIGINT" | "SIGTERM") => void;
}

// How long a lone ESC waits for the rest of a sequence before it counts as the Escape key.
const ESCAPE_TIMEOUT_MS = 30;

const ALT_SCREEN_ON = "\x1b[?1049h";
const ALT_SCREEN_OFF = "\x1b[?1049l";
const CURSOR_HIDE = "\x1b[?25l";
const CURSOR_SHOW = "\x1b[?25h";
// Button presses (1000), motion while a button is held (1002), coordinates as SGR text (1006).
const MOUSE_ON = "\x1b[?1000h\x1b[?1002h\x1b[?1006h";
const MOUSE_OFF = "\x1b[?1006l\x1b[?1002l\x1b[?1000l";
// Terminals that know "synchronized output" show the frame at once instead of line by line.
const SYNC_BEGIN = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";

/**
 * The escape text that turns the frame `previous` (undefined: unknown, redraw all) into `next`
 * on a terminal of `size`: only changed rows are rewritten, each placed with an absolute cursor
 * move, cut to the width, reset and cleared to the end of the row; rows past the end of `next`
 * are cleared. Lines past the last row are not drawn, so the screen never scrolls.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameUpdate } from "./screen.ts";
 *
 * // Only row 2 changed: move there, write it, reset colors, clear the rest of the row.
 * const update = frameUpdate(["a", "b"], ["a", "c"], { columns: 80, rows: 24 });
 * assert.equal(update, "\x1b[?2026h" + "\x1b[2;1Hc\x1b[0m\x1b[K" + "\x1b[?2026l");
 * assert.equal(frameUpdate(["a"], ["a"], { columns: 80, rows: 24 }), ""); // nothing to do
 * ```
 */
export function frameUpdate(
  previous: readonly string[] | undefined,
  next: readonly string[],
  size: ScreenSize,
): string {
  const rows = Math.min(next.length, size.rows);
  let out = "";
  for (let row = 0; row < rows; row++) {
    if (previous !== undefined && previous[row] === next[row]) continue;
    const line = truncate(next[row], size.columns);
    out += `\x1b[${row + 1};1H${line}\x1b[0m`;
    // In the last column the cursor waits to wrap, and an erase there would eat that character.
    if (visibleWidth(line) < size.columns) out += "\x1b[K";
  }
  const previousRows = previous === undefined ? size.rows : Math.min(previous.length, size.rows);
  if (previousRows > rows) out += `\x1b[${rows + 1};1H\x1b[J`;
  return out === "" ? "" : SYNC_BEGIN + out + SYNC_END;
}

/**
 * The full-screen terminal session: alternate screen, hidden cursor, raw input, optional mouse
 * reporting. Everything is undone by `leave()`, which also runs by itself on normal exit,
 * `Deno.exit()`, an uncaught error, SIGINT and SIGTERM; calling it twice is harmless.
 *
 * @example
 * ```ts
 * import { Screen } from "./screen.ts";
 *
 * // Shows two lines until q or Ctrl-C. It needs a terminal, so this example only defines it.
 * export async function hello(): Promise<void> {
 *   using screen = Screen.enter({ mouse: true });
 *   screen.draw(["Hello", "press q"]);
 *   for await (const event of screen.events()) {
 *     if (event.type === "key" && (event.key === "q" || (event.ctrl && event.key === "c"))) break;
 *   }
 * }
 * ```
 */
export class Screen {
  static #current: Screen | undefined;

  #active = true;
  #mouse = false;
  #previous: string[] | undefined;
  #resizeListeners = new Set<(size: ScreenSize) => void>();
  #input: ReadableStream<Uint8Array>;
  #reading = false;
  // The reader of the running events() loop, so that leave() can end that loop at once.
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  readonly #cleanups: (() => void)[] = [];
  readonly #encoder = new TextEncoder();

  private constructor(options: ScreenOptions) {
    Deno.stdin.setRaw(true);
    this.#cleanups.push(() => Deno.stdin.setRaw(false));
    this.#write(ALT_SCREEN_ON + CURSOR_HIDE + "\x1b[H\x1b[2J");
    this.#cleanups.push(() => this.#write("\x1b[0m" + CURSOR_SHOW + ALT_SCREEN_OFF));
    this.setMouse(options.mouse ?? false);

    this.#input = openInput();
    this.#cleanups.push(() => {
      // A loop waiting in events() gets "done" and ends (a locked stream cannot be cancelled).
      if (this.#reader) void this.#reader.cancel().catch(() => {});
      else void this.#input.cancel().catch(() => {});
    });

    const leave = () => this.leave();
    for (const type of ["unload", "error", "unhandledrejection"] as const) {
      globalThis.addEventListener(type, leave);
      this.#cleanups.push(() => globalThis.removeEventListener(type, leave));
    }
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const onSignal = () => {
        this.leave();
        if (options.onSignal) options.onSignal(signal);
        else Deno.exit(signal === "SIGINT" ? 130 : 143);
      };
      addSignal(signal, onSignal, this.#cleanups);
    }
    addSignal("SIGWINCH", () => {
      this.#previous = undefined; // the terminal may have reflowed or cleared: redraw all
      const size = this.size();
      for (const listener of this.#resizeListeners) listener(size);
    }, this.#cleanups);
  }

  /**
   * Takes over the terminal. Throws a UserError when stdin or stdout is not a terminal (piped
   * or redirected), and an Error if a screen is already active.
   */
  static enter(options: ScreenOptions = {}): Screen {
    if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
      const which = Deno.stdin.isTerminal() ? "stdout" : "stdin";
      throw new UserError(
        `the interactive screen needs a terminal, but ${which} is piped or redirected; ` +
          `run it in a terminal or use the non-interactive commands`,
      );
    }
    if (Screen.#current) throw new Error("Screen.enter: a screen is already active");
    Screen.#current = new Screen(options);
    return Screen.#current;
  }

  /** True until `leave()`. */
  get active(): boolean {
    return this.#active;
  }

  /** The terminal size now (80x24 if it cannot be read). */
  size(): ScreenSize {
    try {
      const { columns, rows } = Deno.consoleSize();
      return { columns, rows };
    } catch {
      return { columns: 80, rows: 24 };
    }
  }

  /**
   * Calls `listener` with the new size whenever the terminal is resized (the next `draw`
   * repaints everything). Returns a function that unsubscribes.
   */
  onResize(listener: (size: ScreenSize) => void): () => void {
    this.#resizeListeners.add(listener);
    return () => this.#resizeListeners.delete(listener);
  }

  /**
   * Shows `lines` as the whole screen in one write, rewriting only the rows that changed since
   * the last frame. Lines wider than the terminal are cut; lines past the last row dropped.
   */
  draw(lines: string[]): void {
    if (!this.#active) return;
    const size = this.size();
    this.#write(frameUpdate(this.#previous, lines, size));
    this.#previous = lines.slice(0, size.rows);
  }

  /** Makes the next `draw` repaint every row (e.g. after something else wrote to the screen). */
  invalidate(): void {
    this.#previous = undefined;
  }

  /** Turns mouse reporting on or off. */
  setMouse(enabled: boolean): void {
    if (!this.#active || enabled === this.#mouse) return;
    this.#mouse = enabled;
    this.#write(enabled ? MOUSE_ON : MOUSE_OFF);
  }

  /**
   * Key and mouse events from the terminal, in order, until `leave()` or the input closes.
   * A lone Escape is reported after 30 ms without a following byte. Only one loop at a time.
   */
  async *events(): AsyncGenerator<InputEvent> {
    if (!this.#active) return;
    if (this.#reading) throw new Error("Screen.events: another loop is already reading input");
    this.#reading = true;
    const reader = this.#input.getReader();
    this.#reader = reader;
    const parser = new KeyParser();
    let pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
    try {
      while (this.#active) {
        pendingRead ??= reader.read();
        let result: ReadableStreamReadResult<Uint8Array> | "timeout";
        if (parser.pending) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timeout = new Promise<"timeout">((resolve) => {
            timer = setTimeout(() => resolve("timeout"), ESCAPE_TIMEOUT_MS);
          });
          result = await Promise.race([pendingRead, timeout]);
          clearTimeout(timer);
          if (result === "timeout") {
            yield* parser.flush();
            continue;
          }
        } else {
          result = await pendingRead;
        }
        pendingRead = undefined;
        if (result.done) break;
        yield* parser.feed(result.value);
      }
    } finally {
      this.#reading = false;
      this.#reader = undefined;
      // A read still in flight is abandoned; its bytes stay queued for the next loop.
      pendingRead?.catch(() => {});
      reader.releaseLock();
    }
  }

  /** Restores the terminal as it was before `enter`, in reverse order. Safe to call again. */
  leave(): void {
    if (!this.#active) return;
    this.setMouse(false);
    this.#active = false;
    if (Screen.#current === this) Screen.#current = undefined;
    for (const cleanup of this.#cleanups.reverse()) {
      try {
        cleanup();
      } catch {
        // Keep restoring the rest: a closed stdout must not leave the tty in raw mode.
      }
    }
    this.#cleanups.length = 0;
  }

  [Symbol.dispose](): void {
    this.leave();
  }

  #write(text: string): void {
    if (text === "") return;
    const bytes = this.#encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  }
}

/**
 * The keyboard input as a stream that can be cancelled without losing a keystroke: a fresh
 * handle on /dev/tty (closing it ends the pending read), or stdin itself when /dev/tty cannot
 * be read without asking for permission.
 */
function openInput(): ReadableStream<Uint8Array> {
  try {
    const state = Deno.permissions.querySync({ name: "read", path: "/dev/tty" }).state;
    if (state === "granted") return Deno.openSync("/dev/tty", { read: true }).readable;
  } catch {
    // No /dev/tty (Windows) or not allowed: fall through.
  }
  return Deno.stdin.readable;
}

/** Adds a signal listener where the platform has that signal, and records its removal. */
function addSignal(signal: Deno.Signal, listener: () => void, cleanups: (() => void)[]): void {
  try {
    Deno.addSignalListener(signal, listener);
    cleanups.push(() => Deno.removeSignalListener(signal, listener));
  } catch {
    // SIGWINCH and SIGTERM do not exist on Windows; resizing is then only seen on next draw.
  }
}
