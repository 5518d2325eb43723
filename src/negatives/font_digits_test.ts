import assert from "node:assert/strict";
import { IMAGE_PIXELS } from "../data/dataset.ts";
import { joinDigits, makeFontDigits } from "./font_digits.ts";

Deno.test("font digits: 0-9 in turn, the same bytes from the same seed, others from another", async () => {
  const a = await makeFontDigits(30, 5), b = await makeFontDigits(30, 5);
  const c = await makeFontDigits(30, 6);
  assert.deepEqual([...a.labels], Array.from({ length: 30 }, (_, i) => i % 10));
  assert.deepEqual(a.pixels, b.pixels);
  assert.notDeepEqual(a.pixels, c.pixels);
  for (let i = 0; i < a.count; i++) {
    const image = a.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
    // Normalized as MNIST's digits are: bright ink on black, the border left dark.
    assert.ok(image.some((v) => v > 200), `font digit ${i} has no full ink`);
    for (let x = 0; x < 28; x++) assert.equal(image[x] + image[27 * 28 + x], 0);
  }
});

Deno.test("joinDigits keeps the first `limit` digits and leaves the held-out tail out", () => {
  const digits = {
    pixels: Uint8Array.from({ length: 4 * IMAGE_PIXELS }, (_, i) => Math.floor(i / IMAGE_PIXELS)),
    labels: new Uint8Array([0, 1, 2, 3]),
    count: 4,
  };
  const extra = {
    pixels: new Uint8Array(IMAGE_PIXELS).fill(7),
    labels: new Uint8Array([7]),
    count: 1,
  };
  const joined = joinDigits(digits, 3, extra);
  assert.equal(joined.count, 4);
  assert.deepEqual([...joined.labels], [0, 1, 2, 7]);
  assert.deepEqual(
    joined.pixels.subarray(2 * IMAGE_PIXELS, 3 * IMAGE_PIXELS),
    digits.pixels.subarray(2 * IMAGE_PIXELS, 3 * IMAGE_PIXELS),
  );
  assert.ok(joined.pixels.subarray(3 * IMAGE_PIXELS).every((v) => v === 7));
});
