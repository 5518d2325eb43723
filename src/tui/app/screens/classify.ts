/**
 * The Classify screen: type the path of an image (or a folder of them), see it as it is and
 * as the network sees it, with the guess and ten confidence bars. Folders are stepped through
 * image by image. Every problem (no such file, not an image, no digit) is shown in place.
 */
import { IMAGE_EXTENSIONS, labelFromPath, listImages } from "../../../image/image_files.ts";
import { UserError } from "../../../errors.ts";
import { decodeImageFile, type GrayImage, normalizeDigit } from "../../../image/mod.ts";
import type { Network } from "../../../network/network.ts";
import { type ColorLevel, paint } from "../../../text/color.ts";
import type { InputEvent } from "../../terminal/keys.ts";
import type { ScreenSize } from "../../terminal/screen.ts";
import { renderBigDigit } from "../../../text/big_digit.ts";
import { renderBlockArt } from "../../../text/block_art.ts";
import { renderConfidenceBars } from "../../../text/confidence_bars.ts";
import { joinColumns, truncate, visibleWidth } from "../../../text/layout.ts";
import type { AppContext, ScreenRunner } from "../context.ts";
import { bodyRows, errorLine, renderPage } from "../page.ts";
import { headerLines } from "./header.ts";
import { classifyPixels, confidenceCaption, type Prediction, sureness } from "./predict.ts";
import { editField, renderField, type TextField, textField } from "./text_input.ts";

/** What one image file gave: the picture, what the network saw, its guess, or what failed. */
export interface ImageResult {
  file: string;
  /** The image shrunk for display (luminance, 0 = black), when it could be decoded. */
  preview?: { pixels: Float32Array; width: number; height: number };
  /** The original size. */
  width?: number;
  height?: number;
  /** [28 x 28] what the network saw, when a digit was found. */
  normalized?: Float32Array;
  prediction?: Prediction;
  /** Why it could not be classified (one line). */
  error?: string;
  /** The digit the file name or folder says it is (`label7`, `7/x.png`). */
  label?: number;
}

/** Everything the Classify screen remembers. */
export interface ClassifyState {
  field: TextField;
  /** Where keys go: the path being typed, or stepping through a folder's images. */
  focus: "path" | "images";
  /** The path last opened and the images in it (one for a file). */
  opened?: string;
  files: string[];
  index: number;
  /** The result for `files[index]` (undefined while it loads). */
  result?: ImageResult;
  /** A problem with the path itself (not found, empty folder), shown under the field. */
  error?: string;
  /** A note for the status line (e.g. Tab completion's choices). */
  note?: string;
}

/** A fresh screen with `path` typed in (the last path used, so coming back is quick). */
export function newClassifyState(path = ""): ClassifyState {
  return { field: textField(path), focus: "path", files: [], index: 0 };
}

/** What the runner must do after a key. */
export type ClassifyAction =
  | { type: "leave" }
  | { type: "open"; path: string }
  | { type: "complete" }
  | { type: "show"; index: number };

/**
 * Applies a key to the state; returns the I/O the runner must do, if any. Enter opens the
 * typed path; Up/Down and PgUp/PgDn step through a folder's images anywhere, Left/Right too
 * once focus is on the images (Tab switches); Tab in the path completes it.
 */
export function handleClassifyKey(
  state: ClassifyState,
  event: InputEvent,
): ClassifyAction | undefined {
  if (event.type === "mouse") return undefined;
  if (event.key === "escape" || (event.ctrl && event.key === "c")) return { type: "leave" };
  const count = state.files.length;
  const step = (delta: number): ClassifyAction | undefined => {
    if (count < 2) return undefined;
    const index = Math.min(count - 1, Math.max(0, state.index + delta));
    return index === state.index ? undefined : { type: "show", index };
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
        state.focus = "path";
        state.note = undefined;
        return undefined;
      case "q":
        return { type: "leave" };
    }
    return undefined;
  }
  if (event.key === "enter") {
    const path = state.field.text.trim();
    if (path === "") {
      state.error = "type the path of a PNG or JPEG image, or of a folder of them";
      return undefined;
    }
    return { type: "open", path };
  }
  if (event.key === "tab") {
    if (count > 1 && state.opened === state.field.text.trim()) {
      state.focus = "images";
      return undefined;
    }
    return { type: "complete" };
  }
  const edited = editField(state.field, event);
  if (edited) {
    state.field = edited;
    state.note = undefined;
  }
  return undefined;
}

