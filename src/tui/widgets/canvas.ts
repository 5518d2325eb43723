/**
 * The drawing canvas of the Draw screen, with no terminal in it: strokes of a soft round brush
 * on a grid four times finer than MNIST's 28x28, so that a digit drawn at any size keeps
 * smooth edges when `normalizeDigit` scales it into its 20x20 box.
 */
import { type GrayImage, grayImage, resize } from "../../image/mod.ts";

/** Canvas side in canvas units (= internal pixels): 4 per MNIST pixel. */
export const CANVAS_SIDE = 112;

// The brush is solid out to BRUSH_CORE and fades to nothing at BRUSH_EDGE (canvas units), so a
// stroke is about 2.5 MNIST pixels wide with a soft rim, like the pen strokes in MNIST (whose
// median width after normalizing is 2.5 pixels when the digit fills the canvas).
const BRUSH_CORE = 3.5;
const BRUSH_EDGE = 6.5;
// Stamps along a stroke are this far apart (canvas units): under a quarter of the brush, so
// the edge of a fast stroke shows no scallops.
const STAMP_SPACING = 0.75;
const UNDO_DEPTH = 20;
// The eraser is twice the pen's size, so rubbing along a line takes its soft rim away too.
const ERASER_SCALE = 2;

/** A point on the canvas in canvas units (0..CANVAS_SIDE, fractions allowed). */
export interface CanvasPoint {
  x: number;
  y: number;
}

/**
 * A square ink canvas: `ink[y * CANVAS_SIDE + x]` in 0..1 (1 = full ink). Strokes are drawn
 * with `beginStroke` / `strokeTo` / `endStroke`; each stroke can be undone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeDigit } from "../../image/mod.ts";
 * import { DrawingCanvas } from "./canvas.ts";
 *
 * const canvas = new DrawingCanvas();
 * canvas.beginStroke({ x: 56, y: 20 });
 * canvas.strokeTo({ x: 56, y: 92 }); // a "1"
 * canvas.endStroke();
 * // Ink bright on dark, as the network wants it: normalizing finds the digit.
 * assert.equal(normalizeDigit(canvas.toImage()).found, true);
 * canvas.undo();
 * assert.equal(canvas.blank, true);
 * ```
 */
export class DrawingCanvas {
  /** Width in canvas units: CANVAS_SIDE for a digit, wider for a number written across. */
  readonly width: number;
  /** [CANVAS_SIDE x width] row-major. */
  readonly ink: Float32Array;
  /** Goes up on every change, so derived views (the guess) know when to recompute. */
  version = 0;
  #last: CanvasPoint | undefined;
  #erasing = false;
  #undo: Float32Array[] = [];

  constructor(width = CANVAS_SIDE) {
    this.width = width;
    this.ink = new Float32Array(width * CANVAS_SIDE);
  }

  /** True while a stroke is in progress. */
  get drawing(): boolean {
    return this.#last !== undefined;
  }

  /** True when nothing is drawn. */
  get blank(): boolean {
    for (let i = 0; i < this.ink.length; i++) if (this.ink[i] > 0) return false;
    return true;
  }

  /** Starts a stroke at `point` (a dot until it moves); `erase` rubs ink out instead. */
  beginStroke(point: CanvasPoint, erase = false): void {
    this.#undo.push(this.ink.slice());
    if (this.#undo.length > UNDO_DEPTH) this.#undo.shift();
    this.#erasing = erase;
    this.#last = point;
    this.#stamp(point);
    this.version++;
  }

  /** Continues the stroke in a straight line to `point` (starts one if none is in progress). */
  strokeTo(point: CanvasPoint): void {
    const from = this.#last;
    if (from === undefined) return this.beginStroke(point, this.#erasing);
    const steps = Math.ceil(Math.hypot(point.x - from.x, point.y - from.y) / STAMP_SPACING);
    for (let i = 1; i <= steps; i++) {
      const t = i / steps;
      this.#stamp({ x: from.x + (point.x - from.x) * t, y: from.y + (point.y - from.y) * t });
    }
    this.#last = point;
    this.version++;
  }

  /** Ends the stroke in progress. */
  endStroke(): void {
    this.#last = undefined;
  }

  /** Draws a whole polyline as one stroke (handy for tests and demos). */
  stroke(points: CanvasPoint[]): void {
    if (points.length === 0) return;
    this.beginStroke(points[0]);
    for (const point of points.slice(1)) this.strokeTo(point);
    this.endStroke();
  }

  /** Wipes the canvas (undoable). */
  clear(): void {
    this.endStroke();
    if (this.blank) return;
    this.#undo.push(this.ink.slice());
    this.ink.fill(0);
    this.version++;
  }

  /** Takes back the last stroke or clear; false when there is nothing to undo. */
  undo(): boolean {
    const previous = this.#undo.pop();
    if (previous === undefined) return false;
    this.endStroke();
    this.ink.set(previous);
    this.version++;
    return true;
  }

  /**
   * The canvas as an image for `normalizeDigit`: white ink on black, like a chalkboard
   * (normalizeDigit finds the polarity from the border, which is black paper here).
   */
  toImage(): GrayImage {
    return grayImage(this.width, CANVAS_SIDE, this.ink.slice());
  }

  /**
   * The ink area-averaged down to `across` x `side` pixels (for display): each output pixel is
   * the mean of the canvas area it covers, partial pixels weighted by overlap (src/image's
   * resampler, the one the normalizer uses).
   */
  downsample(side: number, across = side): Float32Array {
    return resize(this.ink, this.width, CANVAS_SIDE, across, side);
  }

  /**
   * A copy to change while this one stays as it is (the Draw screen's update never changes the
   * state it was given). Undo snapshots are shared: nothing writes to them once taken.
   */
  clone(): DrawingCanvas {
    const copy = new DrawingCanvas(this.width);
    copy.ink.set(this.ink);
    copy.version = this.version;
    copy.#last = this.#last;
    copy.#erasing = this.#erasing;
    copy.#undo = this.#undo.slice();
    return copy;
  }

  /** Presses the brush once at `point`: ink = max(ink, brush) (or min with 1 - brush). */
  #stamp(point: CanvasPoint): void {
    const scale = this.#erasing ? ERASER_SCALE : 1;
    const reach = BRUSH_EDGE * scale;
    const x0 = Math.max(0, Math.floor(point.x - reach));
    const x1 = Math.min(this.width - 1, Math.ceil(point.x + reach));
    const y0 = Math.max(0, Math.floor(point.y - reach));
    const y1 = Math.min(CANVAS_SIDE - 1, Math.ceil(point.y + reach));
    const ink = this.ink;
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - point.y;
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - point.x;
        const strength = brush(Math.sqrt(dx * dx + dy * dy) / scale);
        if (strength <= 0) continue;
        const i = y * this.width + x;
        if (this.#erasing) ink[i] = Math.min(ink[i], 1 - strength);
        else if (strength > ink[i]) ink[i] = strength;
      }
    }
  }
}

/** Brush strength at `distance` from its centre: 1 in the core, a smoothstep fade to the edge. */
function brush(distance: number): number {
  if (distance <= BRUSH_CORE) return 1;
  if (distance >= BRUSH_EDGE) return 0;
  const t = (BRUSH_EDGE - distance) / (BRUSH_EDGE - BRUSH_CORE);
  return t * t * (3 - 2 * t);
}
