/**
 * The Draw screen: draw a digit with the mouse or the keyboard and watch the network's guess
 * change with every stroke. The drawing goes through `normalizeDigit`, like any image file.
 */
import { normalizeDigit } from "../../../image/mod.ts";
import type { Network } from "../../../network/network.ts";
import { type ColorLevel, graySgr, paint } from "../../../text/color.ts";
import type { InputEvent } from "../../terminal/keys.ts";
import type { ScreenSize } from "../../terminal/screen.ts";
import { renderBigDigit } from "../../../text/big_digit.ts";
import { renderBlockArt } from "../../../text/block_art.ts";
import { renderConfidenceBars } from "../../../text/confidence_bars.ts";
import { fitWidth, joinColumns, truncate } from "../../../text/layout.ts";
import type { AppContext, ScreenRunner } from "../context.ts";
import { CANVAS_SIDE, type CanvasPoint, DrawingCanvas } from "./canvas.ts";
import { headerLines } from "./header.ts";
import { bodyRows, renderPage } from "../page.ts";
import { classifyPixels, confidenceCaption, type Prediction, sureness } from "./predict.ts";

/** Everything the Draw screen remembers between events. */
export interface DrawState {
  canvas: DrawingCanvas;
  /** The keyboard cursor, in canvas units. */
  cursor: CanvasPoint;
  /** The keyboard pen is down: moving the cursor draws. */
  penDown: boolean;
  /** Show the cursor (after the keyboard was used; hidden again by the mouse). */
  showCursor: boolean;
}

/** A fresh, blank Draw screen with the cursor in the middle. */
export function newDrawState(): DrawState {
  const middle = CANVAS_SIDE / 2;
  return {
    canvas: new DrawingCanvas(),
    cursor: { x: middle, y: middle },
    penDown: false,
    showCursor: false,
  };
}

/** What the network made of the canvas at one `version`. */
export interface CanvasAnalysis {
  version: number;
  network: Network;
  blank: boolean;
  /** False when the canvas has ink but normalizeDigit found no digit in it. */
  found: boolean;
  reason?: string;
  /** [28 x 28] what the network saw (all zeros when nothing was found). */
  pixels: Float32Array;
  prediction?: Prediction;
}

/**
 * Normalizes the canvas like an image file (`normalizeDigit`) and asks the network.
 *
 * @example
 * ```ts
 * const { prediction } = analyzeCanvas(state.canvas, context.model().network);
 * ```
 */
export function analyzeCanvas(canvas: DrawingCanvas, network: Network): CanvasAnalysis {
  const base = { version: canvas.version, network };
  if (canvas.blank) {
    return { ...base, blank: true, found: false, pixels: new Float32Array(28 * 28) };
  }
  const digit = normalizeDigit(canvas.toImage());
  if (!digit.found) {
    return { ...base, blank: false, found: false, reason: digit.reason, pixels: digit.pixels };
  }
  const prediction = classifyPixels(network, digit.pixels);
  return { ...base, blank: false, found: true, pixels: digit.pixels, prediction };
}

/** Where things go on a terminal of a given size. */
export interface DrawLayout {
  size: ScreenSize;
  /** Rows between the page's title rule and its footer. */
  bodyHeight: number;
  /** Canvas side in display pixels: that many columns, half as many rows (half blocks). */
  side: number;
  /** Screen cell (0-based) of the canvas's top-left pixel pair, inside its border. */
  left: number;
  top: number;
  /** First column and width of the panel on the right. */
  panelLeft: number;
  panelWidth: number;
  /** False when the terminal is too small to draw anything useful. */
  fits: boolean;
}

const PANEL_GAP = 2;
/** Narrowest panel: the big digit (10) + a gap (3) + the half-size network view (14). */
const PANEL_MIN_WIDTH = 27;
const PANEL_MAX_WIDTH = 72;
/** A canvas smaller than this many pixels across is too coarse to draw on. */
const MIN_SIDE = 24;

/**
 * Sizes the canvas as large as the page body allows beside a panel of at least 27 columns
 * (an even number of pixels, at most one per canvas unit): 36 at 80x24, 88 at 160x50 with
 * the menu's two header lines.
 *
 * @example
 * ```ts
 * drawLayout({ columns: 80, rows: 24 }, 2).side; // 36
 * ```
 */
