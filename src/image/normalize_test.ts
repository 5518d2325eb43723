import assert from "node:assert/strict";
import {
  loadMnistTest,
  measureUserLikeQuality,
  renderUserLike,
  USER_LIKE_KINDS,
} from "../../tests/fixtures/user_like.ts";
import { skipUnless } from "../../tests/env.ts";
import { centerOfMass, inkBounds } from "./center_of_mass.ts";
import { decodeImageBytes } from "./decode.ts";
import type { GrayImage } from "./gray_image.ts";
import { normalizeDigit } from "./normalize.ts";
import { resize } from "./resample.ts";
import { strokeWidth } from "./stroke_width.ts";

// Most tests here measure normalizing on real MNIST test digits.
const ignore = skipUnless(import.meta, "mnist");
const mnist = ignore ? { images: [], labels: new Uint8Array() } : await loadMnistTest(300);

/** An MNIST digit as published: ink 1 on 0, 28x28. */
function original(i: number): Float32Array {
  return Float32Array.from(mnist.images[i], (v) => v / 255);
}

function gray(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const luminance = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) luminance[y * width + x] = f(x, y);
  }
  return { width, height, luminance };
}

/** Dark-ink-on-white page with MNIST digit `i` upscaled to `size` px at (left, top). */
function page(i: number, width: number, height: number, size: number, left: number, top: number) {
  const big = resize(original(i), 28, 28, size, size);
  return gray(width, height, (x, y) => {
    const u = x - left, v = y - top;
    const ink = u >= 0 && v >= 0 && u < size && v < size ? big[v * size + u] : 0;
    return 1 - 0.95 * ink;
  });
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

function mass(pixels: Float32Array): number {
  return pixels.reduce((a, b) => a + b, 0);
}

const grid28 = (pixels: Float32Array) => ({ width: 28, height: 28, pixels });

Deno.test({
  name: "an MNIST digit comes out of normalizeDigit nearly unchanged",
  ignore,
  fn: () => {
    let total = 0, thinned = 0, redrawn = 0;
    for (let i = 0; i < mnist.images.length; i++) {
      const raw = original(i);
      const image = { width: 28, height: 28, luminance: raw };
      const result = normalizeDigit(image);
      assert.ok(result.found, `digit ${i} not found`);
      const box = inkBounds(grid28(result.pixels))!;
      assert.equal(Math.max(box.width, box.height), 20, `digit ${i} box`);
      // Cropping, cutting at 100 px and shrinking back, scaling and centring: the soft edges
      // are made again (about 0.03 a pixel on average; a different digit differs by ~0.15),
      // and the worst cases are 1-pixel shifts where the centre of mass sits half-way.
      const kept = normalizeDigit(image, { normalizeStrokeWidth: false }).pixels;
      const diff = meanAbsDiff(kept, raw);
      total += diff;
      assert.ok(diff < 0.1, `digit ${i} changed by ${diff}`);
      // Strokes are left alone unless marker-fat (the fattest ~12% of MNIST), then made finer.
      const width = strokeWidth(raw, 28, 28);
      if (width < 3 && result.pixels.some((v, k) => v !== kept[k])) redrawn++;
      if (width > 4) {
        const finer = strokeWidth(result.pixels, 28, 28);
        assert.ok(finer < width - 0.4 && finer > 2.5, `digit ${i}: width ${width} -> ${finer}`);
        thinned++;
      }
    }
    assert.ok(total / mnist.images.length < 0.035, `mean change ${total / mnist.images.length}`);
    // The cut can leave a digit a shade past the widths that are redrawn: 1 of these 300.
    assert.ok(redrawn <= 3, `${redrawn} ordinary digits redrawn`);
    assert.ok(thinned >= 5, `only ${thinned} fat digits`);
  },
});

Deno.test({
  name: "output is 784 values in 0..1, ink bright, centre of mass at (14, 14), box 20",
  ignore,
  fn: () => {
    const result = normalizeDigit(page(0, 500, 400, 300, 20, 60));
    assert.ok(result.found);
    assert.equal(result.pixels.length, 784);
    assert.ok(result.pixels.every((v) => v >= 0 && v <= 1));
    const com = centerOfMass(grid28(result.pixels));
    assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, `COM ${com.x}, ${com.y}`);
    const box = inkBounds(grid28(result.pixels))!;
    assert.equal(Math.max(box.width, box.height), 20);
    assert.equal(result.pixels[0], 0, "background is dark");
  },
});

