/**
 * When a screen needs MNIST and none is found: say where the app looked and offer the two ways
 * out in place, download it now or use the offline sample, instead of sending the user back to
 * the shell.
 */
import { fetchMnist, formatFetchEvent, MNIST_MIRRORS } from "../../data/mod.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import type { InputEvent } from "../terminal/keys.ts";
import type { ScreenSize } from "../terminal/screen.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import { wrapText } from "../../text/layout.ts";
import { errorLine, isBackKey } from "./page.ts";

/** Where the prompt stands. */
export interface DataPromptState {
  /** Why the data is missing (the loader's message). */
  reason: string;
  /** Where a download goes. */
  dataDir: string;
  phase: "choose" | "downloading" | "failed";
  /** Finished download steps, one line each ("verified …", "mirror failed …"). */
  log: string[];
  /** The file being downloaded and how far it is. */
  progress?: { file: string; receivedBytes: number; totalBytes: number; startMs: number };
  error?: string;
}

/** What the user chose. */
export type DataChoice = "download" | "sample" | "back";

/** The prompt's screen body as lines (header and footer come from the page). */
export function renderDataPrompt(
  state: DataPromptState,
  size: ScreenSize,
  color: ColorLevel,
  nowMs = performance.now(),
): string[] {
  const c = paint(color);
  const width = size.columns;
  const lines = [...wrapText(state.reason, width).map((line) => c.yellow(line)), ""];
  if (state.phase !== "downloading" && width < 72) {
    lines.push(
      `  ${c.bold("f")}    Download MNIST (11 MB)`,
      `  ${c.bold("s")}    Use the offline sample`,
      `  ${c.bold("Esc")}  Back to the menu`,
      "",
    );
  } else if (state.phase !== "downloading") {
    lines.push(
      `  ${c.bold("f")}    Download MNIST now: 4 files, about 11 MB, checked by SHA-256`,
      `       into ${state.dataDir}`,
      `  ${c.bold("s")}    Use the offline sample (10,000 real MNIST digits, 8,000 for`,
      "       training and 2,000 for testing) for this session",
      `  ${c.bold("Esc")}  Back to the menu`,
      "",
    );
  }
  lines.push(...state.log.map((line) => `  ${line}`));
  const progress = state.progress;
  if (state.phase === "downloading" && progress) {
    lines.push(
      `  ${progress.file}`,
      "  " + renderProgressLine({
        step: Math.round(progress.receivedBytes / 1024),
        total: Math.max(1, Math.round(progress.totalBytes / 1024)),
        elapsedMs: nowMs - progress.startMs,
        done: false,
        metrics: {},
        width: width - 6,
        color,
      }) + " kB",
    );
  }
  if (state.error) lines.push("", ...wrapText(state.error, width).map((line) => c.red(line)));
  return lines;
}

/** The key's meaning while choosing; undefined for keys that do nothing. */
export function dataPromptKey(event: InputEvent): DataChoice | undefined {
  if (isBackKey(event)) return "back";
  if (event.type !== "key") return undefined;
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

/** The terminal and the page around the prompt, as the menu provides them. */
export interface DataPromptHost {
  size(): ScreenSize;
  draw(body: string[], footer: string): void;
  events(): AsyncGenerator<InputEvent>;
  color: ColorLevel;
}

/**
 * Shows the prompt until the user picks a way out. "download" resolves once the four files are
 * in `dataDir` and a key was pressed (a failed or cancelled download stays on the prompt with
 * its reason, so another choice can be made); "sample" and "back" resolve at once.
 */
export async function runDataPrompt(
  host: DataPromptHost,
  reason: string,
  dataDir: string,
): Promise<DataChoice> {
  const state: DataPromptState = { reason, dataDir, phase: "choose", log: [] };
  let finished = false;
  const draw = () =>
    host.draw(
      renderDataPrompt(state, host.size(), host.color),
      finished
        ? "MNIST is ready · press any key to continue"
        : state.phase === "downloading"
        ? "downloading… Esc cancels"
        : "f download · s offline sample · Esc back",
    );
  draw();
  // One reader of the keys for the whole prompt, raced against the download while it runs
  // (the terminal allows a single events() loop at a time).
  const keys = host.events();
  let nextKey = keys.next();
  let download: { done: Promise<boolean>; abort: AbortController } | undefined;
  while (true) {
    const winner = download
      ? await Promise.race([
        download.done.then((ok) => ({ ok })),
        nextKey.then((key) => ({ key })),
      ])
      : { key: await nextKey };
    if ("ok" in winner) {
      download = undefined;
      finished = winner.ok;
      draw();
      continue;
    }
    if (winner.key.done) return "back";
    const choice = dataPromptKey(winner.key.value);
    if (finished) {
      await keys.return(undefined);
      return "download";
    }
    if (!download && (choice === "back" || choice === "sample")) {
      await keys.return(undefined); // no read pending: the loop ends at once
      return choice;
    }
    nextKey = keys.next();
    if (download) {
      if (choice === "back") download.abort.abort(new Error("cancelled"));
      continue;
    }
    if (choice === "download") {
      download = startDownload(state, draw);
      draw();
    }
  }
}

/** Starts fetching into the prompt's folder, reporting into `state`; resolves true on success. */
function startDownload(
  state: DataPromptState,
  draw: () => void,
): { done: Promise<boolean>; abort: AbortController } {
  state.phase = "downloading";
  state.log = [];
  state.error = undefined;
  const abort = new AbortController();
  const done = fetchMnist({
    dataDir: state.dataDir,
    mirrors: mirrorsFromEnvironment(),
    signal: abort.signal,
    onEvent: (event) => {
      if (event.kind === "start") {
        state.progress = {
          file: event.file,
          receivedBytes: 0,
          totalBytes: event.totalBytes,
          startMs: performance.now(),
        };
      } else if (event.kind === "progress" && state.progress) {
        state.progress.receivedBytes = event.receivedBytes;
      } else {
        const line = formatFetchEvent(event);
        if (line !== undefined) state.log.push(line);
        if (event.kind !== "mirror-failed") state.progress = undefined;
      }
      draw();
    },
  }).then(() => {
    state.phase = "choose";
    return true;
  }, (error) => {
    state.phase = "failed";
    state.progress = undefined;
    state.error = `download failed: ${errorLine(error)}`;
    return false;
  });
  return { done, abort };
}

// TEMPORARY: replaced by the screen-loop version of the prompt.
import { pendingScreen } from "./screens/pending.ts";
import type { ScreenProgram } from "./screen_loop.ts";
export function dataPromptScreen(
  _reason: string,
  _dataDir: string,
): ScreenProgram<null, never, DataChoice> {
  return pendingScreen("MNIST data");
}