export function drawLayout(size: ScreenSize, headerCount: number): DrawLayout {
  const bodyHeight = bodyRows(size, headerCount);
  const byRows = 2 * (bodyHeight - 2);
  const byColumns = size.columns - 2 - PANEL_GAP - PANEL_MIN_WIDTH;
  let side = Math.min(byRows, byColumns, CANVAS_SIDE);
  side -= side % 2;
  const panelLeft = side + 2 + PANEL_GAP;
  return {
    size,
    bodyHeight,
    side,
    left: 1,
    // Header lines, the title rule, then the canvas's top border.
    top: headerCount + 2,
    panelLeft,
    panelWidth: Math.min(PANEL_MAX_WIDTH, size.columns - panelLeft),
    fits: side >= MIN_SIDE,
  };
}

/** The canvas point under screen cell (x, y), which may lie outside the canvas. */
export function cellToCanvas(layout: DrawLayout, x: number, y: number): CanvasPoint {
  const unit = CANVAS_SIDE / layout.side; // canvas units per display pixel
  return { x: (x - layout.left + 0.5) * unit, y: (2 * (y - layout.top) + 1) * unit };
}

/** True when screen cell (x, y) is on the canvas. */
export function cellOnCanvas(layout: DrawLayout, x: number, y: number): boolean {
  const column = x - layout.left, row = y - layout.top;
  return column >= 0 && column < layout.side && row >= 0 && row < layout.side / 2;
}

/**
 * Applies one key or mouse event to the state. Returns "leave" for Esc, Ctrl-C and q.
 *
 * Mouse: left button draws, right button erases, press-drag-release. Keyboard: arrows move the
 * cursor one cell, space (or Enter) puts the pen down or lifts it, u undoes, c clears.
 */
export function handleDrawEvent(
  state: DrawState,
  event: InputEvent,
  layout: DrawLayout,
): "leave" | undefined {
  const { canvas } = state;
  if (event.type === "mouse") {
    if (!layout.fits) return;
    const point = cellToCanvas(layout, event.x, event.y);
    if (event.action === "press" && event.button !== "middle") {
      if (!cellOnCanvas(layout, event.x, event.y)) return;
      state.penDown = false;
      state.showCursor = false;
      canvas.beginStroke(point, event.button === "right");
      state.cursor = clampToCanvas(point);
    } else if (event.action === "drag" && canvas.drawing) {
      canvas.strokeTo(point);
      state.cursor = clampToCanvas(point);
    } else if (event.action === "release") {
      canvas.endStroke();
    }
    return;
  }
  if (event.key === "escape" || (event.ctrl && event.key === "c") || event.key === "q") {
    return "leave";
  }
  const unit = CANVAS_SIDE / Math.max(1, layout.side);
  const moves: Record<string, [number, number]> = {
    left: [-unit, 0],
    right: [unit, 0],
    up: [0, -2 * unit],
    down: [0, 2 * unit],
  };
  const move = moves[event.key];
  if (move) {
    state.showCursor = true;
    state.cursor = clampToCanvas({ x: state.cursor.x + move[0], y: state.cursor.y + move[1] });
    if (state.penDown) canvas.strokeTo(state.cursor);
  } else if (event.key === " " || event.key === "enter") {
    state.showCursor = true;
    state.penDown = !state.penDown;
    if (state.penDown) canvas.beginStroke(state.cursor);
    else canvas.endStroke();
  } else if (event.key === "c" || event.key === "delete") {
    canvas.clear();
    state.penDown = false;
  } else if (event.key === "u" || event.key === "backspace") {
    canvas.undo();
    state.penDown = false;
  }
}

function clampToCanvas(point: CanvasPoint): CanvasPoint {
  const clamp = (v: number) => Math.min(CANVAS_SIDE - 0.5, Math.max(0.5, v));
  return { x: clamp(point.x), y: clamp(point.y) };
}

const HELP = "mouse: draw (right: erase) · arrows+space: pen · u undo · c clear · Esc back";