Deno.test({
  name: "a drawing canvas (ink = 1 on 0, small float grid) works, off-centre and small",
  ignore,
  fn: () => {
    const reference = normalizeDigit({ width: 28, height: 28, luminance: original(1) }).pixels;
    // The digit at 1.5x in the bottom-left of a 56x56 canvas.
    const big = resize(original(1), 28, 28, 42, 42);
    const canvas = gray(56, 56, (x, y) => {
      const u = x - 1, v = y - 13;
      return u >= 0 && v >= 0 && u < 42 && v < 42 ? big[v * 42 + u] : 0;
    });
    const result = normalizeDigit(canvas);
    assert.ok(result.found);
    assert.ok(meanAbsDiff(result.pixels, reference) < 0.05);
    // A digit squeezed into a corner of a 28x28 canvas is re-centred and scaled up.
    const small = resize(original(2), 28, 28, 14, 14);
    const corner = gray(28, 28, (x, y) => (x < 14 && y < 14 ? small[y * 14 + x] : 0));
    const fixed = normalizeDigit(corner);
    assert.ok(fixed.found);
    const com = centerOfMass(grid28(fixed.pixels));
    assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5);
    const reference2 = normalizeDigit({ width: 28, height: 28, luminance: original(2) }).pixels;
    assert.ok(meanAbsDiff(fixed.pixels, reference2) < 0.08);
  },
});

Deno.test({
  name: "dark ink on light and light ink on dark give the same digit",
  ignore,
  fn: () => {
    const light = page(3, 400, 300, 220, 100, 40);
    const dark = { ...light, luminance: light.luminance.map((v) => 1 - v) };
    const a = normalizeDigit(light), b = normalizeDigit(dark);
    assert.ok(a.found && b.found);
    assert.ok(meanAbsDiff(a.pixels, b.pixels) < 1e-3);
    const reference = normalizeDigit({ width: 28, height: 28, luminance: original(3) }).pixels;
    assert.ok(meanAbsDiff(a.pixels, reference) < 0.05);
  },
});

Deno.test({
  name: "uneven light is divided out: a digit under a strong gradient and vignette",
  ignore,
  fn: () => {
    const clean = page(4, 480, 360, 260, 150, 60);
    const lit = {
      ...clean,
      luminance: clean.luminance.map((v, i) => {
        const x = (i % 480) / 480, y = Math.floor(i / 480) / 360;
        const light = (0.35 + 0.65 * x) * (1 - 0.4 * ((x - 0.5) ** 2 + (y - 0.5) ** 2));
        return v * light;
      }),
    };
    const a = normalizeDigit(clean), b = normalizeDigit(lit);
    assert.ok(a.found && b.found);
    assert.ok(meanAbsDiff(a.pixels, b.pixels) < 0.03, `${meanAbsDiff(a.pixels, b.pixels)}`);
    // The same light on blank paper is not a digit.
    const blankLit = {
      ...lit,
      luminance: lit.luminance.map((_, i) => lit.luminance[i] / clean.luminance[i]),
    };
    assert.equal(normalizeDigit(blankLit).found, false);
  },
});

Deno.test("blank images and noise give found: false with the reason", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const blanks: [string, GrayImage][] = [
    ["white", gray(400, 300, () => 1)],
    ["black", gray(400, 300, () => 0)],
    ["gray", gray(120, 90, () => 0.5)],
    ["empty canvas", gray(28, 28, () => 0)],
    ["1x1", gray(1, 1, () => 0)],
    ["noise", gray(300, 300, () => 0.7 + 0.1 * (random() + random() + random() - 1.5))],
    ["specks", gray(300, 300, () => (random() < 0.002 ? 0 : 1))],
    ["gradient", gray(400, 300, (x, y) => 0.3 + 0.35 * (x / 400 + y / 300))],
  ];
  for (const [name, image] of blanks) {
    const result = normalizeDigit(image);
    assert.equal(result.found, false, name);
    assert.equal(result.reason, "no digit found", name);
    assert.equal(result.pixels.length, 784, name);
    assert.ok(result.pixels.every((v) => v === 0), name);
  }
});

Deno.test({
  name: "specks of dirt away from the digit are ignored",
  ignore,
  fn: () => {
    const clean = page(5, 600, 450, 250, 200, 120);
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const dirty = { ...clean, luminance: clean.luminance.slice() };
    for (let k = 0; k < 40; k++) {
      // Dots 2-4 px wide in the margins left and right of the digit.
      const cx = random() < 0.5 ? 20 + random() * 150 : 470 + random() * 110;
      const cy = 10 + random() * 430, r = 1 + random();
      for (let y = Math.floor(cy - r); y <= cy + r; y++) {
        for (let x = Math.floor(cx - r); x <= cx + r; x++) {
          if (Math.hypot(x - cx, y - cy) <= r) dirty.luminance[y * 600 + x] = 0.1;
        }
      }
    }
    const a = normalizeDigit(clean), b = normalizeDigit(dirty);
    assert.ok(b.found);
    assert.ok(meanAbsDiff(a.pixels, b.pixels) < 0.005, `${meanAbsDiff(a.pixels, b.pixels)}`);
  },
});

