/**
 * Grayscale morphology and smoothing on [height x width] float grids with square windows,
 * each separable and O(1) per pixel whatever the window size (backgrounds need windows of
 * hundreds of pixels).
 */

/**
 * Maximum over a (2r+1) x (2r+1) window (grayscale dilation), clipped at the edges.
 *
 * @example
 * ```ts
 * const dilated = maxFilter(pixels, width, height, 3);
 * ```
 */
export function maxFilter(pixels: Float32Array, width: number, height: number, radius: number) {
  return separable(
    pixels,
    width,
    height,
    radius,
    (line, out, r) => slidingExtreme(line, out, r, 1),
  );
}

/**
 * Minimum over a (2r+1) x (2r+1) window (grayscale erosion), clipped at the edges.
 *
 * @example
 * ```ts
 * const eroded = minFilter(pixels, width, height, 3);
 * ```
 */
export function minFilter(pixels: Float32Array, width: number, height: number, radius: number) {
  return separable(
    pixels,
    width,
    height,
    radius,
    (line, out, r) => slidingExtreme(line, out, r, -1),
  );
}

/**
 * Mean over a (2r+1) x (2r+1) window; near the edges, the mean of the part inside the grid.
 *
 * @example
 * ```ts
 * const smooth = boxBlur(pixels, width, height, 10);
 * ```
 */
export function boxBlur(pixels: Float32Array, width: number, height: number, radius: number) {
  return separable(pixels, width, height, radius, slidingMean);
}

type LineFilter = (line: Float32Array, out: Float32Array, radius: number) => void;

function separable(
  pixels: Float32Array,
  width: number,
  height: number,
  radius: number,
  filter: LineFilter,
): Float32Array {
  const r = Math.max(0, Math.round(radius));
  const horizontal = new Float32Array(pixels.length);
  const line = new Float32Array(Math.max(width, height));
  const out = new Float32Array(Math.max(width, height));
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    filter(row, horizontal.subarray(y * width, (y + 1) * width), r);
  }
  const result = new Float32Array(pixels.length);
  const column = line.subarray(0, height);
  const columnOut = out.subarray(0, height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) column[y] = horizontal[y * width + x];
    filter(column, columnOut, r);
    for (let y = 0; y < height; y++) result[y * width + x] = columnOut[y];
  }
  return result;
}

/** Running max (sign 1) or min (sign -1) with a monotonic queue of indices. */
function slidingExtreme(line: Float32Array, out: Float32Array, r: number, sign: number) {
  const n = line.length;
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  let next = 0; // next index to enter the window
  for (let i = 0; i < n; i++) {
    const last = Math.min(n - 1, i + r);
    for (; next <= last; next++) {
      const v = line[next] * sign;
      while (tail > head && line[queue[tail - 1]] * sign <= v) tail--;
      queue[tail++] = next;
    }
    while (queue[head] < i - r) head++;
    out[i] = line[queue[head]];
  }
}

function slidingMean(line: Float32Array, out: Float32Array, r: number) {
  const n = line.length;
  let sum = 0;
  let lo = 0, hi = -1; // current window [lo, hi]
  for (let i = 0; i < n; i++) {
    const wantHi = Math.min(n - 1, i + r);
    while (hi < wantHi) sum += line[++hi];
    const wantLo = Math.max(0, i - r);
    while (lo < wantLo) sum -= line[lo++];
    out[i] = sum / (hi - lo + 1);
  }
}
