/**
 * The Classify screen: type the path of an image (or a folder of them), see it as it is and
 * as the network sees it, with the guess and ten confidence bars. Folders are stepped through
 * image by image. Every problem (no such file, not an image, no digit) is shown in place.
 *
 * Reading a folder, reading and classifying an image (src/app/classify_image.ts) and
 * completing a path (widgets/path_completion.ts) are background work that reports back as
 * messages; the screen's state changes only in `update`.
 */
import {
  fitImage,
  type ImageResult,
  type NumberDigitResult,
  readImageResult,
  readNumberResult,
} from "../../app/classify_image.ts";
import { IMAGE_EXTENSIONS, listImages } from "../../image/image_files.ts";
import type { GrayImage } from "../../image/mod.ts";
import type { Network } from "../../network/network.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import type { KeyEvent } from "../terminal/keys.ts";
import { renderBigDigit } from "../../text/big_digit.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { renderConfidenceBars } from "../../text/confidence_bars.ts";
import { joinColumns, truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import { percent } from "../../text/format.ts";
import type { AppContext } from "../context.ts";
import { errorLine } from "../page.ts";
import type { Frame, Message, ScreenProgram, Step, Work } from "../screen_loop.ts";
import { captionLines, digitShareLines, guessTint } from "./guess_caption.ts";
import { choiceLines, completeOnDisk } from "../widgets/path_completion.ts";
import { editField, renderField, type TextField, textField } from "../widgets/text_input.ts";

/** Everything the Classify screen remembers. */
export interface ClassifyState {
  /** The network that reads the images (the model in use when the screen opened). */
  network?: Network;
  field: TextField;
  /** Where keys go: the path being typed, or stepping through a folder's images. */
  focus: "path" | "images";
  /** The path last opened and the images in it (one for a file). */
  opened?: string;
  files: string[];
  index: number;
  /** Results of this opening, by file (stepping back shows them again at once). */
  results: ReadonlyMap<string, ImageResult>;
  /** Counts openings, so that work for an earlier one is not taken for this one's. */
  opening: number;
  /** A path being opened or a file being read. */
  loading?: string;
  /** A problem with the path itself (not found, empty folder), shown under the field. */
  error?: string;
  /** What Tab could complete the path to, shown under the field until the next key. */
  choices?: string[];
  /** Read each image as one digit, or as a number of several (Ctrl-N, or n on the images). */
  mode: "digit" | "number";
}

/** What the screen's background work reports. */
export type ClassifyMessage =
  /** The path opened (`typed`: as the user typed it, remembered for the next visit). */
  | { type: "listed"; opening: number; path: string; typed: string; files: string[] }
  | { type: "list-failed"; opening: number; error: string }
  | { type: "classified"; opening: number; result: ImageResult }
  | { type: "completed"; typed: string; text: string; choices: string[] };

type ClassifyStep = Step<ClassifyState, ClassifyMessage, void>;

/**
 * A fresh screen with `path` typed in (the last path opened, so coming back is quick), reading
 * with `network`.
 */
export function newClassifyState(path = "", network?: Network): ClassifyState {
  return {
    network,
    field: textField(path),
    focus: "path",
    files: [],
    index: 0,
    results: new Map(),
    opening: 0,
    mode: "digit",
  };
}

/** What the screen needs of the app: the network, and where to remember the last path. */
export type ClassifyContext = Pick<AppContext, "model" | "memory">;

/**
 * The Classify screen. Typing edits the path (`q` is a letter there), Enter opens it, Tab
 * completes it; in a folder ←/→ (and ↑/↓, PgUp/PgDn, Home/End) step through its images once
 * the focus is on them (Tab or Enter switches back to the path). Esc goes back, and so does
 * `q` while the focus is on the images.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { classifyScreen } from "./classify.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const screen = classifyScreen({ model: () => ({ network, random: true }), memory: {} });
 * const run = simulate(screen, ["a", ".", "p", "n", "g", "enter"]);
 * assert.match(run.view.body.join("\n"), /Path: a\.png/);
 * assert.deepEqual(run.steps.at(-1)?.work?.map((work) => work.id), ["open"]);
 * assert.equal(screen.typing?.(run.state), true); // q types a letter here
 * ```
 */
export function classifyScreen(
  context: ClassifyContext,
): ScreenProgram<ClassifyState, ClassifyMessage, void> {
  return {
    title: "Classify an image",
    init: () => ({
      state: newClassifyState(context.memory?.classifyPath ?? "", context.model().network),
    }),
    update: updateClassify,
    view: (state, frame) => ({ body: renderClassifyBody(state, frame), footer: footerFor(state) }),
    typing: (state) => state.focus === "path",
  };
}

/** The Classify screen's update: keys, and what its work reports. */
export function updateClassify(
  state: ClassifyState,
  message: Message<ClassifyMessage>,
): ClassifyStep {
  switch (message.type) {
    case "back":
      return { state, exit: { value: undefined } };
    case "input":
      return message.event.type === "key" ? handleKey(state, message.event) : { state };
    case "work":
      return handleWork(state, message.message);
    case "work-failed":
      // The work catches what it expects; this is a bug, shown in place rather than crashing.
      return { state: { ...state, loading: undefined, error: errorLine(message.error) } };
    default:
      return { state };
  }
}

function handleKey(
  state: ClassifyState,
  event: KeyEvent,
): ClassifyStep {
  const count = state.files.length;
  if (event.key === "n" && (event.ctrl || state.focus === "images")) {
    return toggleMode(state);
  }
  const step = (delta: number): ClassifyStep => {
    const index = Math.min(count - 1, Math.max(0, state.index + delta));
    return count < 2 || index === state.index ? { state } : show(state, index);
  };
  switch (event.key) {
    case "up":
      return step(-1);
    case "down":
      return step(1);
    case "pageup":
      return step(-10);
    case "pagedown":
      return step(10);
  }
  if (state.focus === "images") {
    switch (event.key) {
      case "left":
        return step(-1);
      case "right":
      case " ":
        return step(1);
      case "home":
        return step(-count);
      case "end":
        return step(count);
      case "tab":
      case "enter":
      case "/":
        return { state: { ...state, focus: "path", choices: undefined } };
    }
    return { state };
  }
  if (event.key === "enter") {
    const path = state.field.text.trim();
    if (path === "") {
      return {
        state: { ...state, error: "type the path of a PNG or JPEG image, or of a folder of them" },
      };
    }
    return open(state, path);
  }
  if (event.key === "tab") {
    if (count > 1 && state.opened === state.field.text.trim()) {
      return { state: { ...state, focus: "images" } };
    }
    return { state, work: [completeWork(state.field.text)] };
  }
  const edited = editField(state.field, event);
  return edited ? { state: { ...state, field: edited, choices: undefined } } : { state };
}

/**
 * Digit mode to number mode and back: the image shown is read again the new way, at once; a
 * path typed but not opened yet is opened the new way (a footer that changes alone says nothing).
 */
function toggleMode(state: ClassifyState): ClassifyStep {
  const next: ClassifyState = {
    ...state,
    mode: state.mode === "digit" ? "number" : "digit",
    results: new Map(),
    choices: undefined,
  };
  const typed = state.field.text.trim();
  if (state.focus === "path" && typed !== "" && typed !== state.opened) return open(next, typed);
  return next.files.length > 0 ? show(next, next.index) : { state: next };
}

/** Starts reading the folder (or file) at `path`; what was shown stays until it answers. */
function open(state: ClassifyState, path: string): ClassifyStep {
  const opening = state.opening + 1;
  const typed = state.field.text;
  const work: Work<ClassifyMessage> = {
    id: "open",
    async run(send, signal) {
      let files: string[];
      try {
        files = await listImages(path);
      } catch (error) {
        if (!signal.aborted) send({ type: "list-failed", opening, error: errorLine(error) });
        return;
      }
      if (!signal.aborted) send({ type: "listed", opening, path, typed, files });
    },
  };
  return {
    state: { ...state, opening, loading: path, error: undefined, choices: undefined },
    work: [work],
    cancel: ["classify"],
  };
}

/** Shows `files[index]`: at once when it was read before, else after reading it. */
function show(state: ClassifyState, index: number): ClassifyStep {
  const file = state.files[index];
  if (state.results.has(file)) return { state: { ...state, index, loading: undefined } };
  const opening = state.opening;
  const network = state.network;
  if (!network) return { state: { ...state, error: "no network to read the image with" } };
  const mode = state.mode;
  const work: Work<ClassifyMessage> = {
    // One at a time: stepping on replaces the read of the image stepped past.
    id: "classify",
    async run(send, signal) {
      const result = mode === "number"
        ? await readNumberResult(file, network)
        : await readImageResult(file, network, signal);
      if (!signal.aborted) send({ type: "classified", opening, result });
    },
  };
  return { state: { ...state, index, loading: file }, work: [work] };
}

function handleWork(
  state: ClassifyState,
  message: ClassifyMessage,
): ClassifyStep {
  switch (message.type) {
    case "listed": {
      if (message.opening !== state.opening) return { state };
      const files = message.files;
      const next: ClassifyState = {
        ...state,
        opened: message.path,
        files,
        results: new Map(), // the files may have changed on disk since the last opening
        focus: files.length > 1 ? "images" : "path",
        loading: undefined,
      };
      // A path that opened is typed in again on the next visit.
      return { ...show(next, 0), remember: { classifyPath: message.typed } };
    }
    case "list-failed":
      if (message.opening !== state.opening) return { state };
      return {
        state: {
          ...state,
          files: [],
          opened: undefined,
          results: new Map(),
          loading: undefined,
          error: message.error,
        },
      };
    case "classified": {
      if (message.opening !== state.opening) return { state };
      const results = new Map(state.results).set(message.result.file, message.result);
      const current = state.files[state.index] === message.result.file;
      return { state: { ...state, results, loading: current ? undefined : state.loading } };
    }
    case "completed":
      // Typed on meanwhile: that text wins.
      if (state.field.text !== message.typed) return { state };
      return {
        state: {
          ...state,
          field: textField(message.text),
          choices: message.choices.length > 0 ? message.choices : undefined,
        },
      };
  }
}

/** Tab completion against the folder the typed path points into. */
function completeWork(typed: string): Work<ClassifyMessage> {
  return {
    id: "complete",
    async run(send, signal) {
      const completed = await completeOnDisk(typed, (name) => IMAGE_EXTENSIONS.test(name));
      if (!signal.aborted) send({ type: "completed", typed, ...completed });
    },
  };
}

/** The screen's key hints, for where the focus is. */
function footerFor(state: ClassifyState): string {
  const stepping = state.files.length > 1;
  const other = state.mode === "digit" ? "number" : "digit";
  if (state.focus === "images") {
    return `←/→ ↑/↓ image · PgUp/PgDn ±10 · Home/End · n: as ${other} · Tab: path · Esc back`;
  }
  return "Enter open · Tab complete" + (stepping ? " / step images · ↑/↓ image" : "") +
    ` · Ctrl-N: read as ${other} · Ctrl-U clear · Esc back`;
}

/**
 * The body: the path field, a line about the file (or the error), then the image as it is,
 * the 28x28 the network saw, and the guess with its confidence bars.
 */
export function renderClassifyBody(state: ClassifyState, frame: Frame): string[] {
  const { columns: width, rows: height, color } = frame;
  const c = paint(color);
  const label = "Path: ";
  const fieldText = renderField(state.field, width - label.length, state.focus === "path", color);
  const lines = [(state.focus === "path" ? c.bold(label) : c.dim(label)) + fieldText];
  const result = state.results.get(state.files[state.index]);
  if (state.error) {
    lines.push(c.red(truncate(state.error, width, "…")));
    return lines;
  }
  if (state.choices) {
    lines.push(...choiceLines(state.choices, width, height - lines.length).map((l) => c.dim(l)));
    return lines;
  }
  // the file's line wraps (two lines at most): its verdict (labelled 1 ✗) must not be cut off,
  // so a long file name is shortened from its start instead
  if (state.files.length > 0) {
    let keep = Infinity;
    let wrapped = wrapText(fileLine(state, result, color, keep), width);
    while (wrapped.length > 2 && keep > 8) {
      keep = Math.min(keep === Infinity ? 2 * width : keep, 2 * width) - 8;
      wrapped = wrapText(fileLine(state, result, color, keep), width);
    }
    lines.push(...wrapped.slice(0, 2));
  } else if (state.loading) lines.push(c.dim(truncate(`reading ${state.loading}…`, width, "…")));
  else {
    lines.push(
      c.dim("Type the path of a PNG or JPEG image, or of a folder of them, and press Enter."),
      ...(state.mode === "number"
        ? [c.dim("Each image is read as a number of several digits (Ctrl-N: as one digit).")]
        : []),
    );
    return lines.map((line) => truncate(line, width, "…"));
  }
  if (!result) return lines;
  // The guess panel is 18 rows: a blank line above it only when there is room for one.
  if (height - lines.length > 18) lines.push("");
  lines.push(...renderResult(result, width, height - lines.length, color));
  return lines.map((line) => truncate(line, width));
}

/**
 * "image 3 of 12: digits/7/a.png (640x480) · labelled 7 ✓", the name cut to its last `keep`
 * characters ("…" before them) when the line would not fit.
 */
function fileLine(
  state: ClassifyState,
  result: ImageResult | undefined,
  color: ColorLevel,
  keep = Infinity,
): string {
  const c = paint(color);
  const position = state.files.length > 1
    ? `image ${state.index + 1} of ${state.files.length}: `
    : "";
  // In a folder, the path field already says where: name the file from there.
  const folder = (state.opened ?? "").replace(/\/*$/, "/");
  const file = state.files[state.index];
  const full = state.files.length > 1 && file.startsWith(folder) ? file.slice(folder.length) : file;
  const name = full.length > keep ? "…" + full.slice(full.length - keep) : full;
  let text = position + c.bold(name) + (state.mode === "number" ? c.dim(" · as a number") : "");
  if (!result) return text + c.dim(" · reading…");
  if (result.width !== undefined) text += c.dim(` (${result.width}x${result.height})`);
  if (result.notDigit) text += c.yellow(" · not a digit");
  else if (result.error) text += c.red(` · ${result.error}`);
  if (result.label !== undefined && result.prediction) {
    text += result.label === result.prediction.digit
      ? c.green(` · labelled ${result.label} ✓`)
      : c.red(` · labelled ${result.label} ✗`);
  }
  return text;
}

const GAP = 2;
/** The guess panel needs the big digit and bars at least this wide. */
const PANEL_MIN = 26;

/** The pictures and the guess, side by side, sized to the room there is. */
function renderResult(
  result: ImageResult,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  // Double size when the terminal is big enough (e.g. 160x50): 56 columns by 28 rows each.
  const zoom = width >= 56 * 2 + 2 * GAP + PANEL_MIN && height >= 28 + 3 ? 2 : 1;
  const networkWidth = 28 * zoom;
  const previewWidth = Math.max(8, Math.min(28 * zoom, width - networkWidth - PANEL_MIN - 2 * GAP));
  const previewRows = 14 * zoom;
  if (result.number) return renderNumber(result, result.number, width, height, zoom, color);
  // A file that could not be read (a text file named .png): its line above says why; an empty
  // "Network input" box and the same error again beside it would say nothing more.
  if (!result.preview && !result.normalized && result.error) return [];
  const blocks: string[][] = [];
  if (result.preview) {
    const fitted = fitImage(result.preview, previewWidth, 2 * previewRows);
    // A small image (a 28x28 file) is shown at the size of the network's view, pixels crisp.
    const factor = Math.max(
      1,
      Math.floor(Math.min(previewWidth / fitted.width, (2 * previewRows) / fitted.height)),
    );
    const pixels = scaleUp(fitted.luminance, fitted.width, fitted.height, factor);
    // Without color, characters mean ink: dark strokes on light paper should look dark.
    const shown = color === "none" ? pixels.map((v) => 1 - v) : pixels;
    blocks.push(["The image", ...renderBlockArt(shown, { width: fitted.width * factor, color })]);
  }
  const seen = result.normalized ?? new Float32Array(784);
  blocks.push([
    "Network input",
    ...renderBlockArt(scaleUp(seen, 28, 28, zoom), { width: 28 * zoom, color }),
  ]);
  const left = joinColumns(blocks, GAP);
  const panelWidth = Math.max(PANEL_MIN, width - Math.max(...left.map(visibleWidth)) - GAP);
  let panel: string[];
  if (result.prediction) {
    const p = result.prediction;
    // 18 rows with its title and a blank line; at 80x24 beside a two-line file line, 17: all
    // ten bars stay on screen.
    panel = [
      ...(height > 18 ? ["Guess"] : []),
      ...renderBigDigit(p.digit, { color, tint: guessTint(p) }),
      ...(height > 17 ? [""] : []),
      ...renderConfidenceBars(p.probabilities, { width: Math.min(panelWidth, 50), color }),
    ];
    const leftWidth = Math.max(...left.map(visibleWidth));
    const caption = captionLines(p, leftWidth, color);
    // How much it looks like a digit at all, under the caption where the screen has room.
    const share = digitShareLines(p, leftWidth, color);
    const fits = left.length + 1 + caption.length + share.length <= height;
    left.push("", ...caption, ...(fits ? share : []));
  } else if (result.notDigit) {
    panel = [
      c.yellow.bold("Doesn't look like a digit"),
      ...wrapText(result.notDigit, panelWidth).map((line) => c.dim(line)),
    ];
  } else {
    panel = ["No guess:", c.red(result.error ?? "no digit found")];
    if (result.error === "no digit found") {
      panel.push("", "Nothing stands out from", "the background enough", "to be a digit.");
    }
  }
  return joinColumns([left, panel], GAP);
}

/** Rows a digit's crop takes: its label, then 28x28 pixels as 14 rows of half blocks. */
const CROP_ROWS = 15;
/** The boxed image beside the crops is at least this wide (else fewer crops are shown). */
const SIDE_IMAGE_MIN = 20;

/**
 * Number mode: the number, each digit's 28x28 as the network saw it with its guess and
 * confidence (as many as fit the width, always whole), and the image with each digit's box
 * drawn on it: above the crops when the height allows, else beside them (80x24).
 */
function renderNumber(
  result: ImageResult,
  number: { text: string; digits: NumberDigitResult[] },
  width: number,
  height: number,
  zoom: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const guesses = number.digits.map((d) =>
    `${d.prediction.digit} (${percent(d.prediction.confidence, 1)})`
  );
  // "Number: 2019 · 2 (99.1%) · 0 (98.0%) · …", the guesses on lines of their own when too long.
  const numberLine = `Number: ${c.bold(number.text)}`;
  const guessText = guesses.join(" · ");
  const summary = visibleWidth(numberLine) + 3 + guessText.length <= width
    ? [numberLine + c.dim(" · " + guessText)]
    : [numberLine, ...wrapText(guessText, width).map((line) => c.dim(line))];
  const perCrop = 28 + GAP;
  let fit = Math.max(1, Math.floor((width + GAP) / perCrop));
  const image = result.preview && result.width !== undefined
    ? { preview: result.preview, width: result.width }
    : undefined;
  // Above the crops: the rows left once the summary, the crops and the image's title are placed.
  const rowsAbove = Math.min(14 * zoom, height - summary.length - CROP_ROWS - 2);
  const above = image !== undefined && rowsAbove >= 6;
  if (image && !above) {
    while (fit > 1 && width - fit * perCrop < SIDE_IMAGE_MIN) fit--;
  }
  const crops = number.digits.slice(0, fit).map((d, i) => [
    guesses[i],
    ...renderBlockArt(d.normalized, { width: 28, color }),
  ]);
  const more = number.digits.length > fit
    ? [c.dim(`… and ${number.digits.length - fit} more`)]
    : [];
  if (!image) return [...summary, ...joinColumns(crops, GAP), ...more];
  if (above) {
    const boxed = boxedImage(image, number, Math.min(width, 80 * zoom), rowsAbove, color);
    return [...boxed, "", ...summary, ...joinColumns(crops, GAP), ...more];
  }
  const sideWidth = Math.max(8, width - fit * perCrop);
  const sideRows = Math.max(2, height - summary.length - 1);
  const boxed = boxedImage(image, number, sideWidth, sideRows, color);
  return [...summary, ...joinColumns([boxed, ...crops], GAP), ...more];
}

/**
 * The image (`width`: its original width, the boxes' unit) fitted into `maxWidth` x `maxRows`
 * cells under a title, each digit's box drawn on it.
 */
function boxedImage(
  image: { preview: GrayImage; width: number },
  number: { digits: NumberDigitResult[] },
  maxWidth: number,
  maxRows: number,
  color: ColorLevel,
): string[] {
  const fitted = fitImage(image.preview, maxWidth, 2 * maxRows);
  const factor = Math.max(
    1,
    Math.floor(Math.min(maxWidth / fitted.width, (2 * maxRows) / fitted.height)),
  );
  const shownWidth = fitted.width * factor, shownHeight = fitted.height * factor;
  const pixels = scaleUp(fitted.luminance, fitted.width, fitted.height, factor);
  const shown = color === "none" ? pixels.map((v) => 1 - v) : pixels;
  // The boxes in the ink's opposite tone: mid-gray would vanish on a gray photo.
  const scale = shownWidth / image.width;
  for (const { box } of number.digits) {
    // One pixel outside the ink, so a thin 1 is not hidden under its own box.
    const x0 = Math.max(0, Math.floor(box[0] * scale) - 1);
    const y0 = Math.max(0, Math.floor(box[1] * scale) - 1);
    const x1 = Math.min(shownWidth - 1, Math.ceil((box[0] + box[2]) * scale));
    const y1 = Math.min(shownHeight - 1, Math.ceil((box[1] + box[3]) * scale));
    for (let x = x0; x <= x1; x++) {
      for (const y of [y0, y1]) shown[y * shownWidth + x] = boxTone(shown[y * shownWidth + x]);
    }
    for (let y = y0; y <= y1; y++) {
      for (const x of [x0, x1]) shown[y * shownWidth + x] = boxTone(shown[y * shownWidth + x]);
    }
  }
  const title = maxWidth >= 27 ? "The image, each digit boxed" : "Each digit boxed";
  return [title, ...renderBlockArt(shown, { width: shownWidth, color })];
}

function boxTone(value: number): number {
  return value > 0.5 ? 0 : 1;
}

/** A [height x width] image with every pixel repeated `factor` x `factor` times (crisp). */
function scaleUp(
  pixels: Float32Array,
  width: number,
  height: number,
  factor: number,
): Float32Array {
  if (factor === 1) return pixels;
  const bigWidth = width * factor;
  const out = new Float32Array(bigWidth * height * factor);
  for (let y = 0; y < height * factor; y++) {
    const row = Math.floor(y / factor) * width;
    for (let x = 0; x < bigWidth; x++) out[y * bigWidth + x] = pixels[row + Math.floor(x / factor)];
  }
  return out;
}
