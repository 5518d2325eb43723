import assert from "node:assert/strict";
import { loadSampleData } from "../data/sample.ts";
import { Random } from "../network/random.ts";
import { looksLikeOne } from "./digit_like.ts";
import { AVAILABLE_KINDS, makeNegatives, NEGATIVE_KINDS } from "./negatives.ts";
import { createNegativeSource, negativeSourceFromPool } from "./source.ts";

const digits = (await loadSampleData()).train;

Deno.test("the same seed gives the same negatives, byte for byte; another seed others", async () => {
  const options = { seed: 11, kinds: AVAILABLE_KINDS, digits };
  const a = await makeNegatives(10, options);
  const b = await makeNegatives(10, options);
  const c = await makeNegatives(10, { ...options, seed: 12 });
  assert.deepEqual(new Uint8Array(a.pixels.buffer), new Uint8Array(b.pixels.buffer));
  assert.deepEqual(a.names, b.names);
  assert.notDeepEqual(a.pixels, c.pixels);
});

Deno.test("made in worker threads, the negatives are the same, byte for byte", async () => {
  const options = { seed: 13, kinds: ["icons", "digit-mashups", "shapes"] as const, digits };
  const here = await makeNegatives(6, options);
  const threads = await makeNegatives(6, { ...options, workers: 2 });
  assert.deepEqual(new Uint8Array(threads.pixels.buffer), new Uint8Array(here.pixels.buffer));
  assert.deepEqual(threads.names, here.names);
  assert.deepEqual(threads.kinds, here.kinds);
  assert.deepEqual(threads.refusedByRules, here.refusedByRules);
  assert.deepEqual(threads.stats, here.stats);
});

Deno.test("a kind's negatives do not depend on which other kinds are asked for", async () => {
  const alone = await makeNegatives(3, { seed: 4, kinds: ["shapes"] });
  const mixed = await makeNegatives(6, { seed: 4, kinds: ["textures", "shapes"], digits });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(
      mixed.pixels.subarray((2 * i + 1) * 784, (2 * i + 2) * 784),
      alone.pixels.subarray(i * 784, (i + 1) * 784),
    );
  }
});

for (const kind of AVAILABLE_KINDS) {
  Deno.test(`every "${kind}" negative has ink, fitted like a digit in 28x28`, async () => {
    const set = await makeNegatives(12, { seed: 3, kinds: [kind], digits });
    const stats = set.stats[kind]!;
    assert.equal(stats.kept, 12);
    assert.equal(stats.drawn, stats.kept + stats.blank + stats.fragment + stats.digitLike);
    for (let i = 0; i < set.count; i++) {
      const image = set.pixels.subarray(i * 784, (i + 1) * 784);
      assert.equal(set.kinds[i], NEGATIVE_KINDS.indexOf(kind));
      assert.ok(set.names[i].startsWith(`${kind}/`));
      // Ink, and some of it full strength (the normalizer stretches it like MNIST's).
      assert.ok(image.filter((v) => v > 0.5).length >= 10, `${set.names[i]} is nearly blank`);
      assert.ok(image.every((v) => v >= 0 && v <= 1));
      // Fitted in the 20x20 box in the middle: the outer two rows are empty.
      for (let x = 0; x < 28; x++) assert.equal(image[x], 0, `${set.names[i]}: ink in row 0`);
    }
  });
}

Deno.test("a lone upright or slanted stroke reads as a 1 and is no negative; a dash is one", () => {
  const bar = new Float32Array(784), slash = new Float32Array(784), dash = new Float32Array(784);
  for (let y = 4; y < 24; y++) bar.fill(1, y * 28 + 12, y * 28 + 16);
  for (let y = 4; y < 24; y++) slash.fill(1, y * 28 + 20 - y / 2, y * 28 + 23 - y / 2);
  for (let y = 12; y < 16; y++) dash.fill(1, y * 28 + 4, y * 28 + 24);
  assert.equal(looksLikeOne(bar), true);
  assert.equal(looksLikeOne(slash), true);
  assert.equal(looksLikeOne(dash), false);
  const cross = new Float32Array(784);
  for (let k = 4; k < 24; k++) cross[k * 28 + k] = cross[k * 28 + 27 - k] = 1;
  assert.equal(looksLikeOne(cross), false);
});

Deno.test("a negative source hands out varied pool images, the same for the same generator", async () => {
  const source = await createNegativeSource({ seed: 2, poolSize: 8, digits });
  const a = new Float32Array(32 * 784), b = new Float32Array(32 * 784);
  source.fill(a, 32, new Random(9));
  source.fill(b, 32, new Random(9));
  assert.deepEqual(a, b);
  for (let k = 0; k < 32; k++) {
    const image = a.subarray(k * 784, (k + 1) * 784);
    assert.ok(image.some((v) => v > 0.5), `image ${k} is blank`);
    // Distorted: no image is a pool image copied as it is.
    for (let p = 0; p < source.pool.count; p++) {
      assert.notDeepEqual(image, source.pool.pixels.subarray(p * 784, (p + 1) * 784));
    }
  }
});

Deno.test("a source over a pool made before hands out what createNegativeSource does", async () => {
  const made = await createNegativeSource({ seed: 6, poolSize: 5, kinds: ["icons", "shapes"] });
  const shared = new Float32Array(new SharedArrayBuffer(made.pool.pixels.byteLength));
  shared.set(made.pool.pixels);
  const again = negativeSourceFromPool({ pixels: shared, kinds: made.pool.kinds, count: 5 });
  const a = new Float32Array(16 * 784), b = new Float32Array(16 * 784);
  made.fill(a, 16, new Random(1));
  again.fill(b, 16, new Random(1));
  assert.deepEqual(a, b);
  assert.throws(() => negativeSourceFromPool({ ...made.pool, count: 9 }), /pool of 9 needs/);
});

Deno.test("bad requests are refused with the value named", async () => {
  await assert.rejects(() => makeNegatives(-1, { seed: 1 }), /whole number >= 0, got -1/);
  await assert.rejects(() => makeNegatives(1, { seed: 1, kinds: [] }), /no kinds/);
  await assert.rejects(
    // @ts-expect-error: a kind that does not exist
    () => makeNegatives(1, { seed: 1, kinds: ["photos"] }),
    /unknown kind of negative "photos"/,
  );
  await assert.rejects(
    () => makeNegatives(1, { seed: 1, kinds: ["digit-mashups"] }),
    /need MNIST training digits/,
  );
});