Deno.test("a digit drawn in separate strokes keeps all its pieces", () => {
  // A "4" in two strokes with a gap: an open angle on the left, a vertical bar on the right.
  const image = gray(300, 300, (x, y) => {
    const angle = (Math.abs(x - 100) < 8 && y > 60 && y < 170) ||
      (Math.abs(y - 170) < 8 && x > 92 && x < 190);
    const bar = Math.abs(x - 205) < 8 && y > 50 && y < 250;
    return angle || bar ? 0.1 : 0.95;
  });
  const result = normalizeDigit(image);
  assert.ok(result.found);
  let left = 0, right = 0;
  result.pixels.forEach((v, i) => (i % 28 < 16 ? (left += v) : (right += v)));
  assert.ok(left > 0.3 * (left + right) && right > 0.2 * (left + right), `${left} / ${right}`);
  // The box spans both pieces: 121 x 200 px, so 12.1 x 20 in the 20-px box.
  const box = inkBounds(grid28(result.pixels))!;
  assert.deepEqual([box.width, box.height], [13, 20]);
});

Deno.test({
  name: "stroke width: thin brushes are thickened, huge ones thinned, MNIST range untouched",
  ignore,
  fn: () => {
    // A 3-px brush on an 800-px canvas: 0.1-px hair lines in 28x28 unless redrawn.
    let restoredDiff = 0, hairlineDiff = 0;
    for (let i = 10; i < 16; i++) {
      const image = decodeImageBytes(renderUserLike(mnist.images[i], "thin_pen", i).bytes, "t.png");
      const reference = normalizeDigit({ width: 28, height: 28, luminance: original(i) }).pixels;
      const restored = normalizeDigit(image).pixels;
      const hairline = normalizeDigit(image, { normalizeStrokeWidth: false }).pixels;
      assert.ok(mass(hairline) < 0.3 * mass(reference), `digit ${i} without: a faint hair line`);
      // Redrawn at a typical MNIST width (the original may have been thinner or bolder).
      const width = strokeWidth(restored, 28, 28);
      assert.ok(width > 1.8 && width < 3, `digit ${i} with: width ${width}`);
      const ratio = mass(restored) / mass(reference);
      assert.ok(ratio > 0.6 && ratio < 1.5, `digit ${i} with: mass ratio ${ratio}`);
      restoredDiff += meanAbsDiff(restored, reference);
      hairlineDiff += meanAbsDiff(hairline, reference);
    }
    assert.ok(restoredDiff < 0.75 * hairlineDiff, `${restoredDiff} vs ${hairlineDiff}`);

    // A ring drawn with a brush a third of its size: far fatter than any MNIST zero.
    const ring = gray(
      200,
      200,
      (x, y) => (Math.abs(Math.hypot(x - 100, y - 100) - 60) < 25 ? 0 : 1),
    );
    const fat = normalizeDigit(ring, { normalizeStrokeWidth: false }).pixels;
    const finer = normalizeDigit(ring).pixels;
    assert.ok(strokeWidth(fat, 28, 28) > 5, `fat ${strokeWidth(fat, 28, 28)}`);
    const width = strokeWidth(finer, 28, 28);
    assert.ok(width > 2.8 && width < 4.5, `thinned ${width}`);
    // A digit within MNIST's range is not redrawn.
    const normal = page(7, 300, 300, 200, 50, 50);
    const a = normalizeDigit(normal).pixels;
    const b = normalizeDigit(normal, { normalizeStrokeWidth: false }).pixels;
    assert.deepEqual(a, b);
  },
});

Deno.test({
  name: "every user-like kind decodes and normalizes close to the original digit",
  ignore,
  fn: async () => {
    const quality = await measureUserLikeQuality(6, { seed: 500 });
    // The published digits, cut again at 100 px: their soft edges made again (~0.02 a pixel).
    assert.ok(quality.identity < 0.03, `identity ${quality.identity}`);
    for (const kind of USER_LIKE_KINDS) {
      const q = quality.kinds[kind];
      const label = `${kind}: ${JSON.stringify(q)}`;
      assert.equal(q.found, 1, label);
      // A different digit differs by ~0.15; a wrong polarity by ~0.5.
      assert.ok(q.meanAbsDiff < (kind === "thick_marker" ? 0.09 : 0.07), label);
      assert.ok(q.centerDistance < 1, label);
      // The marker is fatter on purpose: thinned towards MNIST's usual width, it keeps more ink.
      const [lo, hi] = kind === "thick_marker" ? [1.2, 1.8] : [0.85, 1.2];
      assert.ok(q.massRatio > lo && q.massRatio < hi, label);
    }
  },
});
