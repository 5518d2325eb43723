/**
 * The Browse screen: page through the MNIST training or test set, filter by digit, jump to an
 * index, and see what the network makes of each digit (right or wrong).
 */
import type { Dataset, MnistData } from "../../data/dataset.ts";
import { IMAGE_PIXELS } from "../../data/dataset.ts";
import type { Network } from "../../network/network.ts";
import { article, classifyPixels, confidenceCaption, type Prediction } from "../../app/predict.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { count } from "../../text/format.ts";
import type { InputEvent } from "../terminal/keys.ts";
import { renderBigDigit } from "../../text/big_digit.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { renderConfidenceBars } from "../../text/confidence_bars.ts";
import { center, joinColumns, truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import type { AppContext } from "../context.ts";
import { unlessAborted } from "../abortable.ts";
import { errorLine } from "../page.ts";
import type { Frame, Message, ScreenProgram, Step, Work } from "../screen_loop.ts";
import { editField, renderField, type TextField, textField } from "../widgets/text_input.ts";

/** Everything the Browse screen remembers. */
export interface BrowseState {
  /** The network whose guesses are shown (the model in use when the screen opened). */
  network?: Network;
  /** The network's guesses of the digits shown so far, by `set:index` (filled by work). */
  guesses?: ReadonlyMap<string, Prediction>;
  set: "train" | "test";
  /** Show only this digit (by label); undefined for all. */
  filter?: number;
  /** Position in the shown list (all indices, or those of the filtered digit). */
  position: number;
  /** The index being typed after `g` or `/`, if any. */
  jump?: TextField;
  /** A one-line note (e.g. why a jump went elsewhere). */
  note?: string;
  /** The digits, once loaded (and the shown indices per set and filter). */
  index?: BrowseIndex;
  /** Why the digits could not be loaded. */
  problem?: string;
  /** The body's frame, for the grid's row length (Up/Down move by a row). */
  frame?: Frame;
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
 * import assert from "node:assert/strict";
 * import { shownIndices } from "./browse.ts";
 *
 * const labels = Uint8Array.from([3, 1, 3, 7]);
 * const dataset = { pixels: new Uint8Array(4 * 784), labels, count: 4 };
 * assert.deepEqual([...shownIndices(dataset, 3)], [0, 2]);
 * assert.equal(shownIndices(dataset, undefined).length, 4);
 * ```
 */
export function shownIndices(dataset: Dataset, filter: number | undefined): Int32Array {
  if (filter === undefined) return Int32Array.from({ length: dataset.count }, (_, i) => i);
  let matching = 0;
  for (let i = 0; i < dataset.count; i++) if (dataset.labels[i] === filter) matching++;
  const out = new Int32Array(matching);
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
 * The state after a key: arrows step, PgUp/PgDn by 10 (Up/Down by a row of `perRow`),
 * Home/End, `t` switches train/test, `g` or `/` start typing an index to jump to (digits edit,
 * Enter jumps), 0-9 show only that digit, `a` all digits. Keys before the data loaded do
 * nothing. (Backing out is the `back` message: it cancels the typing, or leaves.)
 */
export function browseKey(state: BrowseState, event: InputEvent, perRow = 1): BrowseState {
  const index = state.index;
  if (!index || event.type !== "key") return state;
  if (state.jump) return typeJump(state, event, index);
  const next: BrowseState = { ...state, note: undefined };
  const shown = index.of(next).length;
  const go = (position: number) => ({
    ...next,
    position: Math.max(0, Math.min(shown - 1, position)),
  });
  const here = index.current(next);
  switch (event.key) {
    case "right":
    case " ":
      return go(next.position + 1);
    case "left":
      return go(next.position - 1);
    case "down":
      return go(next.position + Math.max(1, perRow));
    case "up":
      return go(next.position - Math.max(1, perRow));
    case "pagedown":
      return go(next.position + 10);
    case "pageup":
      return go(next.position - 10);
    case "home":
      return go(0);
    case "end":
      return go(shown - 1);
    case "t":
      return { ...next, set: next.set === "train" ? "test" : "train", position: 0 };
    case "g":
    case "/":
      return { ...next, jump: textField() };
    case "a":
      return withFilter(next, undefined, here, index);
  }
  if (/^[0-9]$/.test(event.key) && !event.ctrl && !event.alt) {
    return withFilter(next, Number(event.key), here, index);
  }
  return state.note === undefined ? state : next;
}

/** Changes the filter, staying on the current digit if it is still shown, else the next one. */
function withFilter(
  state: BrowseState,
  filter: number | undefined,
  here: number | undefined,
  index: BrowseIndex,
): BrowseState {
  const next = { ...state, filter };
  const indices = index.of(next);
  const position = here === undefined ? 0 : Math.max(0, lowerBound(indices, here));
  return { ...next, position: Math.min(position, Math.max(0, indices.length - 1)) };
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

/** A key while typing an index: digits edit, Enter jumps (or says why it cannot). */
function typeJump(
  state: BrowseState,
  event: InputEvent & { type: "key" },
  index: BrowseIndex,
): BrowseState {
  const jump = state.jump!;
  if (event.key !== "enter") {
    const edited = editField(jump, event);
    return edited && /^[0-9,_ ]*$/.test(edited.text) ? { ...state, jump: edited } : state;
  }
  const next: BrowseState = { ...state, jump: undefined };
  const text = jump.text.replaceAll(/[,_ ]/g, "");
  const dataset = index.data[next.set];
  const target = Number(text);
  if (text === "" || !Number.isInteger(target) || target < 0 || target >= dataset.count) {
    return {
      ...next,
      note: `no digit ${jump.text || "(nothing typed)"} in the ${next.set} set: ` +
        `indices go from 0 to ${count(dataset.count - 1)}`,
    };
  }
  const label = dataset.labels[target];
  if (next.filter !== undefined && next.filter !== label) {
    next.note = `#${target} is ${article(label)} ${label}: showing all digits`;
    next.filter = undefined;
  }
  return { ...next, position: lowerBound(index.of(next), target) };
}

