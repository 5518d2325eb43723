/**
 * Weight tiles in a grid: each tile a small image of signed values in the diverging scale
 * (see diverging.ts), its caption centered below, as many per row as the width allows.
 *
 * @module
 */
import type { ColorLevel } from "./color.ts";
import { sideBySide } from "./block_art.ts";
import { halveImage, renderDivergingMap } from "./diverging.ts";

/** Options for {@linkcode renderTileGrid}. */
export interface TileGridOptions {
  /** Pixels per tile row (28 for a first-layer dense unit, 5 for a conv filter). */
  tileWidth: number;
  /** Columns the grid may take. */
  width: number;
  color: ColorLevel;
  /** Draw each tile at half size (2x2 pixels averaged): 28x28 becomes 14 columns by 7 lines. */
  half?: boolean;
  /** Halve this many times instead (2: a quarter, 28x28 becomes 7 columns by 4 lines). */
  shrink?: number;
  /** Enlarge each pixel to zoom x zoom (small conv filters); default 1. */
  zoom?: number;
  /** One caption per tile. */
  captions?: string[];
  /** Columns between tiles (default 2). */
  gap?: number;
  /** One scale for all tiles (compare magnitudes) instead of each tile's own largest value. */
  scale?: number;
}

/**
 * The tiles laid out in rows; each tile is scaled to its own largest magnitude unless `scale`
 * is given, so the pattern of every unit shows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTileGrid } from "./tile_grid.ts";
 *
 * const a = new Float32Array([1, -1, 0, 0]);
 * const b = new Float32Array([0, 0, 1, 1]);
 * const lines = renderTileGrid([a, b], { tileWidth: 2, width: 20, color: "none", captions: ["#0", "#1"] });
 * assert.deepEqual(lines, ["█≡  ██", "#0  #1"]);
 * ```
 */
export function renderTileGrid(tiles: ArrayLike<number>[], options: TileGridOptions): string[] {
  const zoom = Math.max(1, options.zoom ?? 1);
  const blocks = tiles.map((tile) => {
    let values: ArrayLike<number> = tile;
    let width = options.tileWidth;
    for (let i = 0; i < (options.shrink ?? (options.half ? 1 : 0)); i++) {
      values = halveImage(values, width);
      width = Math.ceil(width / 2);
    }
    if (zoom > 1) {
      // each pixel becomes zoom x zoom (a half-block cell is about square)
      const height = Math.ceil(values.length / width);
      const big = new Float32Array(values.length * zoom * zoom);
      for (let y = 0; y < height * zoom; y++) {
        for (let x = 0; x < width * zoom; x++) {
          big[y * width * zoom + x] = values[Math.floor(y / zoom) * width + Math.floor(x / zoom)];
        }
      }
      values = big;
      width *= zoom;
    }
    return renderDivergingMap(values, { width, color: options.color, scale: options.scale });
  });
  return sideBySide(blocks, options.gap ?? 2, options.width, options.captions);
}
