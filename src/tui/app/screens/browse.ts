/**
 * The Browse screen: page through the MNIST training or test set, filter by digit, jump to an
 * index, and see what the network makes of each digit (right or wrong).
 */
import type { Dataset, MnistData } from "../../../data/dataset.ts";
import { IMAGE_PIXELS } from "../../../data/dataset.ts";
import type { Network } from "../../../network/network.ts";
import { type ColorLevel, paint } from "../../../text/color.ts";
import type { InputEvent } from "../../terminal/keys.ts";
import type { ScreenSize } from "../../terminal/screen.ts";
import { renderBigDigit } from "../../../text/big_digit.ts";
import { renderBlockArt } from "../../../text/block_art.ts";
import { renderConfidenceBars } from "../../../text/confidence_bars.ts";
import { center, joinColumns, truncate } from "../../../text/layout.ts";
import type { AppContext, ScreenRunner } from "../context.ts";
import { bodyRows, errorLine, renderPage } from "../page.ts";
import { headerLines } from "./header.ts";
import { article, classifyPixels, confidenceCaption, type Prediction } from "./predict.ts";
import { editField, renderField, type TextField, textField } from "./text_input.ts";

/** Everything the Browse screen remembers. */
export interface BrowseState {
  set: "train" | "test";
  /** Show only this digit (by label); undefined for all. */
  filter?: number;
  /** Position in the shown list (all indices, or those of the filtered digit). */
  position: number;
  /** The index being typed after `g` or `/`, if any. */
  jump?: TextField;
  /** A one-line note (e.g. why a jump went elsewhere). */
  note?: string;
}

/** The browser at the start of the test set, all digits shown. */
export function newBrowseState(): BrowseState {
  return { set: "test", position: 0 };
}

/**
 * The dataset indices shown: all of them, or those whose label is `filter`, ascending.
 *
 * @example
 * ```ts
 * shownIndices(data.test, 3).length; // 1010: the 3s among the 10,000 test digits
 * ```
 */
export function shownIndices(dataset: Dataset, filter: number | undefined): Int32Array {
  if (filter === undefined) return Int32Array.from({ length: dataset.count }, (_, i) => i);
  let count = 0;
  for (let i = 0; i < dataset.count; i++) if (dataset.labels[i] === filter) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < dataset.count; i++) if (dataset.labels[i] === filter) out[k++] = i;
  return out;
}

/** Digit `index` of a dataset as 784 floats in 0..1, the network's input. */
export function digitPixels(dataset: Dataset, index: number): Float32Array {
  const pixels = new Float32Array(IMAGE_PIXELS);
  const start = index * IMAGE_PIXELS;
  for (let i = 0; i < IMAGE_PIXELS; i++) pixels[i] = dataset.pixels[start + i] / 255;
  return pixels;
}

/** Caches the indices per (set, filter): a filter over 60,000 labels is cheap, but not free. */
export class BrowseIndex {
  readonly #cache = new Map<string, Int32Array>();
  constructor(readonly data: MnistData) {}

  /** The shown indices for a state. */
  of(state: BrowseState): Int32Array {
    const key = `${state.set}:${state.filter ?? "all"}`;
    let indices = this.#cache.get(key);
    if (!indices) {
      indices = shownIndices(this.data[state.set], state.filter);
      this.#cache.set(key, indices);
    }
    return indices;
  }

  /** The dataset index of the digit the state points at (undefined when none are shown). */
  current(state: BrowseState): number | undefined {
    const indices = this.of(state);
    return indices.length === 0 ? undefined : indices[Math.min(state.position, indices.length - 1)];
  }
}

/**
 * Applies a key: arrows step, PgUp/PgDn by 10 (Up/Down by a row of the grid), Home/End,
 * `t` switches train/test, `g` or `/` types an index to jump to, 0-9 show only that digit,
 * `a` all digits. Returns "leave" for Esc (unless typing an index), Ctrl-C and q.
 */
