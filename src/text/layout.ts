import { type ColorLevel, paint } from "./color.ts";

// CSI (colors, cursor moves), OSC (titles, links) and two-byte escapes: all zero-width.
// deno-lint-ignore no-control-regex
const ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/**
 * Removes terminal escape sequences (SGR colors, cursor moves, OSC), leaving the visible text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripAnsi } from "./layout.ts";
 *
 * assert.equal(stripAnsi("\x1b[31mred\x1b[39m"), "red");
 * ```
 */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, "");
}

/**
 * How many terminal columns one code point takes: 0 for controls and combining marks, 2 for
 * East Asian wide characters and emoji, 1 otherwise (block, braille and box characters too).
 */
export function charWidth(codePoint: number): number {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) || (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x20d0 && codePoint <= 0x20ff) || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  ) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) || (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) || (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) || (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) return 2;
  return 1;
}

/**
 * The number of terminal columns `text` occupies, ignoring escape sequences.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { visibleWidth } from "./layout.ts";
 *
 * assert.equal(visibleWidth("\x1b[1m━━ 97%\x1b[22m"), 6);
 * ```
 */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += charWidth(char.codePointAt(0)!);
  return width;
}

/** Splits text into escape sequences and visible runs, in order. */
function tokens(text: string): { escape: boolean; text: string }[] {
  const out: { escape: boolean; text: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(ESCAPE)) {
    if (match.index > last) out.push({ escape: false, text: text.slice(last, match.index) });
    out.push({ escape: true, text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ escape: false, text: text.slice(last) });
  return out;
}

/**
 * Cuts `text` to at most `width` visible columns, ending with `ellipsis` when something was cut.
 * Escape codes are all kept (even those after the cut), so colors that were turned on are also
 * turned off again and nothing bleeds into the rest of the screen.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncate } from "./layout.ts";
 *
 * assert.equal(truncate("\x1b[31mhello\x1b[39m", 4, "…"), "\x1b[31mhel…\x1b[39m");
 * ```
 */
export function truncate(text: string, width: number, ellipsis = ""): string {
  if (visibleWidth(text) <= width) return text;
  const ellipsisWidth = visibleWidth(ellipsis);
  const keep = Math.max(0, width - ellipsisWidth);
  let used = 0;
  let cut = false;
  let out = "";
  for (const token of tokens(text)) {
    if (token.escape) {
      out += token.text;
      continue;
    }
    for (const char of token.text) {
      if (cut) break;
      const w = charWidth(char.codePointAt(0)!);
      if (used + w > keep) {
        cut = true;
        if (ellipsisWidth <= width) out += ellipsis;
        break;
      }
      out += char;
      used += w;
    }
  }
  return out;
}

/**
 * Pads `text` with spaces on the right (or cuts it) to exactly `width` visible columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitWidth } from "./layout.ts";
 *
 * assert.equal(fitWidth("ab", 4), "ab  ");
 * ```
 */
export function fitWidth(text: string, width: number, ellipsis = ""): string {
  const cut = truncate(text, width, ellipsis);
  return cut + " ".repeat(Math.max(0, width - visibleWidth(cut)));
}

/**
 * Right-aligns `text` in `width` columns (cutting it when too wide).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alignRight } from "./layout.ts";
 *
 * assert.equal(alignRight("42", 5), "   42");
 * ```
 */
export function alignRight(text: string, width: number): string {
  const cut = truncate(text, width);
  return " ".repeat(Math.max(0, width - visibleWidth(cut))) + cut;
}

/**
 * Centers `text` in `width` columns; an odd leftover space goes to the right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { center } from "./layout.ts";
 *
 * assert.equal(center("ab", 6), "  ab  ");
 * ```
 */
export function center(text: string, width: number): string {
  const cut = truncate(text, width);
  const room = Math.max(0, width - visibleWidth(cut));
  const left = Math.floor(room / 2);
  return " ".repeat(left) + cut + " ".repeat(room - left);
}

/** Options for {@linkcode frame}. */
export interface FrameOptions {
  /** Shown in the top border, e.g. `┌─ Training ───┐`. */
  title?: string;
  /** Total width including the borders; default: the widest line plus borders. */
  width?: number;
  color: ColorLevel;
}

/**
 * Draws a box with a title around `lines`; lines are padded or cut to the inner width.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frame } from "./layout.ts";
 *
 * assert.deepEqual(frame(["hi"], { title: "T", color: "none" }), ["┌─ T ┐", "│ hi │", "└────┘"]);
 * ```
 */
export function frame(lines: string[], options: FrameOptions): string[] {
  const c = paint(options.color);
  const titleText = options.title ? ` ${options.title} ` : "";
  // The title sits after "┌─" and needs the rest of the top border: width >= title + 3.
  const natural = Math.max(0, ...lines.map(visibleWidth), visibleWidth(titleText) - 1);
  const inner = Math.max(1, (options.width ?? natural + 4) - 4);
  const span = inner + 2; // the border run between the corners
  const title = truncate(titleText, span - 1, "… ");
  const border = (s: string) => c.dim(s);
  return [
    border("┌─") + c.bold(title) + border("─".repeat(span - 1 - visibleWidth(title)) + "┐"),
    ...lines.map((line) => border("│") + " " + fitWidth(line, inner, "…") + " " + border("│")),
    border("└" + "─".repeat(span) + "┘"),
  ];
}

/**
 * Places blocks of lines next to each other, each padded to its own widest line, with `gap`
 * spaces between; shorter blocks are filled with blank lines at the bottom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinColumns } from "./layout.ts";
 *
 * assert.deepEqual(joinColumns([["a", "bb"], ["c"]], 1), ["a  c", "bb  "]);
 * ```
 */
export function joinColumns(blocks: string[][], gap = 2): string[] {
  const widths = blocks.map((block) => Math.max(0, ...block.map(visibleWidth)));
  const height = Math.max(0, ...blocks.map((block) => block.length));
  const spacer = " ".repeat(gap);
  const out: string[] = [];
  for (let row = 0; row < height; row++) {
    out.push(blocks.map((block, i) => fitWidth(block[row] ?? "", widths[i])).join(spacer));
  }
  return out;
}

/**
 * Splits plain text into lines of at most `width` columns at spaces; a word longer than a
 * line breaks after its commas (a network's layer list), else it is cut with an ellipsis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapText } from "./layout.ts";
 *
 * assert.deepEqual(wrapText("the quick brown fox", 10), ["the quick", "brown fox"]);
 * assert.deepEqual(wrapText("cnn: conv5x32,pool,dense128 relu", 16), [
 *   "cnn: conv5x32,",
 *   "pool,dense128",
 *   "relu",
 * ]);
 * ```
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    // the parts of a word: itself, or its pieces up to each comma when it is too long
    const parts = visibleWidth(word) > width ? word.split(/(?<=,)/) : [word];
    parts.forEach((part, i) => {
      const glue = i > 0 || line === "" ? "" : " ";
      if (line !== "" && visibleWidth(line) + glue.length + visibleWidth(part) > width) {
        lines.push(line);
        line = part;
      } else line += glue + part;
    });
  }
  if (line !== "") lines.push(line);
  return lines.map((l) => truncate(l, width, "…"));
}