/**
 * Decodes, normalizes and classifies one file, like the `classify` command; a bad file or an
 * image without a digit comes back with `error` set instead of throwing.
 *
 * @example
 * ```ts
 * const result = await classifyImageFile("seven.png", model.network);
 * result.prediction?.digit; // 7
 * ```
 */
export async function classifyImageFile(file: string, network: Network): Promise<ImageResult> {
  const result: ImageResult = { file, label: labelFromPath(file) };
  let image: GrayImage;
  try {
    image = await decodeImageFile(file);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    result.error = error.message.startsWith(file + ": ")
      ? error.message.slice(file.length + 2)
      : error.message;
    return result;
  }
  result.width = image.width;
  result.height = image.height;
  result.preview = shrinkImage(image, 56, 56);
  const digit = normalizeDigit(image);
  if (!digit.found) {
    result.error = digit.reason ?? "no digit found";
    return result;
  }
  result.normalized = digit.pixels;
  result.prediction = classifyPixels(network, digit.pixels);
  return result;
}

/** Area-averages an image to fit `maxWidth` x `maxHeight` pixels, keeping its aspect ratio. */
export function shrinkImage(
  image: GrayImage,
  maxWidth: number,
  maxHeight: number,
): { pixels: Float32Array; width: number; height: number } {
  const scale = Math.max(1, image.width / maxWidth, image.height / maxHeight);
  const width = Math.max(1, Math.min(maxWidth, Math.round(image.width / scale)));
  const height = Math.max(1, Math.min(maxHeight, Math.round(image.height / scale)));
  const pixels = new Float32Array(width * height);
  const sx = image.width / width, sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) sum += image.luminance[yy * image.width + xx];
      }
      pixels[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return { pixels, width, height };
}

/**
 * What Tab does to a partly typed path, given the names in its folder: the longest common
 * continuation (plus "/" for a single folder), and the choices when there are several.
 *
 * @example
 * ```ts
 * completePath("ima", [{ name: "images", isDirectory: true }]); // { text: "images/", choices: [] }
 * ```
 */
export function completePath(
  text: string,
  entries: { name: string; isDirectory: boolean }[],
): { text: string; choices: string[] } {
  const slash = text.lastIndexOf("/");
  const folder = text.slice(0, slash + 1);
  const partial = text.slice(slash + 1);
  const matches = entries
    .filter((entry) => entry.name.startsWith(partial))
    .filter((entry) => !entry.name.startsWith(".") || partial.startsWith("."))
    .filter((entry) => entry.isDirectory || IMAGE_EXTENSIONS.test(entry.name))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  if (matches.length === 0) return { text, choices: [] };
  if (matches.length === 1) {
    const only = matches[0];
    return { text: folder + only.name + (only.isDirectory ? "/" : ""), choices: [] };
  }
  let common = matches[0].name;
  for (const entry of matches) {
    while (!entry.name.startsWith(common)) common = common.slice(0, -1);
  }
  return {
    text: folder + common,
    choices: matches.map((entry) => entry.name + (entry.isDirectory ? "/" : "")),
  };
}

/** The screen's key hints, for where the focus is. */
function footerFor(state: ClassifyState): string {
  const stepping = state.files.length > 1;
  if (state.focus === "images") {
    return "←/→ ↑/↓ image · PgUp/PgDn ±10 · Home/End · Tab: type a path · Esc back";
  }
  return "Enter open · Tab complete" + (stepping ? " / step images · ↑/↓ image" : "") +
    " · Ctrl-U clear · Esc back";
}