/** What the body needs besides the state: the data (or why it is missing) and a guesser. */
export interface BrowseView {
  index?: BrowseIndex;
  /** Shown instead of digits: "Loading MNIST…" or the error that stopped it. */
  problem?: { text: string; error: boolean };
  /** The network's guess for a digit, once the work has made it. */
  predict: (set: "train" | "test", index: number) => Prediction | undefined;
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

/**
 * The digits on the page the body shows (positions `first` to `end` of the shown list, the
 * current one at `position`) in a body of `width` x `height`: what the view draws and what
 * the screen's work guesses.
 */
export function pageOf(
  state: BrowseState,
  shown: number,
  width: number,
  height: number,
): { position: number; first: number; end: number; perRow: number } {
  // Above the grid: the status line, the note, and a blank line when there is room.
  let above = 1 + (state.note ? 1 : 0);
  if (height - above > 19) above++;
  const position = Math.max(0, Math.min(state.position, shown - 1));
  const { perRow, rows } = gridSize(width, height - above);
  const perPage = perRow * rows;
  const first = Math.floor(position / perPage) * perPage;
  return { position, first, end: Math.min(shown, first + perPage), perRow };
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
    const lines = wrapText(problem.text, width).map((line) => problem.error ? c.red(line) : line);
    if (problem.error) {
      lines.push(
        "",
        ...wrapText(
          "Get the data with `deno task start fetch-data`, or start the app with --sample.",
          width,
        ),
      );
    }
    return lines;
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
  const { position, first, end, perRow } = pageOf(state, indices.length, width, height);
  const thumbs: string[][] = [];
  for (let p = first; p < end; p++) {
    const i = indices[p];
    const prediction = view.predict(state.set, i);
    const label = dataset.labels[i];
    const mark = !prediction ? "…" : prediction.digit === label ? "✓" : `✗ ${prediction.digit}`;
    const text = `#${i} · ${label} ${mark}`;
    const caption = p === position
      ? (color === "none" ? `[${text}]` : c.inverse(` ${text} `))
      : prediction?.digit !== label
      ? c.red(text)
      : c.dim(text);
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
  const guess = view.predict(state.set, current);
  const panel = !guess ? ["Network's guess", "…"] : renderPredictionPanel(
    guess,
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
  if (state.jump) {
    const prompt = `Go to index (0-${count(dataset.count - 1)}): `;
    return c.bold(prompt) +
      renderField(state.jump, Math.max(8, width - prompt.length), true, color);
  }
  const set = c.bold(`${state.set === "train" ? "Training" : "Test"} set`);
  if (indices.length === 0) return `${set} · only ${state.filter}s: none`;
  const position = Math.min(state.position, indices.length - 1);
  const filter = state.filter === undefined
    ? "all digits"
    : `only ${state.filter}s (${count(indices.length)} of ${count(dataset.count)})`;
  return `${set} · ${count(position + 1)} of ${count(indices.length)} · ` +
    `#${count(indices[position])}, label ${
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

// The key hints, longest first: the first that fits the width is shown.
const BROWSE_FOOTERS = [
  "←/→ PgUp/PgDn step · t train/test · g or / go to index · 0-9 one digit · a all · Esc back",
  "←/→ PgUp/PgDn step · t train/test · g go to · 0-9 one digit · a all · Esc back",
  "←/→ PgUp/PgDn · t set · g go to · 0-9 digit · a all · Esc back",
];

function fitting(footers: string[], width: number): string {
  return footers.find((footer) => visibleWidth(footer) <= width) ?? footers[footers.length - 1];
}

/** What the Browse screen's work sends: the loaded digits, then the guesses of each page. */
export type BrowseMessage =
  | { type: "data"; data: MnistData }
  | { type: "guesses"; guesses: [key: string, guess: Prediction][] };

/** The Browse screen's update: keys (`browseKey`), the frame, and what its work sends. */
function updateBrowse(
  state: BrowseState,
  message: Message<BrowseMessage>,
): Step<BrowseState, BrowseMessage, void> {
  switch (message.type) {
    case "back": {
      if (state.jump) return { state: { ...state, jump: undefined } };
      // Leaving is the one moment worth remembering: the next visit comes back here.
      const exit = { value: undefined };
      if (!state.index) return { state, exit };
      const { set, filter, position } = state;
      return { state, exit, remember: { browse: { set, filter, position } } };
    }
    case "resize":
      return { state: { ...state, frame: message.frame } };
    case "work": {
      const sent = message.message;
      if (sent.type === "guesses") {
        return { state: { ...state, guesses: new Map([...state.guesses ?? [], ...sent.guesses]) } };
      }
      // A remembered position may be past the end of other data (the sample is smaller).
      const index = new BrowseIndex(sent.data);
      const last = Math.max(0, index.of(state).length - 1);
      return { state: { ...state, index, position: Math.min(state.position, last) } };
    }
    case "work-failed":
      return { state: { ...state, problem: errorLine(message.error) } };
    case "input": {
      const frame = state.frame;
      const perRow = frame ? gridSize(frame.columns, frame.rows - 2).perRow : 1;
      return { state: browseKey(state, message.event, perRow) };
    }
  }
  return { state };
}

/**
 * Adds the work that guesses the digits of the page shown, when some have no guess yet (a
 * page is a few dozen digits at most: one quick pass of the network).
 */
function withGuesses(
  step: Step<BrowseState, BrowseMessage, void>,
): Step<BrowseState, BrowseMessage, void> {
  const state = step.state;
  const { index, frame, network } = state;
  if (!index || !frame || !network || step.exit) return step;
  const indices = index.of(state);
  const { first, end } = pageOf(state, indices.length, frame.columns, frame.rows);
  const set = state.set;
  const dataset = index.data[set];
  const missing: number[] = [];
  for (let p = first; p < end; p++) {
    if (!state.guesses?.has(`${set}:${indices[p]}`)) missing.push(indices[p]);
  }
  if (missing.length === 0) return step;
  const work: Work<BrowseMessage> = {
    // One at a time: paging on replaces the guesses of the page paged past.
    id: "guess",
    async run(send, signal) {
      await new Promise((resolve) => setTimeout(resolve, 0)); // keys first
      if (signal.aborted) return;
      const guesses = missing.map((i): [string, Prediction] => [
        `${set}:${i}`,
        classifyPixels(network, digitPixels(dataset, i)),
      ]);
      send({ type: "guesses", guesses });
    },
  };
  return { ...step, work: [...step.work ?? [], work] };
}

/** Loads the data (once per session: the context keeps it) for the Browse screen. */
function loadWork(context: Pick<AppContext, "data">): Work<BrowseMessage> {
  return {
    id: "data",
    async run(send, signal) {
      // Leaving while the data loads ends this at once; the load goes on for the next screen.
      const data = await unlessAborted(context.data(), signal);
      if (data) send({ type: "data", data });
    },
  };
}

/**
 * The Browse screen: loads the digits, then steps through them (see `browseKey`), each shown
 * with the network's guess. Esc or q go back; while an index is typed, Esc cancels the typing
 * (and q is a letter, refused as not a digit). A failure to load is shown in place. With
 * `context.memory`, the next visit starts where this one was left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { browseScreen } from "./browse.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { seed: 1 });
 * const digits = { pixels: new Uint8Array(20 * 784), labels: new Uint8Array(20).fill(3), count: 20 };
 * const data = { train: digits, test: digits, source: "sample" as const, description: "zeros" };
 * const screen = browseScreen({
 *   model: () => ({ network, random: true }),
 *   data: () => Promise.resolve(data),
 * });
 * const run = simulate(screen, [{ type: "work", message: { type: "data", data } }, "right"]);
 * assert.match(run.view.body[0], /Test set · 2 of 20 · #1, label 3/);
 * assert.ok(simulate(screen, ["q"]).exit);
 * ```
 */
export function browseScreen(
  context: Pick<AppContext, "model" | "data" | "memory">,
): ScreenProgram<BrowseState, BrowseMessage, void> {
  return {
    title: "Browse digits",
    init: () => ({
      state: { ...newBrowseState(), ...context.memory?.browse, network: context.model().network },
      work: [loadWork(context)],
    }),
    update: (state, message) => withGuesses(updateBrowse(state, message)),
    view(state, frame) {
      const index = state.index;
      const view: BrowseView = {
        index,
        problem: state.problem !== undefined
          ? { text: `Cannot load the digits: ${state.problem}`, error: true }
          : undefined,
        predict: (set, i) => state.guesses?.get(`${set}:${i}`),
      };
      return {
        body: renderBrowseBody(state, view, frame.columns, frame.rows, frame.color),
        footer: state.jump
          ? "type an index · Enter go · Esc cancel"
          : index
          ? fitting(BROWSE_FOOTERS, frame.columns)
          : "Esc back",
      };
    },
    typing: (state) => state.jump !== undefined,
  };
}
