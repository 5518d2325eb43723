/**
 * Letters and short words, drawn two ways: in handwriting fonts (the @fontsource packages of ten
 * Google Fonts under the SIL Open Font License 1.1, read with opentype.js), and written with a
 * pen along the single-stroke Hershey fonts (`hersheytext`, MIT; the Hershey glyphs are free to
 * use with credit to A. V. Hershey, U.S. National Bureau of Standards), the way a person writes
 * a letter with the pen a digit is written with. Both go through resvg at varied sizes, slants,
 * turns and pen weights. Letters that read as digits are never drawn
 * ({@linkcode letterExclusion}).
 */
import hershey from "hersheytext/hersheytext.json" with { type: "json" };
import opentype from "opentype.js";
import type { Random } from "../network/random.ts";
import type { InkMap } from "./raster.ts";
import { loadSvgRenderer, renderSvgInk } from "./svg.ts";

/**
 * Characters that read as digits, with why: the digits themselves, and the letters that are a
 * digit's very shape (O, o: a 0; I, i, l: a 1; Z, z: a 2; S, s: a 5; b: a 6; B: an 8; g, q:
 * a 9). Letters that only resemble one (C, D, G, J, Q, r, y...) stay: a person calls them
 * letters, and the network can learn the difference (an open C from a closed 0) from MNIST's
 * thousands of digits; leaving them out would leave it guessing on them.
 */
const DIGIT_LIKE: Readonly<Record<string, string>> = {
  "0123456789": "is a digit",
  "Oo": "reads as a 0",
  "Iil": "reads as a 1",
  "Zz": "reads as a 2",
  "Ss": "reads as a 5",
  "b": "reads as a 6",
  "B": "reads as an 8",
  "gq": "reads as a 9",
};

/**
 * Why a character is never drawn as a negative, or undefined when it may be.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { letterExclusion } from "./letters.ts";
 *
 * assert.equal(letterExclusion("k"), undefined);
 * assert.equal(letterExclusion("O"), "reads as a 0");
 * assert.equal(letterExclusion("7"), "is a digit");
 * ```
 */
export function letterExclusion(character: string): string | undefined {
  for (const [characters, why] of Object.entries(DIGIT_LIKE)) {
    if (characters.includes(character)) return why;
  }
  return undefined;
}

/** The letters drawn: A-Z and a-z less those that read as digits. */
export const DRAWN_LETTERS: string = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]
  .filter((c) => letterExclusion(c) === undefined).join("");

/**
 * The fonts: @fontsource packages (OFL-1.1), each a literal import so that Deno fetches the
 * package; the .woff of its Latin subset, regular weight, is read from the package folder.
 */
const FONTS: readonly { name: string; load: () => Promise<unknown>; url: () => string }[] = [
  {
    name: "caveat",
    load: () => import("@fontsource/caveat/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/caveat/package.json"),
  },
  {
    name: "kalam",
    load: () => import("@fontsource/kalam/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/kalam/package.json"),
  },
  {
    name: "indie-flower",
    load: () => import("@fontsource/indie-flower/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/indie-flower/package.json"),
  },
  {
    name: "patrick-hand",
    load: () => import("@fontsource/patrick-hand/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/patrick-hand/package.json"),
  },
  {
    name: "shadows-into-light",
    load: () => import("@fontsource/shadows-into-light/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/shadows-into-light/package.json"),
  },
  {
    name: "gloria-hallelujah",
    load: () => import("@fontsource/gloria-hallelujah/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/gloria-hallelujah/package.json"),
  },
  {
    name: "reenie-beanie",
    load: () => import("@fontsource/reenie-beanie/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/reenie-beanie/package.json"),
  },
  {
    name: "architects-daughter",
    load: () => import("@fontsource/architects-daughter/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/architects-daughter/package.json"),
  },
  {
    name: "covered-by-your-grace",
    load: () =>
      import("@fontsource/covered-by-your-grace/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/covered-by-your-grace/package.json"),
  },
  {
    name: "gochi-hand",
    load: () => import("@fontsource/gochi-hand/package.json", { with: { type: "json" } }),
    url: () => import.meta.resolve("@fontsource/gochi-hand/package.json"),
  },
];

/** The names of the handwriting fonts, in the order the seed picks from. */
export const LETTER_FONTS: readonly string[] = FONTS.map((font) => font.name);

let fonts: Promise<{ name: string; font: opentype.Font }[]> | undefined;

/** Parses every handwriting font (about 50-90 KB of .woff each), once per process. */
export function loadFonts(): Promise<{ name: string; font: opentype.Font }[]> {
  fonts ??= Promise.all(FONTS.map(async ({ name, load, url }) => {
    await load();
    const file = new URL(`files/${name}-latin-400-normal.woff`, url());
    const bytes = await Deno.readFile(file);
    return { name, font: opentype.parse(bytes.buffer) };
  }));
  return fonts;
}

/**
 * Random text: one letter (60%: what people hand a digit reader most, a letter where a digit
 * would be), two or three (20%) or four to six (20%: squeezed into the digit's box, a word
 * becomes a smudge of a line); lower case, capitalized or upper case (a lone letter is a
 * capital half the time, as people write a letter alone).
 */
function randomText(rng: Random): string {
  const draw = rng.next();
  const length = draw < 0.6 ? 1 : draw < 0.8 ? 2 + rng.int(2) : 4 + rng.int(3);
  const lower = DRAWN_LETTERS.replace(/[A-Z]/g, ""), upper = DRAWN_LETTERS.replace(/[a-z]/g, "");
  // style < 0.2: all capitals; < 0.4: the first one; else lower case.
  const style = length === 1 ? (rng.next() < 0.5 ? 0 : 1) : rng.next();
  let text = "";
  for (let i = 0; i < length; i++) {
    const capital = style < 0.2 || (style < 0.4 && i === 0);
    const letters = capital ? upper : lower;
    text += letters[rng.int(letters.length)];
  }
  return text;
}

