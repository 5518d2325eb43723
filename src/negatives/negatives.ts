/**
 * Negative examples (images that are not digits) as the network sees them: each is drawn as a
 * user's picture, then put through the normalizer every user image takes (`normalizeDigit`),
 * so the network learns what a non-digit looks like after our normalization.
 */
import { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT } from "../augment/mod.ts";
import { type Dataset, IMAGE_PIXELS, IMAGE_SIDE } from "../data/dataset.ts";
import type { GrayImage } from "../image/mod.ts";
import { deriveSeed, Random } from "../network/random.ts";
import { drawMashup } from "./digit_mashups.ts";
import { iconDrawer } from "./icons.ts";
import { letterDrawer } from "./letters.ts";
import type { KindReply, KindRequest } from "./worker.ts";
import { enlarge, handWobble, type InkMap, photograph } from "./raster.ts";
import { drawDoodle } from "./shapes.ts";
import { drawTexture } from "./textures.ts";
import { looksLikeOne, looksLikeZero, seenByNetwork } from "./digit_likeness.ts";

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
  /**
   * Make the kinds in up to this many worker threads at once (default 1: all in this thread).
   * The images are the same either way, byte for byte: each kind has its own generator.
   */
  workers?: number;
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

/**
 * Vector art (an icon, a font's letters) as a person would draw it: bent by a hand's wobble
 * (`share` of the time, by up to `wobble` of the picture's size), then handed in.
 */
function handDrawn(
  drawArt: (rng: Random) => InkMap & { name: string },
  share: number,
  wobble: number,
): Draw {
  return (rng) => {
    const art = drawArt(rng);
    const traced = rng.next() < share ? handWobble(art, rng, rng.uniform(0.01, wobble)) : art;
    return { image: photograph(traced, rng), name: art.name };
  };
}

/** The drawing function of each kind, made once (fonts and icons are loaded here). */
async function drawers(
  kinds: readonly NegativeKind[],
  options: NegativeOptions,
): Promise<Map<NegativeKind, Draw>> {
  const draw = new Map<NegativeKind, Draw>();
  for (const kind of kinds) {
    if (kind === "letters") {
      draw.set(kind, handDrawn(await letterDrawer(), 0.5, 0.04));
    } else if (kind === "icons") {
      // Most icons as a person would doodle them.
      draw.set(kind, handDrawn(await iconDrawer(), 0.7, 0.05));
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
  if ((options.workers ?? 1) > 1 && kinds.length > 1) {
    return await makeInWorkers(count, kinds, options);
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

/** Kinds from slowest to fastest to make: the slowest go to the workers first. */
const SLOWEST_FIRST: readonly NegativeKind[] = [
  "textures",
  "letters",
  "icons",
  "digit-mashups",
  "shapes",
];

/** `makeNegatives` with each kind made in a worker thread, up to `options.workers` at once. */
async function makeInWorkers(
  count: number,
  kinds: readonly NegativeKind[],
  options: NegativeOptions,
): Promise<NegativeSet> {
  const perKind = new Map<NegativeKind, number>(kinds.map((kind) => [kind, 0]));
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    perKind.set(kind, perKind.get(kind)! + 1);
  }
  const queue = SLOWEST_FIRST.filter((kind) => kinds.includes(kind));
  const made = new Map<NegativeKind, Exclude<KindReply, { error: string }>>();
  const work = async () => {
    for (let kind = queue.shift(); kind !== undefined; kind = queue.shift()) {
      made.set(
        kind,
        await makeKindInWorker({
          kind,
          count: perKind.get(kind)!,
          seed: options.seed,
          keepRefused: options.keepRefused ?? true,
          digits: kind === "digit-mashups" ? options.digits : undefined,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers!, kinds.length) }, work));
  const set: NegativeSet = {
    pixels: new Float32Array(count * IMAGE_PIXELS),
    kinds: new Uint8Array(count),
    refusedByRules: new Uint8Array(count),
    names: [],
    count,
    stats: Object.fromEntries(kinds.map((kind) => [kind, made.get(kind)!.stats])),
  };
  const next = new Map<NegativeKind, number>(kinds.map((kind) => [kind, 0]));
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length], j = next.get(kind)!, reply = made.get(kind)!;
    next.set(kind, j + 1);
    set.pixels.set(
      reply.pixels.subarray(j * IMAGE_PIXELS, (j + 1) * IMAGE_PIXELS),
      i * IMAGE_PIXELS,
    );
    set.kinds[i] = NEGATIVE_KINDS.indexOf(kind);
    set.refusedByRules[i] = reply.refusedByRules[j];
    set.names.push(reply.names[j]);
  }
  return set;
}

/** Runs one kind in a new worker thread (see worker.ts), which ends when it has answered. */
function makeKindInWorker(
  request: KindRequest,
): Promise<Exclude<KindReply, { error: string }>> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<KindReply>) => {
      worker.terminate();
      const reply = event.data;
      if ("error" in reply) reject(new Error(reply.error));
      else resolve(reply);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`negatives worker for "${request.kind}": ${event.message}`));
    };
    worker.postMessage(request);
  });
}

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

export {
  ellipseOverlap,
  looksLikeOne,
  looksLikeZero,
  seenByNetwork,
  type SeenPicture,
} from "./digit_likeness.ts";
