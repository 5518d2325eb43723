/**
 * A small driver for end-to-end tests of the interactive app in a real terminal: tmux runs the
 * app in a detached session of a given size, the test sends keys (or raw escape sequences, e.g.
 * mouse reports) and waits for the screen to show what a person would see.
 *
 * @example
 * ```ts
 * import { TmuxSession } from "./tmux.ts";
 *
 * // Opens Model info from the menu on the shipped model; returns the screen a person sees.
 * // A test calls it only where tmux is installed (`ignore: skipUnless(import.meta, "tmux")`).
 * async function modelInfoScreen(): Promise<string> {
 *   await using tmux = await TmuxSession.start({
 *     args: ["--model", "models/pretrained.safetensors"],
 *     columns: 80,
 *     rows: 24,
 *   });
 *   await tmux.waitFor(/1  Train/);
 *   await tmux.keys("6"); // the sixth menu entry: Model info
 *   return await tmux.waitFor(/test accuracy +99\.06%/);
 * }
 * ```
 */
import { appArgs, MNIST_DIR, PROJECT_ROOT, SHIPPED_MODEL } from "./env.ts";

/** How to start a session. */
export interface TmuxOptions {
  /**
   * Arguments for main.ts (e.g. `["--model", path]`); ignored when `shell` is given. Default: the
   * menu on the shipped model (never on whatever `models/default.safetensors` this clone holds).
   */
  args?: string[];
  /** A whole shell command line to run instead of the app. */
  shell?: string;
  columns?: number;
  rows?: number;
  /** Extra environment; MNIST_DIR defaults to the full MNIST, NO_COLOR is not set. */
  env?: Record<string, string>;
  cwd?: string;
}

let sessions = 0;

/** Quotes a word for sh. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The shell command that runs the app (main.ts) with `args`, as `deno task start` would. */
export function appCommand(args: string[] = []): string {
  return [Deno.execPath(), ...appArgs(args)].map(shellQuote).join(" ");
}

/** One app (or shell command) running in its own tmux server. */
export class TmuxSession {
  readonly socket: string;
  readonly #target = "app";

  private constructor(socket: string) {
    this.socket = socket;
  }

  /**
   * Starts a detached session running the app (or `shell`); when it exits, the pane stays with
   * the line `[exited N]` below its output, so tests can see what the app left behind.
   */
  static async start(options: TmuxOptions = {}): Promise<TmuxSession> {
    const socket = `digits-test-${Deno.pid}-${++sessions}-${Math.random().toString(36).slice(2)}`;
    const session = new TmuxSession(socket);
    const env = { MNIST_DIR, TERM: "xterm-256color", ...options.env };
    const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)};`).join(" ");
    const command = options.shell ?? appCommand(options.args ?? ["--model", SHIPPED_MODEL]);
    // The tmux server inherits this process's environment (CI sets NO_COLOR=1): start clean.
    const script =
      `unset NO_COLOR FORCE_COLOR; ${exports} cd ${
        shellQuote(options.cwd ?? PROJECT_ROOT)
      } && ${command}; ` +
      `echo "[exited $?]"; sleep 600`;
    await session.tmux(
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      session.#target,
      "-x",
      String(options.columns ?? 80),
      "-y",
      String(options.rows ?? 24),
      script,
    );
    return session;
  }

  /** Runs a tmux command on this session's server; returns its stdout. */
  async tmux(...args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.socket, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    if (!output.success) {
      throw new Error(`tmux ${args.join(" ")}: ${decoder.decode(output.stderr).trim()}`);
    }
    return decoder.decode(output.stdout);
  }

  /** Sends tmux key names: "Down", "Enter", "Escape", "C-c", "PageDown", "q", ... */
  async keys(...names: string[]): Promise<void> {
    for (const name of names) await this.tmux("send-keys", "-t", this.#target, name);
  }

  /** Types text literally. */
  async type(text: string): Promise<void> {
    await this.tmux("send-keys", "-t", this.#target, "-l", text);
  }

  /** Sends raw bytes (e.g. an SGR mouse report "\x1b[<0;10;5M") exactly as given. */
  async raw(sequence: string): Promise<void> {
    const hex = [...new TextEncoder().encode(sequence)].map((b) => b.toString(16).padStart(2, "0"));
    await this.tmux("send-keys", "-t", this.#target, "-H", ...hex);
  }

  /** The visible screen as text (no colors), lines joined with "\n". */
  async screen(): Promise<string> {
    return await this.tmux("capture-pane", "-p", "-t", this.#target);
  }

  /** The screen with its escape codes (colors), to check color or its absence. */
  async screenWithColors(): Promise<string> {
    return await this.tmux("capture-pane", "-p", "-e", "-t", this.#target);
  }

  /** A tmux format value of the pane, e.g. "#{alternate_on}" or "#{cursor_flag}". */
  async paneFormat(format: string): Promise<string> {
    return (await this.tmux("display-message", "-p", "-t", this.#target, format)).trim();
  }

  /**
   * Waits until the screen matches `pattern` and returns the screen; throws with the last
   * screen after `timeoutMs`.
   */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; screen:\n${screen}`);
  }

  /** Stops the tmux server and everything in it. */
  async kill(): Promise<void> {
    try {
      await this.tmux("kill-server");
    } catch {
      // Already gone.
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}
