/**
 * When a screen needs MNIST and none is found: say where the app looked and offer the two ways
 * out in place, download it now or use the offline sample, instead of sending the user back to
 * the shell.
 */
import { type FetchEvent, fetchMnist, formatFetchEvent, MNIST_MIRRORS } from "../../data/mod.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { plural } from "../../text/format.ts";
import type { InputEvent } from "../terminal/keys.ts";
import type { ScreenSize } from "../terminal/screen.ts";
import { formatDuration } from "../../text/progress_bar.ts";
import { truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import { errorLine } from "../page.ts";
import type { Frame, ScreenProgram, Step, Work } from "../screen_loop.ts";

/** Where the prompt stands. */
export interface DataPromptState {
  /** Why the data is missing (the loader's message). */
  reason: string;
  /** Where a download goes. */
  dataDir: string;
  /** Choosing; downloading; the last download failed (choose again); the data is in place. */
  phase: "choose" | "downloading" | "failed" | "ready";
  /** Finished download steps, one line each ("verified …", "mirror failed …"). */
  log: string[];
  /** The file being downloaded and how far it is. */
  progress?: { file: string; receivedBytes: number; totalBytes: number; startMs: number };
  error?: string;
  /** Esc was pressed during the download: it is being cancelled. */
  cancelling?: boolean;
  /** The time of the latest message (for the download's rate and time left). */
  nowMs?: number;
  frame?: Frame;
}

/** What the user chose. */
export type DataChoice = "download" | "sample" | "back";

/**
 * The prompt's screen body as lines (header and footer come from the page): the reason, the
 * choices (not while downloading), the finished download steps, the current file's progress
 * and the last error. When that is more than `size.rows`, the oldest steps give way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderDataPrompt } from "./data_prompt.ts";
 *
 * const lines = renderDataPrompt(
 *   { reason: "MNIST data not found: ./data does not exist", dataDir: "./data", phase: "choose", log: [] },
 *   { columns: 80, rows: 20 },
 *   "none",
 * );
 * assert.match(lines.join("\n"), /f +Download MNIST now: 4 files, about 11 MB/);
 * ```
 */
export function renderDataPrompt(
  state: DataPromptState,
  size: ScreenSize,
  color: ColorLevel,
  nowMs = state.nowMs ?? performance.now(),
): string[] {
  const c = paint(color);
  const width = size.columns;
  const lines = [...wrapText(state.reason, width).map((line) => c.yellow(line)), ""];
  const choosing = state.phase === "choose" || state.phase === "failed";
  if (choosing && width < 72) {
    lines.push(
      `  ${c.bold("f")}    Download MNIST (11 MB)`,
      `  ${c.bold("s")}    Use the offline sample`,
      `  ${c.bold("Esc")}  Back to the menu`,
      "",
    );
  } else if (choosing) {
    lines.push(
      `  ${c.bold("f")}    Download MNIST now: 4 files, about 11 MB, checked by SHA-256`,
      `       into ${state.dataDir}`,
      `  ${c.bold("s")}    Use the offline sample (10,000 real MNIST digits, 8,000 for`,
      "       training and 2,000 for testing) for this session",
      `  ${c.bold("Esc")}  Back to the menu`,
      "",
    );
  }
  const after: string[] = [];
  const progress = state.progress;
  if (state.phase === "downloading" && progress) {
    after.push(`  ${progress.file}`, `  ${downloadLine(progress, nowMs, width - 2, color)}`);
  }
  if (state.error) after.push("", ...wrapText(state.error, width).map((line) => c.red(line)));
  // Mirror failures can pile up; the latest steps and the error matter most.
  const room = size.rows - lines.length - after.length;
  let log = state.log.map((line) => `  ${line}`);
  if (log.length > room && room >= 1) {
    const hidden = log.length - (room - 1);
    log = [c.dim(`  … ${plural(hidden, "earlier step")}`), ...log.slice(hidden)];
  }
  return [...lines, ...log, ...after];
}

/**
 * One file's download as a bar, the megabytes received, the rate and the time left:
 * `━━━━━━━━━━━━─────────── 4.8 of 9.9 MB · 1.2 MB/s · 4s left`, cut to `width`.
 */
function downloadLine(
  progress: NonNullable<DataPromptState["progress"]>,
  nowMs: number,
  width: number,
  color: ColorLevel,
): string {
  const c = paint(color);
  const fraction = Math.min(1, progress.receivedBytes / Math.max(1, progress.totalBytes));
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const elapsedMs = nowMs - progress.startMs;
  const bytesPerMs = elapsedMs > 250 ? progress.receivedBytes / elapsedMs : 0;
  const rate = bytesPerMs > 0
    ? ` · ${mb(bytesPerMs * 1000)} MB/s · ${
      formatDuration((progress.totalBytes - progress.receivedBytes) / bytesPerMs)
    } left`
    : "";
  const text = ` ${mb(progress.receivedBytes)} of ${mb(progress.totalBytes)} MB${rate}`;
  const bar = Math.max(4, Math.min(30, width - visibleWidth(text)));
  const filled = Math.round(fraction * bar);
  return truncate(
    c.green("━".repeat(filled)) + c.dim("─".repeat(bar - filled)) + text,
    width,
    "…",
  );
}

/** The key's meaning while choosing (f or d download, s sample); undefined for other keys. */
export function dataPromptKey(event: InputEvent): Exclude<DataChoice, "back"> | undefined {
  if (event.type !== "key" || event.ctrl || event.alt) return undefined;
  if (event.key === "f" || event.key === "d") return "download";
  if (event.key === "s") return "sample";
  return undefined;
}

/** Mirrors to download from: $DIGITS_MNIST_MIRRORS (comma-separated URLs), else the public ones. */
export function mirrorsFromEnvironment(): readonly string[] {
  const listed = Deno.env.get("DIGITS_MNIST_MIRRORS")?.split(",").map((url) => url.trim())
    .filter((url) => url !== "");
  return listed && listed.length > 0 ? listed : MNIST_MIRRORS;
}

/** What the download reports: each fetch event, then how it ended. */
export type DownloadMessage =
  | { type: "fetch"; event: FetchEvent; atMs: number }
  | { type: "finished"; atMs: number }
  | { type: "failed"; reason: string; cancelled: boolean };

/**
 * The download as work: fetches the four files into `dataDir` from the mirrors of
 * `mirrorsFromEnvironment()`, sends every fetch event, then "finished" or "failed" (with the
 * reason; "cancelled" when its signal aborted it).
 */
export function downloadWork(dataDir: string): Work<DownloadMessage> {
  return {
    id: "download",
    async run(send, signal) {
      try {
        await fetchMnist({
          dataDir,
          mirrors: mirrorsFromEnvironment(),
          signal,
          onEvent: (event) => send({ type: "fetch", event, atMs: performance.now() }),
        });
        send({ type: "finished", atMs: performance.now() });
      } catch (error) {
        const cancelled = signal.aborted;
        send({ type: "failed", reason: cancelled ? "cancelled" : errorLine(error), cancelled });
      }
    },
  };
}

/**
 * The prompt as a screen. `f` (or `d`) downloads into `dataDir` with progress; Esc cancels the
 * download (a second Esc leaves at once); a failed or cancelled download stays on the prompt
 * with its reason, so another choice can be made. It ends with "download" on a key once the
 * files are in place, "sample" on `s`, "back" on Esc (or q).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { dataPromptScreen } from "./data_prompt.ts";
 *
 * const prompt = dataPromptScreen("MNIST data not found: ./data does not exist", "./data");
 * assert.equal(simulate(prompt, ["s"]).exit?.value, "sample");
 * const downloading = simulate(prompt, ["f"]);
 * assert.equal(downloading.steps[2].work?.[0].id, "download");
 * assert.equal(downloading.view.footer, "downloading… Esc cancels");
 * ```
 */
export function dataPromptScreen(
  reason: string,
  dataDir: string,
): ScreenProgram<DataPromptState, DownloadMessage, DataChoice> {
  type PromptStep = Step<DataPromptState, DownloadMessage, DataChoice>;
  const leave = (state: DataPromptState, value: DataChoice): PromptStep => ({
    state,
    exit: { value },
  });
  return {
    title: "MNIST data",
    init: () => ({ state: { reason, dataDir, phase: "choose", log: [] } }),
    update(state, message): PromptStep {
      switch (message.type) {
        case "resize":
          return { state: { ...state, frame: message.frame } };
        case "tick":
          return { state: { ...state, nowMs: message.nowMs } };
        case "back":
          if (state.phase === "ready") return leave(state, "download");
          if (state.phase !== "downloading" || state.cancelling) return leave(state, "back");
          return { state: { ...state, cancelling: true }, cancel: ["download"] };
        case "input": {
          if (message.event.type !== "key") return { state };
          if (state.phase === "ready") return leave(state, "download");
          if (state.phase === "downloading") return { state };
          const choice = dataPromptKey(message.event);
          if (choice === "sample") return leave(state, "sample");
          if (choice !== "download") return { state };
          return {
            state: {
              ...state,
              phase: "downloading",
              log: [],
              progress: undefined,
              error: undefined,
              cancelling: false,
            },
            work: [downloadWork(state.dataDir)],
          };
        }
        case "work":
          return { state: downloaded(state, message.message) };
        case "work-failed":
          return {
            state: downloaded(state, {
              type: "failed",
              reason: errorLine(message.error),
              cancelled: false,
            }),
          };
      }
      return { state };
    },
    view(state, frame) {
      return {
        body: renderDataPrompt(state, { columns: frame.columns, rows: frame.rows }, frame.color),
        footer: state.phase === "ready"
          ? "MNIST is ready · press any key to continue"
          : state.phase === "downloading"
          ? (state.cancelling ? "cancelling… Esc again leaves" : "downloading… Esc cancels")
          : "f download · s offline sample · Esc back",
      };
    },
    // The rate and time left move on even while a slow mirror sends nothing.
    tickMs: (state) => state.phase === "downloading" ? 500 : undefined,
  };
}

/** The prompt after a message from the download. */
function downloaded(state: DataPromptState, message: DownloadMessage): DataPromptState {
  if (message.type === "finished") {
    return { ...state, phase: "ready", progress: undefined, nowMs: message.atMs };
  }
  if (message.type === "failed") {
    return {
      ...state,
      phase: "failed",
      progress: undefined,
      cancelling: false,
      error: message.cancelled ? "download cancelled" : `Cannot download MNIST: ${message.reason}`,
    };
  }
  const { event, atMs } = message;
  if (event.kind === "start") {
    return {
      ...state,
      nowMs: atMs,
      progress: { file: event.file, receivedBytes: 0, totalBytes: event.totalBytes, startMs: atMs },
    };
  }
  if (event.kind === "progress") {
    return state.progress
      ? {
        ...state,
        nowMs: atMs,
        progress: { ...state.progress, receivedBytes: event.receivedBytes },
      }
      : { ...state, nowMs: atMs };
  }
  const line = formatFetchEvent(event);
  return {
    ...state,
    nowMs: atMs,
    log: line === undefined ? state.log : [...state.log, line],
    // A failed mirror is followed by the next one's start; anything else ends the file.
    progress: event.kind === "mirror-failed" ? state.progress : undefined,
  };
}
