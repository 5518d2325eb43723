/**
 * Negative examples (images that are not digits) as the network sees them: each is drawn as a
 * user's picture, then put through the normalizer every user image takes (`normalizeDigit`),
 * so the network learns what a non-digit looks like after our normalization.
 */
import { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT } from "../augment/mod.ts";
import { type Dataset, IMAGE_PIXELS, IMAGE_SIDE } from "../data/dataset.ts";
import type { GrayImage } from "../image/mod.ts";
import { normalizeDigit } from "../image/mod.ts";
import { findInk, normalizePieces } from "../image/normalize.ts";
import { selectDigitComponents } from "../image/components.ts";
import { deriveSeed, Random } from "../network/random.ts";
import { drawMashup } from "./digit_mashups.ts";
import { iconDrawer } from "./icons.ts";
import { letterDrawer } from "./letters.ts";
import { enlarge, handWobble, photograph } from "./raster.ts";
import { drawDoodle } from "./shapes.ts";
import { drawTexture } from "./textures.ts";

/** The kinds of negatives, in the order their indices in `NegativeSet.kinds` refer to. */
export const NEGATIVE_KINDS = ["icons", "letters", "digit-mashups", "textures", "shapes"] as const;

/** One kind of negative (see {@linkcode NEGATIVE_KINDS}). */
export type NegativeKind = typeof NEGATIVE_KINDS[number];

/** The kinds every build can make (all of them: each renders from code and npm packages). */
export const AVAILABLE_KINDS: readonly NegativeKind[] = NEGATIVE_KINDS;

/** What to make. */
export interface NegativeOptions {
  /** Same seed, same images, bit for bit. */
  seed: number;
  /** Which kinds, taken in turn (default: every available kind). */
  kinds?: readonly NegativeKind[];
  /** MNIST training digits (bytes), needed by "digit-mashups". */
  digits?: Dataset;
  /**
   * Keep images that the normalizer's not-a-digit rules refuse (ink all over, across the whole
   * picture, a filled shape), as the network would see them without those rules (default true:
   * the rules may change; the network should know these too). Blank images (nothing found) are
   * never kept: there is nothing for the network to see.
   */
  keepRefused?: boolean;
}

/** How the images of one kind fared in the normalizer. */
export interface KindStats {
  /** Pictures drawn. */
  drawn: number;
  /** ... in which the normalizer found nothing (dropped). */
  blank: number;
  /** ... that the not-a-digit rules refused (kept unless `keepRefused` is false). */
  refused: number;
  /**
   * ... of a drawn thing (icons, letters, mashups, shapes) in which the normalizer kept under
   * MIN_DRAWN_INK_SHARE of the ink, dropping pieces as specks or strays: what it hands on is
   * a fragment (a face without its eyes, a torn digit's one half), not the thing (dropped).
   */
  fragment: number;
  /**
   * ... that came out of the normalizer as a digit's plain form, a lone upright stroke (a 1)
   * or a plain ring (a 0): dropped, since teaching them as "not a digit" would cost real digits.
   */
  digitLike: number;
  /** ... kept as negatives. */
  kept: number;
}

/** Negatives ready for training. */
export interface NegativeSet {
  /** [count x 784] ink-bright 0..1, each as `normalizeDigit` would hand it to the network. */
  pixels: Float32Array;
  /** [count] index into NEGATIVE_KINDS of each image. */
  kinds: Uint8Array;
  /** [count] 1 where the normalizer's not-a-digit rules refused the picture (kept anyway). */
  refusedByRules: Uint8Array;
  /** [count] what each image is ("shapes/star", "textures/noise"...). */
  names: string[];
  count: number;
  /** By kind, for the kinds asked for. */
  stats: Partial<Record<NegativeKind, KindStats>>;
}

/** A picture of one kind, with what it shows. */
interface Drawing {
  image: GrayImage;
  name: string;
}

type Draw = (rng: Random) => Drawing;

/**
 * A drawn negative must reach the network whole: at least this share of its ink in the pieces
 * the normalizer keeps. (Textures are clutter: the normalizer picking a piece out of them is
 * what a photo goes through.)
 */
