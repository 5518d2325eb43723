/** Finding users' image files, and the digit a file's name or folder says it shows. */
import { UserError } from "../errors.ts";

/** The file names classify reads (the decoders check the contents, not the name). */
export const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;

/**
 * The images a path names: the file itself, or the PNG/JPEG files in a folder and its
 * subfolders, in natural order ("2.png" before "10.png"). Throws a UserError for a missing
 * path or a folder without images.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listImages } from "./image_files.ts";
 *
 * // Its .ppm and .pgm files (ring_adobe_rgb_reference.ppm sorts between these) are left out.
 * const files = await listImages("src/image/testdata");
 * assert.deepEqual(files.slice(0, 2), [
 *   "src/image/testdata/ring_adobe_rgb.jpg",
 *   "src/image/testdata/ring_adobe_ycbcr.jpg",
 * ]);
 * ```
 */
export async function listImages(path: string): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UserError(`${path}: no such file or folder`);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new UserError(`${path}: not allowed to read it`);
    }
    throw error;
  }
  if (!info.isDirectory) return [path];
  const found = await imagesIn(path.replace(/\/+$/, "") || "/");
  if (found.length === 0) throw new UserError(`${path}: the folder holds no .png or .jpg images`);
  return found;
}

async function imagesIn(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const full = `${dir === "/" ? "" : dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await imagesIn(full));
    else if (IMAGE_EXTENSIONS.test(entry.name)) files.push(full);
  }
  return files.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/**
 * The digit a file is known to show: `label<d>` in its name, or a parent folder named `<d>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelFromPath } from "./image_files.ts";
 *
 * assert.equal(labelFromPath("photos/my_seven_label7.png"), 7);
 * assert.equal(labelFromPath("photos/3/a.png"), 3);
 * assert.equal(labelFromPath("photos/a.png"), undefined);
 * ```
 */
export function labelFromPath(path: string): number | undefined {
  const parts = path.split("/");
  const name = parts[parts.length - 1];
  const match = /label[-_ ]?(\d)(?!\d)/i.exec(name);
  if (match) return Number(match[1]);
  const folder = parts[parts.length - 2];
  return folder !== undefined && /^\d$/.test(folder) ? Number(folder) : undefined;
}
