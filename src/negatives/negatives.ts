/**
 * Negative examples (images that are not digits) as the network sees them: each is drawn as a
 * user's picture, then put through the normalizer every user image takes (`normalizeDigit`),
 * so the network learns what a non-digit looks like after our normalization.
 */
import { type Dataset, IMAGE_PIXELS } from "../data/dataset.ts";
import type { GrayImage } from "../image/mod.ts";
import { normalizeDigit } from "../image/mod.ts";
import { findInk, normalizePieces } from "../image/normalize.ts";
import { selectDigitComponents } from "../image/components.ts";
import { deriveSeed, Random } from "../network/random.ts";
import { looksLikeOne, looksLikeZero } from "./digit_like.ts";
import { drawMashup } from "./digit_mashups.ts";
import { doodleDrawer } from "./doodles.ts";
import { iconDrawer } from "./icons.ts";
import { letterDrawer } from "./letters.ts";
import type { KindReply, KindRequest } from "./worker.ts";
import { enlarge, handWobble, type InkMap, photograph } from "./raster.ts";
import { drawDoodle } from "./shapes.ts";
import { drawTexture } from "./textures.ts";

/** The kinds of negatives, in the order their indices in `NegativeSet.kinds` refer to. */
export const NEGATIVE_KINDS = [
  "icons",
  "letters",
  "digit-mashups",
  "textures",
  "shapes",
  "doodles",
] as const;

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

/** Draws one picture of a kind from its generator. */
export type Draw = (rng: Random) => Drawing;

/**
 * A drawn negative must reach the network whole: at least this share of its ink in the pieces
 * the normalizer keeps. (Textures are clutter: the normalizer picking a piece out of them is
 * what a photo goes through.)
 */
const MIN_DRAWN_INK_SHARE = 0.9;

/**
 * Turns each kind takes in the cycle of kinds. Letters take two: written with the same pen
 * as digits, in strokes of the same width, they are the non-digits nearest to digits and the
 * ones the network confuses most (on the dev sets the kind refused least, at half the
 * share of the others), so the network sees twice as many of them.
 */
const KIND_TURNS: Readonly<Record<NegativeKind, number>> = {
  "icons": 1,
  "letters": 2,
  "digit-mashups": 1,
  "textures": 1,
  "shapes": 1,
  "doodles": 1,
};

/**
 * The kind of every image in turn: the asked kinds in order, each KIND_TURNS times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindCycle } from "./negatives.ts";
 *
 * assert.deepEqual(kindCycle(["shapes", "letters"]), ["shapes", "letters", "letters"]);
 * ```
 */
export function kindCycle(kinds: readonly NegativeKind[]): NegativeKind[] {
  return kinds.flatMap((kind) => Array<NegativeKind>(KIND_TURNS[kind]).fill(kind));
}

/** How many drawings of one kind in a row may be dropped before makeNegatives gives up. */
const MAX_DROPPED_RUN = 100;

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
 * Vector art (an icon, a font's letters) as a person would draw it: bent by a hand's wobble
 * (`share` of the time, by up to `wobble` of the picture's size), then handed in.
 */
export function handDrawn(
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

/**
 * How letters are wobbled by hand: half of them, by up to 4% of their size (and digits written
 * in fonts, font_digits.ts, the same way, so that only their shapes tell them apart).
 */
export const LETTERS_BY_HAND: readonly [share: number, wobble: number] = [0.5, 0.04];

/** The drawing function of each kind, made once (fonts and icons are loaded here). */
async function drawers(
  kinds: readonly NegativeKind[],
  options: NegativeOptions,
): Promise<Map<NegativeKind, Draw>> {
  const draw = new Map<NegativeKind, Draw>();
  for (const kind of kinds) {
    if (kind === "letters") {
      draw.set(kind, handDrawn(await letterDrawer(), ...LETTERS_BY_HAND));
    } else if (kind === "icons") {
      // Most icons as a person would doodle them.
      draw.set(kind, handDrawn(await iconDrawer(), 0.7, 0.05));
    } else if (kind === "doodles") {
      // People's doodles, a third of them wobbled again (their lines were redrawn by machine).
      draw.set(kind, handDrawn(await doodleDrawer(), 0.3, 0.03));
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
 * Makes `count` negatives, the kinds taken in turn ({@linkcode kindCycle}). Each kind draws
 * from its own generator (derived from the seed and the kind), so a kind's images do not depend
 * on which other kinds are asked for. About 200-600 images a second on one core (the normalizer is most of it):
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
  const cycle = kindCycle(kinds);
  for (let i = 0; i < count; i++) {
    const kind = cycle[i % cycle.length];
    const rng = streams.get(kind)!, kindStats = stats[kind]!, drawOne = draw.get(kind)!;
    for (let run = 0;; run++) {
      if (run === MAX_DROPPED_RUN) {
        throw new Error(
          `negatives of kind "${kind}": ${run} drawings in a row were dropped (blank, fragments ` +
            `or digit-like)`,
        );
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
  "doodles",
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
  const cycle = kindCycle(kinds);
  for (let i = 0; i < count; i++) {
    const kind = cycle[i % cycle.length];
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
    const kind = cycle[i % cycle.length], j = next.get(kind)!, reply = made.get(kind)!;
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