const MIN_DRAWN_INK_SHARE = 0.9;

/** Draws of one kind before giving up when the normalizer finds nothing in any of them. */
const MAX_BLANK_RUN = 100;

/** What the network sees of a picture (see {@linkcode seenByNetwork}). */
export interface SeenPicture {
  /** [784] the normalizer's 28x28 (all zeros when blank). */
  pixels: Float32Array;
  /**
   * "digit": the normalizer found ink it hands on; "refused": ink its rules call no digit (the
   * pixels are then those it would have handed on without the rules); "blank": nothing found.
   */
  outcome: "digit" | "refused" | "blank";
  /** Share of the picture's ink mass in the pieces the normalizer kept (0 when blank). */
  inkShare: number;
}

/**
 * What the network sees of a picture, and how much of the picture's ink that holds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seenByNetwork } from "./negatives.ts";
 *
 * const white = { width: 50, height: 50, luminance: new Float32Array(2500).fill(1) };
 * assert.equal(seenByNetwork(white).outcome, "blank");
 * ```
 */
export function seenByNetwork(image: GrayImage): SeenPicture {
  const digit = normalizeDigit(image);
  // The same steps normalizeDigit takes before its rules judge the ink.
  const map = findInk(image);
  const pieces = map === undefined ? [] : selectDigitComponents(map.components);
  if (map === undefined || pieces.length === 0 || (!digit.found && !digit.notDigit)) {
    return { pixels: digit.pixels, outcome: "blank", inkShare: 0 };
  }
  const all = map.components.reduce((sum, c) => sum + c.mass, 0);
  const inkShare = pieces.reduce((sum, c) => sum + c.mass, 0) / all;
  if (digit.found) return { pixels: digit.pixels, outcome: "digit", inkShare };
  return { pixels: normalizePieces(map, pieces), outcome: "refused", inkShare };
}

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

/** The drawing function of each kind, made once (fonts and icons are loaded here). */
async function drawers(
  kinds: readonly NegativeKind[],
  options: NegativeOptions,
): Promise<Map<NegativeKind, Draw>> {
  const draw = new Map<NegativeKind, Draw>();
  for (const kind of kinds) {
    if (kind === "letters") {
      const drawText = await letterDrawer();
      draw.set(kind, (rng) => {
        const text = drawText(rng);
        const traced = rng.next() < 0.5 ? handWobble(text, rng, rng.uniform(0.01, 0.04)) : text;
        return { image: photograph(traced, rng), name: text.name };
      });
    } else if (kind === "icons") {
      const drawIcon = await iconDrawer();
      draw.set(kind, (rng) => {
        const icon = drawIcon(rng);
        // Most icons as a person would doodle them: the lines bent by a hand.
        const traced = rng.next() < 0.7 ? handWobble(icon, rng, rng.uniform(0.01, 0.05)) : icon;
        return { image: photograph(traced, rng), name: icon.name };
      });
    } else if (kind === "shapes") {
      draw.set(kind, (rng) => {
        const doodle = drawDoodle(rng);
        return { image: photograph(doodle, rng), name: doodle.name };
      });
    } else if (kind === "textures") {
      draw.set(kind, (rng) => {
        const texture = drawTexture(rng);
        return { image: texture, name: texture.name };
      });
    } else if (kind === "digit-mashups") {
      const digits = options.digits;
      if (digits === undefined || digits.count === 0) {
        throw new RangeError(`negatives of kind "digit-mashups" need MNIST training digits`);
      }
      draw.set(kind, (rng) => {
        const mashup = drawMashup(digits, rng);
        const size = 56 + rng.int(85);
        const big = enlarge(mashup.ink, mashup.width, mashup.height, size);
        return { image: photograph(big, rng), name: mashup.name };
      });
    } else {
      throw new RangeError(`unknown kind of negative "${kind}"`);
    }
  }
  return draw;
}

