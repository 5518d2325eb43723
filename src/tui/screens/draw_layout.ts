/**
 * Where the Draw screen puts things on a terminal of a given size: the canvas as large as the
 * rows and columns allow (a digit's square, or the wide strip for a number), the panel beside
 * or under it, and which canvas point a mouse cell is.
 *
 * @module
 */
import type { ScreenSize } from "../terminal/screen.ts";
import type { Frame } from "../screen_loop.ts";
import { CANVAS_SIDE, type CanvasPoint } from "../widgets/canvas.ts";

/** Lines under the wide canvas: the number, each digit's guess, a blank, the help. */
export const NUMBER_PANEL_ROWS = 4;

/** The wide canvas holds this many digit canvases side by side. */
export const WIDE_FACTOR = 3;

/** Where things go on a terminal of a given size. */
export interface DrawLayout {
  size: ScreenSize;
  /** Rows between the page's title rule and its footer. */
  bodyHeight: number;
  /** Canvas height in display pixels, half as many rows (half blocks). */
  side: number;
  /** Canvas width in display pixels (columns): `side`, or three times it on the wide canvas. */
  across: number;
  /** Screen cell (0-based) of the canvas's top-left pixel pair, inside its border. */
  left: number;
  top: number;
  /** First column and width of the panel on the right. */
  panelLeft: number;
  panelWidth: number;
  /** False when the terminal is too small to draw anything useful. */
  fits: boolean;
}

export const PANEL_GAP = 2;
/**
 * Narrowest panel: the big digit (10) + a gap (3) + the half-size network view (14) need 27;
 * 32 keeps the longest caption ("Not sure: 7 (45.0%) or 1 (38.1%)") and the help lines whole.
 */
export const PANEL_MIN_WIDTH = 32;
const PANEL_MAX_WIDTH = 72;
/** A canvas smaller than this many pixels across is too coarse to draw on. */
export const MIN_SIDE = 24;

/**
 * Sizes the canvas as large as the page body allows beside a panel of at least 32 columns
 * (an even number of pixels, at most one per canvas unit): 36 at 80x24, 88 at 160x50 with
 * the menu's two header lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameOf } from "../screen_loop_testing.ts";
 * import { drawLayout } from "./draw_layout.ts";
 *
 * assert.equal(drawLayout(frameOf({ columns: 80, rows: 24 })).side, 36);
 * assert.equal(drawLayout(frameOf({ columns: 160, rows: 50 })).side, 88);
 * ```
 */
export function drawLayout(frame: Frame, wide = false): DrawLayout {
  const size = frame.terminal;
  const bodyHeight = frame.rows;
  if (wide) {
    // The number is read out under the canvas: rows for the box and NUMBER_PANEL_ROWS lines.
    let side = Math.min(
      2 * (bodyHeight - 2 - NUMBER_PANEL_ROWS),
      Math.floor((size.columns - 2) / WIDE_FACTOR),
      CANVAS_SIDE,
    );
    side -= side % 2;
    return {
      size,
      bodyHeight,
      side,
      across: side * WIDE_FACTOR,
      left: 1,
      top: frame.headerLines + 2,
      panelLeft: 1,
      panelWidth: size.columns - 1,
      fits: side >= MIN_SIDE,
    };
  }
  const byRows = 2 * (bodyHeight - 2);
  const byColumns = size.columns - 2 - PANEL_GAP - PANEL_MIN_WIDTH;
  let side = Math.min(byRows, byColumns, CANVAS_SIDE);
  side -= side % 2;
  const panelLeft = side + 2 + PANEL_GAP;
  return {
    size,
    bodyHeight,
    side,
    across: side,
    left: 1,
    // Header lines, the title rule, then the canvas's top border.
    top: frame.headerLines + 2,
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
  return column >= 0 && column < layout.across && row >= 0 && row < layout.side / 2;
}
