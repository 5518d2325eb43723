import assert from "node:assert/strict";
import { readPngHeader } from "./png_header.ts";

Deno.test("PNG header: invalid depth/color combinations and sizes are refused", () => {
  const png = (width: number, height: number, depth: number, colorType: number, interlace = 0) => {
    const bytes = new Uint8Array(33);
    bytes.set([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      0,
      0,
      0,
      13,
      0x49,
      0x48,
      0x44,
      0x52,
    ]);
    const view = new DataView(bytes.buffer);
    view.setUint32(16, width);
    view.setUint32(20, height);
    bytes.set([depth, colorType, 0, 0, interlace], 24);
    return bytes;
  };
  assert.deepEqual(readPngHeader(png(3, 2, 16, 6, 1)), {
    width: 3,
    height: 2,
    bitDepth: 16,
    colorType: 6,
    interlaced: true,
  });
  assert.throws(() => readPngHeader(png(3, 2, 4, 2)), /bit depth 4 is invalid for color type 2/);
  assert.throws(() => readPngHeader(png(3, 2, 16, 3)), /bit depth 16 is invalid for color type 3/);
  assert.throws(() => readPngHeader(png(3, 2, 8, 5)), /invalid color type 5/);
  assert.throws(() => readPngHeader(png(0, 2, 8, 0)), /invalid size 0x2/);
  assert.throws(() => readPngHeader(png(3, 2, 8, 0, 2)), /unknown interlace method 2/);
  assert.throws(() => readPngHeader(png(3, 2, 8, 0).subarray(0, 20)), /ends inside the header/);
});