/**
 * Makes `count` negatives, the kinds taken in turn. Each kind draws from its own generator
 * (derived from the seed and the kind), so a kind's images do not depend on which other kinds
 * are asked for. About 200-600 images a second on one core (the normalizer is most of it):
 * make a pool once per run and vary it with {@linkcode createNegativeSource}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeNegatives } from "./negatives.ts";
 *
 * const a = await makeNegatives(4, { seed: 7, kinds: ["shapes", "textures"] });
 * const b = await makeNegatives(4, { seed: 7, kinds: ["shapes", "textures"] });
 * assert.equal(a.pixels.length, 4 * 784);
 * assert.deepEqual(a.pixels, b.pixels); // same seed, same bytes
 * assert.deepEqual([...a.kinds], [4, 3, 4, 3]); // shapes, textures, in turn
 * ```
 */
export async function makeNegatives(count: number, options: NegativeOptions): Promise<NegativeSet> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`negative count must be a whole number >= 0, got ${count}`);
  }
  const kinds = options.kinds ?? AVAILABLE_KINDS;
  if (kinds.length === 0) throw new RangeError("no kinds of negatives asked for");
  for (const kind of kinds) {
    if (!NEGATIVE_KINDS.includes(kind)) {
      throw new RangeError(`unknown kind of negative "${kind}" (${NEGATIVE_KINDS.join(", ")})`);
    }
  }
  const draw = await drawers(kinds, options);
  const keepRefused = options.keepRefused ?? true;
  const streams = new Map(
    kinds.map((kind) => [kind, new Random(deriveSeed(options.seed, NEGATIVE_KINDS.indexOf(kind)))]),
  );
  const stats: Partial<Record<NegativeKind, KindStats>> = {};
  for (const kind of kinds) {
    stats[kind] = { drawn: 0, blank: 0, refused: 0, fragment: 0, digitLike: 0, kept: 0 };
  }
  const set: NegativeSet = {
    pixels: new Float32Array(count * IMAGE_PIXELS),
    kinds: new Uint8Array(count),
    refusedByRules: new Uint8Array(count),
    names: [],
    count,
    stats,
  };
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    const rng = streams.get(kind)!, kindStats = stats[kind]!, drawOne = draw.get(kind)!;
    for (let run = 0;; run++) {
      if (run === MAX_BLANK_RUN) {
        throw new Error(`negatives of kind "${kind}": ${run} drawings in a row came out blank`);
      }
      const drawing = drawOne(rng);
      const seen = seenByNetwork(drawing.image);
      kindStats.drawn++;
      if (seen.outcome === "blank") {
        kindStats.blank++;
        continue;
      }
      if (kind !== "textures" && seen.inkShare < MIN_DRAWN_INK_SHARE) {
        kindStats.fragment++;
        continue;
      }
      if (looksLikeOne(seen.pixels) || looksLikeZero(seen.pixels)) {
        kindStats.digitLike++;
        continue;
      }
      if (seen.outcome === "refused") {
        kindStats.refused++;
        if (!keepRefused) continue;
      }
      kindStats.kept++;
      set.pixels.set(seen.pixels, i * IMAGE_PIXELS);
      set.kinds[i] = NEGATIVE_KINDS.indexOf(kind);
      set.refusedByRules[i] = seen.outcome === "refused" ? 1 : 0;
      set.names.push(`${kind}/${drawing.name}`);
      break;
    }
  }
  return set;
}

/** Negatives for training: a pool made once, handed out varied. */
/** The images a source hands out: a `NegativeSet`, or its arrays shared with a worker. */
export type NegativePool = Pick<NegativeSet, "pixels" | "kinds" | "count">;

/** Negatives for training: a pool made once, handed out varied. */
export interface NegativeSource {
  /** The images drawn and normalized once. */
  readonly pool: NegativePool;
  /**
   * Writes `count` negatives into `out` ([count x 784] from offset 0): pool images picked by
   * `rng`, each distorted by `augmentDigit` (and icons and textures turned by a multiple of
   * 90 degrees or mirrored, shapes mirrored: still no digits). A fixed number of draws per
   * image from `rng`, so the same generator state gives the same negatives.
   */
  fill(out: Float32Array, count: number, rng: Random): void;
}