/**
 * The Draw screen's body as lines: the framed canvas on the left, the guess (big digit, what
 * the network saw, a caption, ten confidence bars) on the right.
 */
export function renderDrawBody(
  state: DrawState,
  analysis: CanvasAnalysis,
  layout: DrawLayout,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  if (!layout.fits) {
    return [c.yellow("The terminal is too small to draw in (it needs about 60x20).")];
  }
  const canvas = renderCanvasBox(state, layout, color);
  const panel = renderGuessPanel(analysis, layout.panelWidth, layout.bodyHeight, color);
  const lines: string[] = [];
  const leftWidth = layout.side + 2;
  for (let row = 0; row < layout.bodyHeight; row++) {
    const left = fitWidth(canvas[row] ?? "", leftWidth);
    lines.push(left + " ".repeat(PANEL_GAP) + (panel[row] ?? ""));
  }
  return lines;
}

/** The whole screen: the app's header and frame around {@linkcode renderDrawBody}. */
export function renderDrawScreen(
  state: DrawState,
  analysis: CanvasAnalysis,
  layout: DrawLayout,
  header: string[],
  color: ColorLevel,
): string[] {
  return renderPage(
    {
      header,
      title: "Draw a digit",
      body: renderDrawBody(state, analysis, layout, color),
      footer: HELP,
    },
    layout.size,
    color,
  );
}

/** The canvas in a border, the cursor drawn when the keyboard is in use. */
function renderCanvasBox(state: DrawState, layout: DrawLayout, color: ColorLevel): string[] {
  const c = paint(color);
  const side = layout.side;
  const title = state.penDown ? " Canvas · pen down " : " Canvas ";
  const top = "┌─" + title + "─".repeat(Math.max(0, side - 1 - title.length)) + "┐";
  const pixels = state.canvas.downsample(side);
  const unit = CANVAS_SIDE / side;
  const cursor = state.showCursor
    ? {
      column: Math.min(side - 1, Math.floor(state.cursor.x / unit)),
      row: Math.min(side / 2 - 1, Math.floor(state.cursor.y / (2 * unit))),
      glyph: state.penDown ? "◆" : "◇",
    }
    : undefined;
  const body = renderCanvasPixels(pixels, side, cursor, color);
  return [
    c.dim(state.penDown ? top.replace(title, c.yellow(title)) : top),
    ...body.map((line) => c.dim("│") + line + c.dim("│")),
    c.dim("└" + "─".repeat(side) + "┘"),
  ];
}

// The canvas is a touch lighter than black, so its extent shows on a black terminal.
const CANVAS_FLOOR = 0.1;
const CURSOR_SGR: Record<ColorLevel, string> = {
  none: "",
  "256": "\x1b[38;5;214m",
  truecolor: "\x1b[38;2;255;175;0m",
};
// For terminals without color: the brighter pixel of each cell, dark to light.
const RAMP = " .:-=+*#%@";

/**
 * Draws `side` x `side` ink pixels two rows per line with `▀` (upper pixel as foreground,
 * lower as background), like renderBlockArt, plus an optional cursor glyph in one cell.
 */
export function renderCanvasPixels(
  pixels: Float32Array,
  side: number,
  cursor: { column: number; row: number; glyph: string } | undefined,
  color: ColorLevel,
): string[] {
  const lines: string[] = [];
  const shade = (v: number) => CANVAS_FLOOR + (1 - CANVAS_FLOOR) * v;
  for (let row = 0; row < side / 2; row++) {
    const upperRow = 2 * row * side, lowerRow = (2 * row + 1) * side;
    let line = "";
    let fg = "";
    let bg = "";
    for (let x = 0; x < side; x++) {
      const upper = pixels[upperRow + x], lower = pixels[lowerRow + x];
      const isCursor = cursor !== undefined && cursor.row === row && cursor.column === x;
      if (color === "none") {
        line += isCursor ? cursor.glyph : RAMP[Math.round(Math.min(1, Math.max(upper, lower)) * 9)];
        continue;
      }
      const nextBg = graySgr(color, shade(isCursor ? (upper + lower) / 2 : lower), "bg");
      const nextFg = isCursor ? CURSOR_SGR[color] : graySgr(color, shade(upper), "fg");
      if (nextFg !== fg) line += fg = nextFg;
      if (nextBg !== bg) line += bg = nextBg;
      line += isCursor ? cursor.glyph : "▀";
    }
    if (color !== "none") line += "\x1b[39;49m";
    lines.push(line);
  }
  return lines;
}