/**
 * The Hershey fonts a pen writes with: strokes, not outlines (sans, serif, italic, two scripts).
 * Their glyphs are listed from "!" (code 33) on, each an SVG path on a grid about 21 units high.
 */
export const PEN_FONTS = ["futural", "timesr", "timesi", "scripts", "cursive"] as const;

/** One pen font's glyph of `character`: its path and its ends (left, right, top, bottom). */
export function penGlyph(font: typeof PEN_FONTS[number], character: string): {
  d: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
} {
  const d = hershey[font].chars[character.charCodeAt(0) - 33].d;
  const points = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)];
  const xs = points.map((m) => Number(m[1])), ys = points.map((m) => Number(m[2]));
  return {
    d,
    left: Math.min(...xs),
    right: Math.max(...xs),
    top: Math.min(...ys),
    bottom: Math.max(...ys),
  };
}

/**
 * Text written with a pen along a Hershey font: round caps and joins, a stroke 6-16% of a
 * capital's height (MNIST's digits are written about 10-15%), the letters a few units apart.
 */
function penText(rng: Random, text: string): { svg: string; name: string } {
  const font = PEN_FONTS[rng.int(PEN_FONTS.length)];
  let x = 0, paths = "";
  for (const character of text) {
    const glyph = penGlyph(font, character);
    paths += `<path transform="translate(${x - glyph.left} 0)" d="${glyph.d}"/>`;
    x += glyph.right - glyph.left + rng.uniform(2, 5);
  }
  const textWidth = Math.max(1, x), capital = 21;
  const height = 40 + rng.int(57);
  const scale = Math.min((height * rng.uniform(0.5, 0.75)) / capital, 280 / textWidth);
  const width = Math.min(320, Math.ceil(textWidth * scale + height * 0.5));
  const slant = rng.uniform(-12, 12), turn = rng.uniform(-10, 10);
  const pen = capital * rng.uniform(0.06, 0.16);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g transform="translate(${width / 2} ${height / 2}) rotate(${turn}) skewX(${slant}) ` +
    `scale(${scale}) translate(${-textWidth / 2} ${-capital / 2 - 1})" fill="none" ` +
    `stroke="black" stroke-width="${pen}" stroke-linecap="round" stroke-linejoin="round">` +
    `${paths}</g></svg>`;
  return { svg, name: `hershey-${font}:${text}` };
}

/**
 * Draws text: loads the fonts and resvg once, then each call writes random letters, half the
 * time in a random handwriting font (the pen thickened now and then), half the time with a pen
 * along a Hershey font; 40..96 pixels high, slanted up to 12 degrees, turned up to 10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { letterDrawer } from "./letters.ts";
 *
 * const draw = await letterDrawer();
 * const text = draw(new Random(1));
 * assert.ok(text.ink.some((v) => v > 0.9));
 * ```
 */
export async function letterDrawer(): Promise<(rng: Random) => InkMap & { name: string }> {
  const write = await textWriter();
  return (rng) => write(rng, randomText);
}

/**
 * Writes text as {@linkcode letterDrawer} writes letters (a handwriting font or a Hershey pen,
 * sized, slanted and turned the same ways); `text` picks what is written, from the same
 * generator, at the point the letters' own pick was always made (so letters keep their bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { textWriter } from "./letters.ts";
 *
 * const write = await textWriter();
 * const seven = write(new Random(3), () => "7");
 * assert.match(seven.name, /:7$/);
 * ```
 */
export async function textWriter(): Promise<
  (rng: Random, text: (rng: Random) => string) => InkMap & { name: string }
> {
  const [parsed] = await Promise.all([loadFonts(), loadSvgRenderer()]);
  return (rng, pickText) => {
    if (rng.next() < 0.5) {
      const { svg, name } = penText(rng, pickText(rng));
      return { ...renderSvgInk(svg), name };
    }
    const { name, font } = parsed[rng.int(parsed.length)];
    const text = pickText(rng);
    const path = font.getPath(text, 0, 0, 100);
    const box = path.getBoundingBox();
    const textWidth = Math.max(1, box.x2 - box.x1), textHeight = Math.max(1, box.y2 - box.y1);
    const height = 40 + rng.int(57);
    // Letters' heights vary (an x against an h); words longer than 280 pixels are shrunk.
    const scale = Math.min(
      (height * rng.uniform(0.5, 0.75)) / Math.max(textHeight, 40),
      280 / textWidth,
    );
    const width = Math.min(320, Math.ceil(textWidth * scale + height * 0.5));
    const slant = rng.uniform(-12, 12), turn = rng.uniform(-10, 10);
    const pen = rng.next() < 0.5 ? 0 : rng.uniform(0.5, 3) / scale;
    const cx = (box.x1 + box.x2) / 2, cy = (box.y1 + box.y2) / 2;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<g transform="translate(${width / 2} ${height / 2}) rotate(${turn}) skewX(${slant}) ` +
      `scale(${scale}) translate(${-cx} ${-cy})"><path d="${path.toPathData(2)}" ` +
      `fill="black" stroke="${pen > 0 ? "black" : "none"}" stroke-width="${pen}" ` +
      `stroke-linejoin="round"/></g></svg>`;
    return { ...renderSvgInk(svg), name: `${name}:${text}` };
  };
}
