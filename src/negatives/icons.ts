/**
 * Line drawings of things: the outline icons of `@tabler/icons` (MIT, about 5,500 stroke icons
 * on a 24x24 grid, and its 1,000 solid ones, drawn filled like logos) and `lucide-static` (ISC,
 * about 2,200), drawn at varied pen widths, sizes and turns. Icons that are digits or look like
 * one are left out by their names alone ({@linkcode iconExclusion}), never by looking at the
 * drawings, so the rule reads the same for any version of the sets.
 */
import type { Random } from "../network/random.ts";
import type { InkMap } from "./raster.ts";
import { loadSvgRenderer, renderSvgInk } from "./svg.ts";

/** One icon: where it comes from, its name, and its SVG elements (24x24 grid, no <svg>). */
export interface Icon {
  /** `tabler-filled`: Tabler's solid icons, drawn filled in (logos, badges, solid things). */
  set: "tabler" | "tabler-filled" | "lucide";
  name: string;
  elements: string;
}

/** Names of numbers: an icon named so shows a number (`number`, `tally`, `binary`, ...). */
const NUMBER_WORDS = new Set([
  "number",
  "numbers",
  "digit",
  "digits",
  "numeric",
  "decimal",
  "binary",
  "tally",
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "hundred",
  "thousand",
  "million",
]);

/**
 * Symbols that read as digits or as two of them, whatever else the icon holds: # (a 4 or
 * ruled marks), infinity and & (an 8), quotes (66 and 99), brackets and braces (a 0 or 1s),
 * italic (a slanted 1), a pilcrow (a 9), a sigma (an E that passes for a 3), currency signs
 * ($ is an S, a 5; £ a 2; many are letters with bars).
 */
const SYMBOL_WORDS = new Set([
  "hash",
  "hashtag",
  "infinity",
  "ampersand",
  "quote",
  "quotes",
  "blockquote",
  "parentheses",
  "brackets",
  "bracket",
  "braces",
  "italic",
  "pilcrow",
  "sigma",
  "sum",
  "currency",
  "dollar",
  "pound",
]);

/**
 * Plain shapes that are digits when nothing else is drawn with them: a circle, oval, egg, dot,
 * disc, ring or record (a 0), an outline square or rectangle (a 0 drawn squarely), a loader's
 * arc (a 0 or a C), a line, minus, slash, separator or divider (a 1 once turned upright), a
 * pause sign (11), a pipe (1).
 */
const PLAIN_SHAPES = new Set([
  "circle",
  "oval",
  "ellipse",
  "egg",
  "point",
  "dot",
  "disc",
  "ring",
  "record",
  "square",
  "rectangle",
  "loader",
  "line",
  "minus",
  "slash",
  "separator",
  "divider",
  "pause",
  "pipe",
]);
/**
 * Words that add nothing readable to a plain shape (`circle-dashed`, `square-rounded`,
 * `line-dot-top-vertical`: a lollipop, a 9).
 */
const SHAPE_MODIFIERS = new Set([
  "dashed",
  "dotted",
  "dot",
  "off",
  "half",
  "small",
  "vertical",
  "horizontal",
  "rounded",
  "filled",
  "circle",
  "quarter",
  "cracked",
  "top",
  "bottom",
  "left",
  "right",
  "start",
  "end",
  "center",
]);
/** Names that are one character that reads as a digit: ! (1), ? (2 or 7), an I-beam (1). */
const DIGIT_LIKE_NAMES = new Set([
  "exclamation-mark",
  "question-mark",
  "cursor-text",
  "text-cursor",
  "i-cursor",
]);

/**
 * Why an icon is left out, or undefined when it is kept. By its kebab-case name only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iconExclusion } from "./icons.ts";
 *
 * assert.equal(iconExclusion("home"), undefined);
 * assert.equal(iconExclusion("circle-check"), undefined); // a circle with a tick: no digit
 * assert.match(iconExclusion("number-7")!, /digit/);
 * assert.match(iconExclusion("circle-dashed")!, /plain shape/);
 * assert.match(iconExclusion("letter-o")!, /letter/);
 * assert.match(iconExclusion("circle-letter-s")!, /letter/);
 * ```
 */
export function iconExclusion(name: string): string | undefined {
  if (/\d/.test(name)) return "has a digit in its name (a digit drawn, or a numbered variant)";
  const words = name.split("-");
  if (words.some((word) => NUMBER_WORDS.has(word))) return "names a number";
  const symbol = words.find((word) => SYMBOL_WORDS.has(word));
  if (symbol !== undefined) return `holds a symbol that reads as digits (${symbol})`;
  if (DIGIT_LIKE_NAMES.has(name)) return "is one character that reads as a digit";
  // A media player's record or pause button is the plain shape.
  const shape = words[0] === "player" ? words.slice(1) : words;
  if (
    shape.length > 0 && PLAIN_SHAPES.has(shape[0]) &&
    shape.slice(1).every((word) => SHAPE_MODIFIERS.has(word))
  ) {
    return "is a plain shape that reads as a digit (a 0 or a 1)";
  }
  if (words.includes("letter")) {
    // Letters are the letters kind's, whose drawings are never mirrored or turned: an icon's
    // are, and a p mirrored is a q (a 9), a u turned is an n.
    return "shows a letter (mirrored or turned, letters read as digits: p -> q, a 9)";
  }
  return undefined;
}