/** The whole Classify screen as lines, for a terminal of `size`. */
export function renderClassifyScreen(
  state: ClassifyState,
  size: ScreenSize,
  header: string[],
  color: ColorLevel,
): string[] {
  return renderPage(
    {
      header,
      title: "Classify an image",
      body: renderClassifyBody(state, size.columns, bodyRows(size, header.length), color),
      footer: footerFor(state),
    },
    size,
    color,
  );
}

/**
 * The body: the path field, a line about the file (or the error), then the image as it is,
 * the 28x28 the network saw, and the guess with its confidence bars.
 */
export function renderClassifyBody(
  state: ClassifyState,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const label = "Path: ";
  const fieldText = renderField(state.field, width - label.length, state.focus === "path", color);
  const lines = [(state.focus === "path" ? c.bold(label) : c.dim(label)) + fieldText];
  if (state.error) {
    lines.push(c.red(truncate(state.error, width, "…")));
  } else if (state.note) {
    lines.push(c.dim(truncate(state.note, width, "…")));
  } else if (state.files.length === 0) {
    lines.push(
      c.dim("Type the path of a PNG or JPEG image, or of a folder of them, and press Enter."),
    );
    return lines.map((line) => truncate(line, width, "…"));
  } else {
    lines.push(truncate(fileLine(state, color), width, "…"));
  }
  const result = state.result;
  if (!result || state.error) return lines;
  // The guess panel is 18 rows: a blank line above it only when there is room for one.
  if (height - lines.length > 18) lines.push("");
  lines.push(...renderResult(result, width, height - lines.length, color));
  return lines.map((line) => truncate(line, width));
}

