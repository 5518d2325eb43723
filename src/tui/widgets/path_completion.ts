/**
 * Tab completion of a typed path, as a shell does it: the common continuation of the names
 * in the folder it points into, and the choices in columns when there are several. Knows
 * nothing of images: the caller says which files count.
 *
 * @module
 */
import { truncate, visibleWidth } from "../../text/layout.ts";

/**
 * What Tab does to `text` on disk: reads the folder it points into and completes against it
 * (`completePath`); an unreadable folder completes nothing.
 */
export async function completeOnDisk(
  text: string,
  acceptFile: (name: string) => boolean = () => true,
): Promise<{ text: string; choices: string[] }> {
  const folder = text.slice(0, text.lastIndexOf("/") + 1) || ".";
  const entries: { name: string; isDirectory: boolean }[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      let isDirectory = entry.isDirectory;
      if (entry.isSymlink) {
        isDirectory = await Deno.stat(`${folder}/${entry.name}`).then(
          (s) => s.isDirectory,
          () => false,
        );
      }
      entries.push({ name: entry.name, isDirectory });
    }
  } catch {
    return { text, choices: [] };
  }
  return completePath(text, entries, acceptFile);
}

/**
 * What Tab does to a partly typed path, given the names in its folder: the longest common
 * continuation (plus "/" for a single folder), and the choices when there are several. Files
 * count only when `acceptFile` takes their name; hidden names only when `.` is typed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completePath } from "./path_completion.ts";
 *
 * assert.deepEqual(completePath("ima", [{ name: "images", isDirectory: true }]), {
 *   text: "images/",
 *   choices: [],
 * });
 * ```
 */
export function completePath(
  text: string,
  entries: { name: string; isDirectory: boolean }[],
  acceptFile: (name: string) => boolean = () => true,
): { text: string; choices: string[] } {
  const slash = text.lastIndexOf("/");
  const folder = text.slice(0, slash + 1);
  const partial = text.slice(slash + 1);
  const matches = entries
    .filter((entry) => entry.name.startsWith(partial))
    .filter((entry) => !entry.name.startsWith(".") || partial.startsWith("."))
    .filter((entry) => entry.isDirectory || acceptFile(entry.name))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  if (matches.length === 0) return { text, choices: [] };
  if (matches.length === 1) {
    const only = matches[0];
    return { text: folder + only.name + (only.isDirectory ? "/" : ""), choices: [] };
  }
  let common = matches[0].name;
  for (const entry of matches) {
    while (!entry.name.startsWith(common)) common = common.slice(0, -1);
  }
  return {
    text: folder + common,
    choices: matches.map((entry) => entry.name + (entry.isDirectory ? "/" : "")),
  };
}

/**
 * Tab's choices in columns, like `ls`, in at most `rows` lines (the last says how many more).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { choiceLines } from "./path_completion.ts";
 *
 * const names = ["1.png", "2.png", "3.png", "digits/", "more/"];
 * assert.deepEqual(choiceLines(names, 30, 5), ["1.png    2.png    3.png", "digits/  more/"]);
 * assert.deepEqual(choiceLines(names, 10, 2), ["1.png", "… and 4 more"]);
 * ```
 */
export function choiceLines(choices: string[], width: number, rows: number): string[] {
  const columnWidth = Math.max(...choices.map(visibleWidth)) + 2;
  const perLine = Math.max(1, Math.floor((width + 2) / columnWidth));
  const lines: string[] = [];
  for (let i = 0; i < choices.length; i += perLine) {
    const row = choices.slice(i, i + perLine);
    lines.push(row.map((name) => name.padEnd(columnWidth)).join("").trimEnd());
  }
  if (lines.length <= rows) return lines.map((line) => truncate(line, width, "…"));
  const shown = lines.slice(0, Math.max(0, rows - 1));
  const more = choices.length - shown.length * perLine;
  return [...shown.map((line) => truncate(line, width, "…")), `… and ${more} more`];
}