/** The right-hand panel: the guess, or how to start when the canvas is blank. */
function renderGuessPanel(
  analysis: CanvasAnalysis,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  if (analysis.blank) {
    return [
      c.bold("Draw a digit"),
      "",
      "Drag with the left mouse button on",
      "the canvas (the right button erases),",
      "or move with the arrow keys and press",
      "space to put the pen down or lift it.",
      "",
      "The network guesses as you draw.",
    ].map((line) => truncate(line, width, "…"));
  }
  if (!analysis.found || !analysis.prediction) {
    return [
      c.bold("Guess"),
      "",
      c.yellow(`${analysis.reason ?? "no digit found"}:`),
      "draw it bigger or bolder.",
    ];
  }
  const prediction = analysis.prediction;
  const sure = sureness(prediction.confidence);
  const tint = sure === "sure" ? "greenBright" : sure === "probably" ? "yellowBright" : "redBright";
  const big = ["Guess", ...renderBigDigit(prediction.digit, { color, tint })];
  // The network's 28x28 input: full size when the panel has room, else every other pixel.
  const bars = renderConfidenceBars(prediction.probabilities, {
    width: Math.min(width, 50),
    color,
  });
  const fullView = width >= 10 + 3 + 28 && height >= 15 + 2 + bars.length;
  const view = fullView
    ? ["Network input 28x28", ...renderBlockArt(analysis.pixels, { color })]
    : ["Input ½", ...renderBlockArt(halve(analysis.pixels, 28), { color })];
  const top = joinColumns([big, view], 3).map((line) => truncate(line, width));
  const captionText = confidenceCaption(prediction);
  const caption = sure === "sure"
    ? c.green.bold(captionText)
    : sure === "probably"
    ? c.yellow.bold(captionText)
    : c.red.bold(captionText);
  const roomy = height >= top.length + 3 + bars.length;
  return [
    ...top,
    ...(roomy ? [""] : []),
    truncate(caption, width, "…"),
    "",
    ...bars,
  ];
}

/** A square image at half the side: each pixel the mean of a 2x2 block. */
function halve(pixels: Float32Array, side: number): Float32Array {
  const half = side / 2;
  const out = new Float32Array(half * half);
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      const i = 2 * y * side + 2 * x;
      out[y * half + x] = (pixels[i] + pixels[i + 1] + pixels[i + side] + pixels[i + side + 1]) / 4;
    }
  }
  return out;
}

/**
 * Runs the Draw screen until Esc or Ctrl-C. Turns mouse reporting on while it runs and off
 * when it leaves; recomputes the guess only when the canvas (or the model) changed.
 */
export const runDrawScreen: ScreenRunner = async (context: AppContext) => {
  const { screen, color } = context;
  const state = newDrawState();
  let analysis: CanvasAnalysis | undefined;
  const render = () => {
    const size = screen.size();
    const header = headerLines(context, size.columns);
    const layout = drawLayout(size, header.length);
    const model = context.model();
    if (analysis?.version !== state.canvas.version || analysis.network !== model.network) {
      analysis = analyzeCanvas(state.canvas, model.network);
    }
    screen.draw(renderDrawScreen(state, analysis, layout, header, color));
  };
  screen.setMouse(true);
  const stopResize = screen.onResize(render);
  try {
    render();
    for await (const event of screen.events()) {
      const size = screen.size();
      const layout = drawLayout(size, headerLines(context, size.columns).length);
      if (handleDrawEvent(state, event, layout) === "leave") break;
      render();
    }
  } finally {
    stopResize();
    screen.setMouse(false);
  }
};

// TEMPORARY: replaced by the screen-loop version of this screen.
import { pendingScreen } from "./pending.ts";
import type { ScreenProgram as PendingProgram } from "../screen_loop.ts";
export function drawScreen(_context: AppContext): PendingProgram<null, never, unknown> {
  return pendingScreen("draw");
}
