/**
 * Negatives handed out for training: a pool made once per run, each image drawn from it
 * distorted like an augmented digit (and turned or mirrored where that keeps it no digit).
 */
import { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT } from "../augment/mod.ts";
import { IMAGE_PIXELS, IMAGE_SIDE } from "../data/dataset.ts";
import type { Random } from "../network/random.ts";
import { looksLikeOne } from "./digit_like.ts";
import {
  makeNegatives,
  NEGATIVE_KINDS,
  type NegativeOptions,
  type NegativeSet,
} from "./negatives.ts";

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
 * import { createNegativeSource } from "./source.ts";
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
 * import { makeNegatives } from "./negatives.ts";
 * import { negativeSourceFromPool } from "./source.ts";
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
