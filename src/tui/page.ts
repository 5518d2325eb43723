/** The frame of every app screen: header, a title rule, the body and a key-hint footer. */
import type { InputEvent } from "./terminal/keys.ts";
import type { ScreenSize } from "./terminal/screen.ts";
import { type ColorLevel, paint } from "../text/color.ts";
import { truncate, visibleWidth, wrapText } from "../text/layout.ts";

/** What one screen frame shows. */
export interface PageContent {
  /** The header lines (see renderHeader). */
  header: string[];
  /** The screen's name, shown in the rule under the header. */
  title: string;
  /** The screen's own lines; cut to the rows left between rule and footer. */
  body: string[];
  /** Key hints for the last row, e.g. "Esc back". */
  footer: string;
  /** A one-line message shown above the footer (errors in red). */
  status?: { text: string; error?: boolean };
}

/** Rows a page leaves for its body at `size` (header lines + rule + footer + status). */
export function bodyRows(size: ScreenSize, headerLines = 2, status = false): number {
  return Math.max(1, size.rows - headerLines - 2 - (status ? 1 : 0));
}

/**
 * Lays a page out to exactly `size.rows` lines, none wider than `size.columns`: header, a rule
 * with the title, the body (cut when too long, padded when short), status and footer.
 *
 * @example
 * ```ts
 * renderPage({ header: ["model: x", "data: y"], title: "Test", body: ["hi"], footer: "Esc back" },
 *   { columns: 40, rows: 6 }, "none");
 * // ["model: x", "data: y", "── Test ─────...", "hi", "", "Esc back"]
 * ```
 */
export function renderPage(content: PageContent, size: ScreenSize, color: ColorLevel): string[] {
  const c = paint(color);
  const width = size.columns;
  const lines = content.header.map((line) => truncate(line, width, "…"));
  const title = ` ${content.title} `;
  lines.push(
    c.dim("──") + c.bold(title) + c.dim("─".repeat(Math.max(0, width - 2 - visibleWidth(title)))),
  );
  // A long status (where a stopped training saved, an error naming a long path) wraps onto up
  // to three lines, taken from the body's last rows, instead of being cut.
  const status = content.status
    ? wrapText(content.status.text, width).slice(0, 3).map((line, i, all) =>
      i === all.length - 1 && all.length === 3 ? truncate(line, width, "…") : line
    )
    : [];
  const rows = bodyRows(size, content.header.length, status.length > 0) -
    Math.max(0, status.length - 1);
  for (let i = 0; i < rows; i++) lines.push(truncate(content.body[i] ?? "", width, "…"));
  for (const line of status) {
    const text = truncate(line, width, "…");
    lines.push(content.status!.error ? c.red(text) : c.yellow(text));
  }
  lines.push(c.dim(truncate(content.footer, width, "…")));
  return lines.slice(0, size.rows);
}

/** A window onto more lines than fit: the first line shown. */
export interface Scroll {
  offset: number;
}

/**
 * The `height` lines of `lines` starting at `offset` (clamped so the window stays full), and
 * the clamped offset.
 *
 * @example
 * ```ts
 * scrollWindow(["a", "b", "c"], 5, 2); // { lines: ["b", "c"], offset: 1 }
 * ```
 */
export function scrollWindow(
  lines: string[],
  offset: number,
  height: number,
): { lines: string[]; offset: number } {
  const max = Math.max(0, lines.length - height);
  const clamped = Math.min(Math.max(0, offset), max);
  return { lines: lines.slice(clamped, clamped + height), offset: clamped };
}

/**
 * The new scroll offset after a key (arrows/j/k one line, PgUp/PgDn/space a page, Home/End),
 * or undefined when the key does not scroll. The result may pass the end; scrollWindow clamps.
 */
export function scrollByKey(event: InputEvent, offset: number, page: number): number | undefined {
  if (event.type === "mouse") {
    if (event.action !== "wheel") return undefined;
    return event.direction === "up" ? Math.max(0, offset - 3) : offset + 3;
  }
  switch (event.key) {
    case "up":
    case "k":
      return Math.max(0, offset - 1);
    case "down":
    case "j":
      return offset + 1;
    case "pageup":
      return Math.max(0, offset - page);
    case "pagedown":
    case " ":
      return offset + page;
    case "home":
    case "g":
      return 0;
    case "end":
    case "G":
      return Number.MAX_SAFE_INTEGER;
  }
  return undefined;
}

/** Where the window is, for the footer: "lines 21-40 of 95" (empty when all fits). */
export function scrollPosition(total: number, offset: number, height: number): string {
  if (total <= height) return "";
  return `lines ${offset + 1}-${Math.min(total, offset + height)} of ${total}`;
}

export { errorLine } from "../errors.ts";