/** "image 3 of 12: digits/7/a.png (640x480) · labelled 7 ✓". */
function fileLine(state: ClassifyState, color: ColorLevel): string {
  const c = paint(color);
  const result = state.result;
  const position = state.files.length > 1
    ? `image ${state.index + 1} of ${state.files.length}: `
    : "";
  // In a folder, the path field already says where: name the file from there.
  const folder = (state.opened ?? "").replace(/\/*$/, "/");
  const file = state.files[state.index];
  const name = state.files.length > 1 && file.startsWith(folder) ? file.slice(folder.length) : file;
  let text = position + c.bold(name);
  if (result?.width !== undefined) text += c.dim(` (${result.width}x${result.height})`);
  if (result?.error) text += c.red(` · ${result.error}`);
  if (result?.label !== undefined && result.prediction) {
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
  const blocks: string[][] = [];
  if (result.preview) {
    const fitted = fitPreview(result.preview, previewWidth, 2 * previewRows);
    // Without color, characters mean ink: dark strokes on light paper should look dark.
    const shown = color === "none" ? fitted.pixels.map((v) => 1 - v) : fitted.pixels;
    blocks.push(["The image", ...renderBlockArt(shown, { width: fitted.width, color })]);
  }
  const seen = result.normalized ?? new Float32Array(784);
  blocks.push([
    "Network input",
    ...renderBlockArt(zoom === 2 ? scaleUp(seen, 28, 2) : seen, { color }),
  ]);
  const left = joinColumns(blocks, GAP);
  const panelWidth = Math.max(PANEL_MIN, width - Math.max(...left.map(visibleWidth)) - GAP);
  let panel: string[];
  if (result.prediction) {
    const p = result.prediction;
    const sure = sureness(p.confidence);
    const tint = sure === "sure"
      ? "greenBright"
      : sure === "probably"
      ? "yellowBright"
      : "redBright";
    panel = [
      ...(height > 18 ? ["Guess"] : []),
      ...renderBigDigit(p.digit, { color, tint }),
      "",
      ...renderConfidenceBars(p.probabilities, { width: Math.min(panelWidth, 50), color }),
    ];
    const caption = confidenceCaption(p);
    left.push(
      "",
      sure === "sure"
        ? c.green.bold(caption)
        : sure === "probably"
        ? c.yellow.bold(caption)
        : c.red.bold(caption),
    );
  } else {
    panel = ["No guess:", c.red(result.error ?? "no digit found")];
    if (result.error === "no digit found") {
      panel.push("", "Nothing stands out from", "the background enough", "to be a digit.");
    }
  }
  return joinColumns([left, panel], GAP);
}

/** The preview shrunk further to fit `maxWidth` x `maxHeight` pixels. */
function fitPreview(
  preview: { pixels: Float32Array; width: number; height: number },
  maxWidth: number,
  maxHeight: number,
): { pixels: Float32Array; width: number } {
  if (preview.width <= maxWidth && preview.height <= maxHeight) return preview;
  const image = { width: preview.width, height: preview.height, luminance: preview.pixels };
  return shrinkImage(image, maxWidth, maxHeight);
}

/** A square image with every pixel repeated `factor` x `factor` times. */
function scaleUp(pixels: Float32Array, side: number, factor: number): Float32Array {
  const big = side * factor;
  const out = new Float32Array(big * big);
  for (let y = 0; y < big; y++) {
    for (let x = 0; x < big; x++) {
      out[y * big + x] = pixels[Math.floor(y / factor) * side + Math.floor(x / factor)];
    }
  }
  return out;
}

// The path typed last, so coming back to the screen starts where the user left off.
let lastPath = "";

/** Runs the Classify screen until Esc or Ctrl-C. */
export const runClassifyScreen: ScreenRunner = async (context: AppContext) => {
  const { screen, color } = context;
  const state = newClassifyState(lastPath);
  const cache = new Map<string, ImageResult>();
  const render = () => {
    const size = screen.size();
    screen.draw(renderClassifyScreen(state, size, headerLines(context, size.columns), color));
  };
  const show = async (index: number) => {
    state.index = index;
    const file = state.files[index];
    const network = context.model().network;
    let result = cache.get(file);
    if (!result) {
      state.result = undefined;
      state.note = `reading ${file}…`;
      render();
      try {
        result = await classifyImageFile(file, network);
      } catch (error) {
        result = { file, error: errorLine(error) };
      }
      cache.set(file, result);
      state.note = undefined;
    }
    state.result = result;
  };
  const stopResize = screen.onResize(render);
  try {
    render();
    for await (const event of screen.events()) {
      const action = handleClassifyKey(state, event);
      if (action?.type === "leave") break;
      if (action?.type === "open") {
        state.error = undefined;
        state.note = undefined;
        cache.clear(); // the file may have changed on disk, or the model
        try {
          state.files = await listImages(action.path);
          state.opened = action.path;
          lastPath = state.field.text;
          state.focus = state.files.length > 1 ? "images" : "path";
          await show(0);
        } catch (error) {
          state.files = [];
          state.result = undefined;
          state.error = errorLine(error);
        }
      } else if (action?.type === "show") {
        await show(action.index);
      } else if (action?.type === "complete") {
        const completed = await complete(state.field.text);
        state.field = textField(completed.text);
        state.note = completed.choices.length > 0 ? completed.choices.join("  ") : undefined;
      }
      render();
    }
  } finally {
    stopResize();
  }
};

/** Tab completion against the folder the typed path points into. */
async function complete(text: string): Promise<{ text: string; choices: string[] }> {
  const folder = text.slice(0, text.lastIndexOf("/") + 1) || ".";
  const entries: { name: string; isDirectory: boolean }[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      let isDirectory = entry.isDirectory;
      if (entry.isSymlink) {
        isDirectory = await Deno.stat(`${folder}/${entry.name}`).then(
          (s) => s.isDirectory,
          () => false,
        );
      }
      entries.push({ name: entry.name, isDirectory });
    }
  } catch {
    return { text, choices: [] };
  }
  return completePath(text, entries);
}

// TEMPORARY: replaced by the screen-loop version of this screen.
import { pendingScreen } from "./pending.ts";
import type { ScreenProgram as PendingProgram } from "../screen_loop.ts";
export function classifyScreen(_context: AppContext): PendingProgram<null, never, unknown> {
  return pendingScreen("classify");
}
