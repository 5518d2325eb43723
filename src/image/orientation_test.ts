import assert from "node:assert/strict";
import { applyExifOrientation } from "./orientation.ts";

Deno.test("the eight EXIF orientations turn a stored image upright", () => {
  // Stored 3x2 image: values 0..5 row by row.
  //   0 1 2
  //   3 4 5
  const stored = { width: 3, height: 2, luminance: Float32Array.from([0, 1, 2, 3, 4, 5]) };
  const expected: Record<number, [number, number, number[]]> = {
    1: [3, 2, [0, 1, 2, 3, 4, 5]],
    2: [3, 2, [2, 1, 0, 5, 4, 3]], // mirrored
    3: [3, 2, [5, 4, 3, 2, 1, 0]], // 180 degrees
    4: [3, 2, [3, 4, 5, 0, 1, 2]], // flipped
    5: [2, 3, [0, 3, 1, 4, 2, 5]], // transposed
    6: [2, 3, [3, 0, 4, 1, 5, 2]], // 90 degrees clockwise
    7: [2, 3, [5, 2, 4, 1, 3, 0]], // transversed
    8: [2, 3, [2, 5, 1, 4, 0, 3]], // 90 degrees counter-clockwise
  };
  for (const [orientation, [width, height, values]] of Object.entries(expected)) {
    const upright = applyExifOrientation(stored, Number(orientation));
    assert.deepEqual([upright.width, upright.height, Array.from(upright.luminance)], [
      width,
      height,
      values,
    ], `orientation ${orientation}`);
  }
  assert.equal(applyExifOrientation(stored, 0), stored);
});