export function handleBrowseKey(
  state: BrowseState,
  event: InputEvent,
  index: BrowseIndex,
  perRow = 1,
): "leave" | undefined {
  if (event.type === "mouse") return undefined;
  if (event.ctrl && event.key === "c") return "leave";
  if (state.jump) return void typeJump(state, event, index);
  state.note = undefined;
  const count = index.of(state).length;
  const go = (position: number) => {
    state.position = Math.max(0, Math.min(count - 1, position));
  };
  const here = index.current(state);
  switch (event.key) {
    case "escape":
    case "q":
      return "leave";
    case "right":
    case " ":
      go(state.position + 1);
      return;
    case "left":
      go(state.position - 1);
      return;
    case "down":
      go(state.position + Math.max(1, perRow));
      return;
    case "up":
      go(state.position - Math.max(1, perRow));
      return;
    case "pagedown":
      go(state.position + 10);
      return;
    case "pageup":
      go(state.position - 10);
      return;
    case "home":
      go(0);
      return;
    case "end":
      go(count - 1);
      return;
    case "t":
      state.set = state.set === "train" ? "test" : "train";
      state.position = 0;
      return;
    case "g":
    case "/":
      state.jump = textField();
      return;
    case "a":
      setFilter(state, undefined, here, index);
      return;
  }
  if (/^[0-9]$/.test(event.key)) setFilter(state, Number(event.key), here, index);
}

/** Changes the filter, staying on the current digit if it is still shown, else the next one. */
function setFilter(
  state: BrowseState,
  filter: number | undefined,
  here: number | undefined,
  index: BrowseIndex,
): void {
  state.filter = filter;
  const indices = index.of(state);
  state.position = here === undefined ? 0 : Math.max(0, lowerBound(indices, here));
  if (state.position >= indices.length) state.position = Math.max(0, indices.length - 1);
}