/** Kinds that stay non-digits however they are turned or mirrored. */
const TURNABLE = new Set<number>([
  NEGATIVE_KINDS.indexOf("icons"),
  NEGATIVE_KINDS.indexOf("textures"),
]);
/** Kinds that stay non-digits mirrored left to right (a dash turned upright is a 1). */
const MIRRORABLE = new Set<number>([...TURNABLE, NEGATIVE_KINDS.indexOf("shapes")]);

/**
 * Makes a pool of `poolSize` negatives once ({@linkcode makeNegatives}) and returns a source
 * that hands them out varied: the pool costs the normalizer's time once per training run; each
 * epoch's negatives then cost about as much as augmenting digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { createNegativeSource } from "./negatives.ts";
 *
 * const source = await createNegativeSource({ seed: 1, poolSize: 6, kinds: ["shapes"] });
 * const batch = new Float32Array(10 * 784);
 * source.fill(batch, 10, new Random(2));
 * assert.ok(batch.some((v) => v > 0.5));
 * ```
 */
export async function createNegativeSource(
  options: NegativeOptions & { poolSize: number; augment?: Readonly<AugmentOptions> },
): Promise<NegativeSource & { pool: NegativeSet }> {
  const pool = await makeNegatives(options.poolSize, options);
  return { ...negativeSourceFromPool(pool, options.augment), pool };
}

/**
 * A source over a pool made before (in another thread, say: the pool's `pixels` and `kinds`
 * may live in a SharedArrayBuffer). `augment` defaults to `DEFAULT_AUGMENT`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { makeNegatives, negativeSourceFromPool } from "./negatives.ts";
 *
 * const { pixels, kinds, count } = await makeNegatives(4, { seed: 1, kinds: ["textures"] });
 * const source = negativeSourceFromPool({ pixels, kinds, count });
 * const batch = new Float32Array(3 * 784);
 * source.fill(batch, 3, new Random(5));
 * assert.ok(batch.some((v) => v > 0.5));
 * ```
 */
export function negativeSourceFromPool(
  pool: NegativePool,
  augment: Readonly<AugmentOptions> = DEFAULT_AUGMENT,
): NegativeSource {
  if (pool.count < 1) throw new RangeError("a negative source needs a pool of at least 1");
  if (pool.pixels.length < pool.count * IMAGE_PIXELS || pool.kinds.length < pool.count) {
    throw new RangeError(`a pool of ${pool.count} needs ${pool.count} x 784 pixels and kinds`);
  }
  const turned = new Float32Array(IMAGE_PIXELS);
  // A flat bar turned a quarter is a 1: such images are only mirrored or turned half way.
  const quarterTurns = new Uint8Array(pool.count);
  for (let i = 0; i < pool.count; i++) {
    dihedral(pool.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), turned, 1);
    quarterTurns[i] = looksLikeOne(turned) ? 0 : 1;
  }
  return {
    pool,
    fill(out, count, rng) {
      if (out.length < count * IMAGE_PIXELS) {
        throw new RangeError(`fill needs ${count} x 784 values, got ${out.length}`);
      }
      for (let k = 0; k < count; k++) {
        const index = rng.int(pool.count);
        const symmetry = rng.int(8);
        const kind = pool.kinds[index];
        const allowed = TURNABLE.has(kind)
          ? (quarterTurns[index] === 1 ? symmetry : symmetry & 6)
          : MIRRORABLE.has(kind)
          ? symmetry & 4
          : 0;
        const source = pool.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
        dihedral(source, turned, allowed);
        augmentDigit(turned, out.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS), rng, augment);
      }
    },
  };
}

/**
 * One of the 8 symmetries of the square: bits 0-1 turn by that many quarter turns, bit 2
 * mirrors left to right first.
 */
function dihedral(source: Float32Array, target: Float32Array, symmetry: number): void {
  const side = IMAGE_SIDE, last = side - 1;
  const turns = symmetry & 3, mirror = (symmetry & 4) !== 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = mirror ? last - x : x;
      let sx = mx, sy = y;
      if (turns === 1) sx = y, sy = last - mx;
      else if (turns === 2) sx = last - mx, sy = last - y;
      else if (turns === 3) sx = last - y, sy = mx;
      target[y * side + x] = source[sy * side + sx];
    }
  }
}
