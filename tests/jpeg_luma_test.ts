import assert from "node:assert/strict";
import { decodeJpegLuma } from "../src/image/jpeg_luma.ts";
import { jpegJsFirstChannel } from "./fixtures/jpeg_reference.ts";
import { SHARED_DIR, skipUnless } from "./env.ts";

/** Every JPEG under a folder, recursively. */
async function jpegsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await jpegsUnder(path));
    else if (/\.jpe?g$/i.test(entry.name)) found.push(path);
  }
  return found.sort();
}

Deno.test({
  name: "real people's JPEGs: the fast luminance decoder gives jpeg-js's plane, or steps aside",
  ignore: skipUnless(import.meta, "shared/real_digits", "shared/real_numbers", "shared/not_digits"),
  fn: async () => {
    let decoded = 0;
    const files = [
      ...await jpegsUnder(`${SHARED_DIR}/real_digits`),
      ...await jpegsUnder(`${SHARED_DIR}/real_numbers`),
      ...await jpegsUnder(`${SHARED_DIR}/not_digits`),
    ];
    for (const file of files) {
      const bytes = await Deno.readFile(file);
      const luma = decodeJpegLuma(bytes);
      if (luma === undefined) continue; // progressive and the like: jpeg-js decodes them
      decoded++;
      const ours = Array.from(luma.luminance, (v) => Math.round(v * 255));
      assert.deepEqual(ours, jpegJsFirstChannel(bytes), file);
    }
    // Phone photos and scans, many with restart markers: most take the fast path.
    assert.ok(decoded >= 0.8 * files.length, `${decoded} of ${files.length}`);
  },
});