/** Tabler's outline set: name -> [tag, attributes] elements. */
type TablerNodes = Record<string, [string, Record<string, string>][]>;

let loaded: Promise<{ kept: Icon[]; excluded: [Icon, string][] }> | undefined;

/**
 * Every icon of both sets (Tabler's outline and filled icons, Lucide's), the left-out ones with
 * why ({@linkcode iconExclusion}). Lucide's aliases (one drawing under several names) count
 * once, under the name the set itself uses. Loaded once per process.
 */
export function loadIcons(): Promise<{ kept: Icon[]; excluded: [Icon, string][] }> {
  loaded ??= readIcons();
  return loaded;
}

async function readIcons(): Promise<{ kept: Icon[]; excluded: [Icon, string][] }> {
  const outline = (await import("@tabler/icons/tabler-nodes-outline.json", {
    with: { type: "json" },
  })).default as unknown as TablerNodes;
  const filled = (await import("@tabler/icons/tabler-nodes-filled.json", {
    with: { type: "json" },
  })).default as unknown as TablerNodes;
  const lucide = await import("lucide-static") as Record<string, unknown>;
  const icons: Icon[] = [];
  for (const [set, nodes] of [["tabler", outline], ["tabler-filled", filled]] as const) {
    for (const name of Object.keys(nodes).sort()) {
      const elements = nodes[name].map(([tag, attributes]) => {
        const pairs = Object.entries(attributes).filter(([key]) => key !== "key");
        return `<${tag} ${pairs.map(([key, value]) => `${key}="${value}"`).join(" ")}/>`;
      });
      icons.push({ set, name, elements: elements.join("") });
    }
  }
  const seen = new Set<string>();
  for (const key of Object.keys(lucide).sort()) {
    const svg = lucide[key];
    if (typeof svg !== "string" || seen.has(svg)) continue;
    seen.add(svg);
    const name = /class="lucide lucide-([a-z0-9-]+)"/.exec(svg)?.[1];
    const elements = /<svg[^>]*>([\s\S]*)<\/svg>/.exec(svg)?.[1];
    if (name === undefined || elements === undefined) continue;
    icons.push({ set: "lucide", name, elements: elements.replace(/\s+/g, " ").trim() });
  }
  const kept: Icon[] = [], excluded: [Icon, string][] = [];
  for (const icon of icons) {
    const why = iconExclusion(icon.name);
    if (why === undefined) kept.push(icon);
    else excluded.push([icon, why]);
  }
  return { kept, excluded };
}

/**
 * Draws icons: loads both sets and resvg once, then each call renders a random kept icon on a
 * 48..128-pixel canvas (one in five on a tiny 28..47-pixel one), the pen 1-3 grid units wide
 * (the sets draw at 1.5-2), turned up to 30 degrees either way, mirrored half the time, not
 * always centred.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { iconDrawer } from "./icons.ts";
 *
 * const draw = await iconDrawer();
 * const icon = draw(new Random(1));
 * assert.ok(icon.ink.some((v) => v > 0.9));
 * ```
 */
export async function iconDrawer(): Promise<(rng: Random) => InkMap & { name: string }> {
  const [{ kept }] = await Promise.all([loadIcons(), loadSvgRenderer()]);
  return (rng) => {
    const icon = kept[rng.int(kept.length)];
    // One in five tiny (28-47 px, a thumbnail, an MNIST-sized doodle), the rest 48-128.
    const size = rng.next() < 0.2 ? 28 + rng.int(20) : 48 + rng.int(81);
    const pen = rng.uniform(1, 3);
    const turn = rng.uniform(-30, 30);
    const mirror = rng.next() < 0.5 ? -1 : 1;
    // The 24-unit grid plus a margin of 2..8 units, the icon shifted up to 2 units.
    const margin = rng.uniform(2, 8), dx = rng.uniform(-2, 2), dy = rng.uniform(-2, 2);
    const view = `${-margin + dx} ${-margin + dy} ${24 + 2 * margin} ${24 + 2 * margin}`;
    const paint = icon.set === "tabler-filled"
      ? `fill="black" stroke="none"`
      : `fill="none" stroke="black" stroke-width="${pen}" stroke-linecap="round" ` +
        `stroke-linejoin="round"`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" ` +
      `viewBox="${view}"><g transform="rotate(${turn} 12 12) translate(12 12) ` +
      `scale(${mirror} 1) translate(-12 -12)" ${paint}>` +
      `${icon.elements.replaceAll("currentColor", "black")}</g></svg>`;
    return { ...renderSvgInk(svg), name: `${icon.set}:${icon.name}` };
  };
}
