/**
 * Normalized images that are a digit's plain form: a lone stroke (a 1) or a round ring (a 0).
 * Whatever kind of negative comes out of the normalizer so is dropped: taught as "not a digit",
 * it would cost real 1s and 0s.
 */
import { IMAGE_PIXELS, IMAGE_SIDE } from "../data/dataset.ts";

/**
 * A normalized image whose ink is one thin upright or slanted band: a 1, or close enough that
 * teaching it as "not a digit" would cost real 1s (one stripe of a texture, a thin half of a
 * digit, an icon that is one bar). Measured by the ink's second moments: the spread across
 * its main axis under MAX_ONE_THICKNESS of the spread along it, the axis within 45 degrees of
 * upright. A flat dash is no 1 and stays.
 */
export function looksLikeOne(pixels: Float32Array): boolean {
  let mass = 0, mx = 0, my = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = pixels[i];
    mass += v, mx += v * (i % IMAGE_SIDE), my += v * Math.floor(i / IMAGE_SIDE);
  }
  if (mass === 0) return false;
  mx /= mass, my /= mass;
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = pixels[i], dx = (i % IMAGE_SIDE) - mx, dy = Math.floor(i / IMAGE_SIDE) - my;
    xx += v * dx * dx, yy += v * dy * dy, xy += v * dx * dy;
  }
  // Eigenvalues of the covariance [xx xy; xy yy]: the spread along and across the main axis.
  const mean = (xx + yy) / 2, root = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  const along = mean + root, across = Math.max(0, mean - root);
  return Math.sqrt(across / along) < MAX_ONE_THICKNESS && yy >= xx;
}

/** Spread across over spread along (standard deviations) below which ink is one stroke. */
const MAX_ONE_THICKNESS = 0.3;

/**
 * A normalized image whose ink is one plain round ring: a 0 (a circle icon whose small details
 * the normalizer dropped as specks, a face without its eyes). The ink (over 0.5) encloses
 * exactly one hole of at least MIN_ZERO_HOLE of its box, round (MIN_ZERO_ROUNDNESS), and
 * nearly every ink pixel lies within RING_REACH pixels of both the hole and the outside:
 * nothing inside, nothing sticking out (a 6's or 9's tail, a check mark inside a circle).
 * Triangles, hearts and stars are rings too, but not round, and stay negatives. Checked on the
 * 8,000 training digits of the offline sample: it takes 401 of 801 zeros (the others are open,
 * lopsided or have a tail), 2 of 782 nines and none of the other digits.
 */
export function looksLikeZero(pixels: Float32Array): boolean {
  const side = IMAGE_SIDE;
  // Paper reached from the border is outside (1); the rest of the paper is holes (2).
  const region = new Uint8Array(IMAGE_PIXELS);
  const stack: number[] = [];
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const x = i % side, y = Math.floor(i / side);
    if ((x === 0 || y === 0 || x === side - 1 || y === side - 1) && pixels[i] <= 0.5) {
      region[i] = 1, stack.push(i);
    }
  }
  spread(pixels, region, stack, 1);
  let holes = 0, holeArea = 0;
  let x0 = side, x1 = -1, y0 = side, y1 = -1;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    if (pixels[i] > 0.5) {
      const x = i % side, y = Math.floor(i / side);
      x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    } else if (region[i] === 0) {
      holes++;
      region[i] = 2, stack.push(i);
      holeArea += 1 + spread(pixels, region, stack, 2);
    }
  }
  if (holes !== 1 || holeArea < MIN_ZERO_HOLE * (x1 - x0 + 1) * (y1 - y0 + 1)) return false;
  let ink = 0, offRing = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    if (pixels[i] <= 0.5) continue;
    ink++;
    if (!near(region, i, 1) || !near(region, i, 2)) offRing++;
  }
  return offRing <= MAX_OFF_RING * ink && ellipseOverlap(region) >= MIN_ZERO_ROUNDNESS;
}

/** Overlap of the hole with its ellipse from which a ring is round enough for a 0. */
const MIN_ZERO_ROUNDNESS = 0.85;
/** Smallest hole, as a share of the ink's box, for a ring to be a 0. */
const MIN_ZERO_HOLE = 0.2;
/** Share of the ink that may lie off the ring (a pen's overshoot where the loop closes). */
const MAX_OFF_RING = 0.05;
/** How far (pixels, either axis) a ring's ink may lie from the hole and from the outside. */
const RING_REACH = 4;

/**
 * How round the hole (pixels marked 2) is: the overlap (intersection over union) of the hole
 * with the ellipse of the same second moments. About 0.9 for an oval; corners (a triangle, a
 * heart's dip, a star's points) pull it down.
 */
export function ellipseOverlap(region: Uint8Array): number {
  let n = 0, mx = 0, my = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    if (region[i] === 2) n++, mx += i % IMAGE_SIDE, my += Math.floor(i / IMAGE_SIDE);
  }
  if (n === 0) return 0;
  mx /= n, my /= n;
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    if (region[i] !== 2) continue;
    const dx = (i % IMAGE_SIDE) - mx, dy = Math.floor(i / IMAGE_SIDE) - my;
    xx += dx * dx, yy += dy * dy, xy += dx * dy;
  }
  // Pixels are unit squares: each adds 1/12 to the variance along both axes.
  xx = xx / n + 1 / 12, yy = yy / n + 1 / 12, xy /= n;
  const det = xx * yy - xy * xy;
  let both = 0, either = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const dx = (i % IMAGE_SIDE) - mx, dy = Math.floor(i / IMAGE_SIDE) - my;
    // Inside a uniform ellipse's edge: Mahalanobis distance squared up to 4.
    const inEllipse = (yy * dx * dx - 2 * xy * dx * dy + xx * dy * dy) / det <= 4;
    const inHole = region[i] === 2;
    if (inEllipse && inHole) both++;
    if (inEllipse || inHole) either++;
  }
  return both / either;
}

/** Flood-fills paper (<= 0.5) 4-connected from `stack` with `mark`; returns pixels marked. */
function spread(pixels: Float32Array, region: Uint8Array, stack: number[], mark: number): number {
  let count = 0;
  while (stack.length > 0) {
    const i = stack.pop()!, x = i % IMAGE_SIDE;
    for (const j of [i - IMAGE_SIDE, i + IMAGE_SIDE, x > 0 ? i - 1 : -1, x < 27 ? i + 1 : -1]) {
      if (j < 0 || j >= IMAGE_PIXELS || region[j] !== 0 || pixels[j] > 0.5) continue;
      region[j] = mark, count++, stack.push(j);
    }
  }
  return count;
}

/** Whether a pixel marked `mark` lies within RING_REACH of pixel `i` (a square window). */
function near(region: Uint8Array, i: number, mark: number): boolean {
  const x = i % IMAGE_SIDE, y = Math.floor(i / IMAGE_SIDE);
  for (let dy = -RING_REACH; dy <= RING_REACH; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= IMAGE_SIDE) continue;
    for (let dx = -RING_REACH; dx <= RING_REACH; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < IMAGE_SIDE && region[yy * IMAGE_SIDE + xx] === mark) return true;
    }
  }
  return false;
}