/** The first position in ascending `indices` holding a value >= `value`. */
function lowerBound(indices: Int32Array, value: number): number {
  let low = 0, high = indices.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (indices[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A key while typing an index: digits edit, Enter jumps, Esc cancels. */
function typeJump(state: BrowseState, event: InputEvent & { type: "key" }, index: BrowseIndex) {
  const jump = state.jump!;
  if (event.key === "escape") {
    state.jump = undefined;
    return;
  }
  if (event.key === "enter") {
    state.jump = undefined;
    const text = jump.text.replaceAll(/[,_ ]/g, "");
    const count = index.data[state.set].count;
    const target = Number(text);
    if (text === "" || !Number.isInteger(target) || target < 0 || target >= count) {
      state.note = `no digit ${jump.text || "(nothing typed)"} in the ${state.set} set: ` +
        `indices go from 0 to ${(count - 1).toLocaleString("en-US")}`;
      return;
    }
    const label = index.data[state.set].labels[target];
    if (state.filter !== undefined && state.filter !== label) {
      state.note = `#${target} is ${article(label)} ${label}: showing all digits`;
      state.filter = undefined;
    }
    state.position = lowerBound(index.of(state), target);
    return;
  }
  const edited = editField(jump, event);
  if (edited && /^[0-9,_ ]*$/.test(edited.text)) state.jump = edited;
}

/** What the body needs besides the state: the data (or why it is missing) and a guesser. */
export interface BrowseView {
  index?: BrowseIndex;
  /** Shown instead of digits: "Loading MNIST…" or the error that stopped it. */
  problem?: { text: string; error: boolean };
  predict: (set: "train" | "test", index: number) => Prediction;
}

const GAP = 2;
const THUMB_WIDTH = 28;
/** Thumbnail height: 14 rows of art and a caption. */
const THUMB_HEIGHT = 15;
const PANEL_WIDTH = 36;

/** How many thumbnails fit per row and how many rows, for a body of `width` x `height`. */
export function gridSize(width: number, height: number): { perRow: number; rows: number } {
  const perRow = Math.max(1, Math.floor((width - PANEL_WIDTH) / (THUMB_WIDTH + GAP)));
  const rows = Math.max(1, Math.floor((height - 2 + 1) / (THUMB_HEIGHT + 1)));
  return { perRow, rows };
}

/** The whole Browse screen as lines, for a terminal of `size`. */
export function renderBrowseScreen(
  state: BrowseState,
  view: BrowseView,
  size: ScreenSize,
  header: string[],
  color: ColorLevel,
): string[] {
  const footer = state.jump
    ? "type an index · Enter go · Esc cancel"
    : "←/→ PgUp/PgDn step · t train/test · g go to · 0-9 one digit · a all · Esc back";
  return renderPage(
    {
      header,
      title: "Browse digits",
      body: renderBrowseBody(state, view, size.columns, bodyRows(size, header.length), color),
      footer,
    },
    size,
    color,
  );
}

/**
 * The body: a line saying where we are, a grid of digits (the current one highlighted, each
 * captioned with its index, label and the network's guess) and the current digit's guess.
 */
export function renderBrowseBody(
  state: BrowseState,
  view: BrowseView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  if (view.problem || !view.index) {
    const problem = view.problem ?? { text: "Loading MNIST…", error: false };
    const lines = [problem.error ? c.red(problem.text) : problem.text];
    if (problem.error) {
      lines.push(
        "",
        "Get the data with `deno task start fetch-data`, or start the app with --sample.",
      );
    }
    return lines.map((line) => truncate(line, width, "…"));
  }
  const index = view.index;
  const dataset = index.data[state.set];
  const indices = index.of(state);
  const lines = [truncate(statusLine(state, index, width, color), width, "…")];
  if (state.note) lines.push(c.yellow(truncate(state.note, width, "…")));
  if (indices.length === 0) {
    lines.push("", `No ${state.filter}s in the ${state.set} set.`);
    return lines;
  }
  if (height - lines.length > 19) lines.push("");
  const position = Math.min(state.position, indices.length - 1);
  const { perRow, rows } = gridSize(width, height - lines.length);
  const perPage = perRow * rows;
  const first = Math.floor(position / perPage) * perPage;
  const thumbs: string[][] = [];
  for (let p = first; p < Math.min(indices.length, first + perPage); p++) {
    const i = indices[p];
    const prediction = view.predict(state.set, i);
    const label = dataset.labels[i];
    const mark = prediction.digit === label ? "✓" : `✗ ${prediction.digit}`;
    const text = `#${i} · ${label} ${mark}`;
    const caption = p === position
      ? (color === "none" ? `[${text}]` : c.inverse(` ${text} `))
      : prediction.digit === label
      ? c.dim(text)
      : c.red(text);
    thumbs.push([
      ...renderBlockArt(digitPixels(dataset, i), { color }),
      center(caption, THUMB_WIDTH),
    ]);
  }
  const grid: string[] = [];
  for (let r = 0; r * perRow < thumbs.length; r++) {
    if (r > 0) grid.push("");
    grid.push(...joinColumns(thumbs.slice(r * perRow, (r + 1) * perRow), GAP));
  }
  const current = indices[position];
  const panel = renderPredictionPanel(
    view.predict(state.set, current),
    dataset.labels[current],
    Math.min(PANEL_WIDTH + 8, width - (perRow * (THUMB_WIDTH + GAP))),
    height - lines.length,
    color,
  );
  lines.push(...joinColumns([grid, panel], GAP));
  return lines.map((line) => truncate(line, width));
}

/** "test set · 1,235 of 10,000 (#1,234) · only 7s (1,028 of 10,000)". */
function statusLine(
  state: BrowseState,
  index: BrowseIndex,
  width: number,
  color: ColorLevel,
): string {
  const c = paint(color);
  const dataset = index.data[state.set];
  const indices = index.of(state);
  const fmt = (n: number) => n.toLocaleString("en-US");
  if (state.jump) {
    const prompt = `Go to index (0-${fmt(dataset.count - 1)}): `;
    return c.bold(prompt) +
      renderField(state.jump, Math.max(8, width - prompt.length), true, color);
  }
  const set = c.bold(`${state.set === "train" ? "Training" : "Test"} set`);
  if (indices.length === 0) return `${set} · only ${state.filter}s: none`;
  const position = Math.min(state.position, indices.length - 1);
  const filter = state.filter === undefined
    ? "all digits"
    : `only ${state.filter}s (${fmt(indices.length)} of ${fmt(dataset.count)})`;
  return `${set} · ${fmt(position + 1)} of ${fmt(indices.length)} · ` +
    `#${fmt(indices[position])}, label ${
      c.bold(String(dataset.labels[indices[position]]))
    } · ${filter}`;
}

/** The current digit's guess: big, marked right or wrong, with confidence bars. */
function renderPredictionPanel(
  prediction: Prediction,
  label: number,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const right = prediction.digit === label;
  const verdict = right ? c.green.bold(`✓ right: it is ${article(label)} ${label}`) : c.red.bold(
    `✗ wrong: it is ${article(label)} ${label}, not ${
      article(prediction.digit)
    } ${prediction.digit}`,
  );
  return [
    ...(height > 19 ? ["Network's guess"] : []),
    ...renderBigDigit(prediction.digit, { color, tint: right ? "greenBright" : "redBright" }),
    truncate(verdict, width, "…"),
    // The confidence caption only when it fits: the bars matter more.
    ...(height > 18 ? [c.dim(truncate(confidenceCaption(prediction), width, "…"))] : []),
    ...renderConfidenceBars(prediction.probabilities, { width: Math.min(width, 44), color }),
  ];
}

// Where the user was, so coming back to the screen returns there.
let lastState: BrowseState | undefined;

/** Runs the Browse screen until Esc or Ctrl-C. */
export const runBrowseScreen: ScreenRunner = async (context: AppContext) => {
  const { screen, color } = context;
  const state: BrowseState = lastState ?? newBrowseState();
  state.jump = undefined;
  const view: BrowseView = {
    predict: () => ({ probabilities: new Float32Array(10), digit: 0, confidence: 0, runnerUp: 1 }),
  };
  let network: Network | undefined;
  const cache = new Map<string, Prediction>();
  view.predict = (set, i) => {
    const current = context.model().network;
    if (current !== network) {
      cache.clear(); // the model was retrained or reloaded
      network = current;
    }
    const key = `${set}:${i}`;
    let prediction = cache.get(key);
    if (!prediction) {
      prediction = classifyPixels(current, digitPixels(view.index!.data[set], i));
      cache.set(key, prediction);
    }
    return prediction;
  };
  const layoutOf = () => {
    const size = screen.size();
    const header = headerLines(context, size.columns);
    return { size, header };
  };
  const render = () => {
    const { size, header } = layoutOf();
    screen.draw(renderBrowseScreen(state, view, size, header, color));
  };
  const stopResize = screen.onResize(render);
  try {
    render();
    try {
      view.index = new BrowseIndex(await context.data());
    } catch (error) {
      view.problem = { text: `Cannot load the digits: ${errorLine(error)}`, error: true };
    }
    render();
    for await (const event of screen.events()) {
      if (!view.index) {
        if (
          event.type === "key" &&
          (event.key === "escape" || event.key === "q" || (event.ctrl && event.key === "c"))
        ) break;
        continue;
      }
      const { size, header } = layoutOf();
      const { perRow } = gridSize(size.columns, bodyRows(size, header.length) - 2);
      if (handleBrowseKey(state, event, view.index, perRow) === "leave") break;
      render();
    }
  } finally {
    stopResize();
    lastState = state;
  }
};

// TEMPORARY: replaced by the screen-loop version of this screen.
import { pendingScreen } from "./pending.ts";
import type { ScreenProgram as PendingProgram } from "../screen_loop.ts";
export function browseScreen(_context: AppContext): PendingProgram<null, never, unknown> {
  return pendingScreen("browse");
}
