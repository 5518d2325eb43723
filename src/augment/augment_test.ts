import assert from "node:assert/strict";
import { Random } from "../network/random.ts";
import { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT, IDENTITY_AUGMENT } from "./augment.ts";

/** A "0"-like digit: an upright elliptical ring, 1.5 px thick, centered at (13.5, 13.5). */
function ringDigit(): Float32Array {
  const pixels = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const r = Math.hypot((x - 13.5) / 5, (y - 13.5) / 8);
      pixels[y * 28 + x] = Math.max(0, Math.min(1, 1.5 - Math.abs(r - 1) * 7));
    }
  }
  return pixels;
}

function centerOfMass(pixels: Float32Array): { x: number; y: number; ink: number } {
  let ink = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < 784; i++) {
    ink += pixels[i];
    x += pixels[i] * (i % 28);
    y += pixels[i] * Math.floor(i / 28);
  }
  return { x: x / ink, y: y / ink, ink };
}

function augmented(source: Float32Array, seed: number, options: AugmentOptions): Float32Array {
  const target = new Float32Array(784);
  augmentDigit(source, target, new Random(seed), options);
  return target;
}

const only = (changes: Partial<AugmentOptions>): AugmentOptions => ({
  ...IDENTITY_AUGMENT,
  ...changes,
});

Deno.test("identity options copy the digit exactly", () => {
  const digit = ringDigit();
  // Real MNIST bytes are k/255; use such values too, not just the ring's.
  for (let i = 0; i < 784; i += 7) digit[i] = ((i * 37) % 256) / 255;
  for (const seed of [1, 2, 3]) assert.deepEqual(augmented(digit, seed, IDENTITY_AUGMENT), digit);
});

Deno.test("the same seed gives the same digit, other seeds other digits", () => {
  const digit = ringDigit();
  const first = augmented(digit, 42, DEFAULT_AUGMENT);
  assert.deepEqual(augmented(digit, 42, DEFAULT_AUGMENT), first);
  for (const seed of [43, 44, 45]) {
    const other = augmented(digit, seed, DEFAULT_AUGMENT);
    let differing = 0;
    for (let i = 0; i < 784; i++) if (Math.abs(other[i] - first[i]) > 0.1) differing++;
    assert.ok(differing > 20, `seed ${seed} changed only ${differing} pixels`);
  }
});

Deno.test("default distortions keep the digit recognizable: ink, center, value range", () => {
  const digit = ringDigit();
  const before = centerOfMass(digit);
  let sumDx = 0;
  let sumDy = 0;
  let largestShift = 0;
  const ratios: number[] = [];
  const trials = 300;
  for (let seed = 0; seed < trials; seed++) {
    const out = augmented(digit, seed, DEFAULT_AUGMENT);
    for (const value of out) assert.ok(value >= 0 && value <= 1, `pixel ${value} outside 0..1`);
    const after = centerOfMass(out);
    ratios.push(after.ink / before.ink);
    sumDx += after.x - before.x;
    sumDy += after.y - before.y;
    largestShift = Math.max(largestShift, Math.hypot(after.x - before.x, after.y - before.y));
  }
  // Scale 0.9..1.1 changes the area by 0.81..1.21; elastic stretching thickens or thins
  // strokes further (up to about +-40% for 1 digit in 100).
  ratios.sort((a, b) => a - b);
  const quantile = (q: number) => ratios[Math.floor(q * (trials - 1))];
  assert.ok(quantile(0) > 0.45 && quantile(1) < 1.9, `ink ratio ${quantile(0)}..${quantile(1)}`);
  assert.ok(
    quantile(0.1) > 0.7 && quantile(0.9) < 1.35,
    `10%..90%: ${quantile(0.1)}..${quantile(0.9)}`,
  );
  assert.ok(Math.abs(quantile(0.5) - 1) < 0.05, `median ink ratio ${quantile(0.5)}`);
  // Shifts of up to 2 px per axis, plus elastic drift (a field this smooth also moves the
  // digit as a whole, by about a pixel): never far off center...
  assert.ok(largestShift < 6, `center of mass moved ${largestShift} px`);
  assert.ok(largestShift > 1.5, `center of mass never moved more than ${largestShift} px`);
  // ...and not pushed in any direction on average.
  assert.ok(Math.abs(sumDx / trials) < 0.25 && Math.abs(sumDy / trials) < 0.25);
});

Deno.test("a shift moves the digit by at most shiftPixels per axis, both ways", () => {
  const digit = ringDigit();
  const before = centerOfMass(digit);
  const moves: number[] = [];
  for (let seed = 0; seed < 100; seed++) {
    const after = centerOfMass(augmented(digit, seed, only({ shiftPixels: 2 })));
    assert.ok(Math.abs(after.ink - before.ink) < 1e-3 * before.ink, "a shift keeps all the ink");
    moves.push(after.x - before.x, after.y - before.y);
  }
  assert.ok(Math.max(...moves) <= 2.001 && Math.min(...moves) >= -2.001);
  assert.ok(Math.max(...moves) > 1.5 && Math.min(...moves) < -1.5);
});

Deno.test("a rotation turns the digit about the center, keeping its ink", () => {
  const digit = ringDigit();
  const before = centerOfMass(digit);
  let changed = 0;
  for (let seed = 0; seed < 50; seed++) {
    const out = augmented(digit, seed, only({ rotationDegrees: 12 }));
    const after = centerOfMass(out);
    assert.ok(Math.abs(after.ink - before.ink) < 0.03 * before.ink);
    assert.ok(Math.hypot(after.x - before.x, after.y - before.y) < 0.1);
    if (out.some((value, i) => Math.abs(value - digit[i]) > 0.2)) changed++;
  }
  assert.ok(changed > 40, `only ${changed} of 50 rotations changed the ring visibly`);
});

Deno.test("elastic distortion displaces pixels smoothly by about alpha * smoothed noise", () => {
  // A horizontal ramp whose value is the x coordinate: the output reveals each displacement.
  const ramp = new Float32Array(784);
  for (let i = 0; i < 784; i++) ramp[i] = (i % 28) / 27;
  const displacement = (out: Float32Array, y: number, x: number) => out[y * 28 + x] * 27 - x;
  let squares = 0;
  let jumps = 0;
  let n = 0;
  const rng = new Random(9);
  const out = new Float32Array(784);
  for (let trial = 0; trial < 500; trial++) {
    augmentDigit(ramp, out, rng, only({ elasticAlpha: 34, elasticSigma: 4 }));
    for (let y = 6; y < 22; y++) {
      for (let x = 6; x < 22; x++) {
        const d = displacement(out, y, x);
        squares += d * d;
        jumps += (displacement(out, y, x + 1) - d) ** 2;
        n++;
      }
    }
  }
  // Uniform(-1, 1) noise blurred by a sigma-4 Gaussian has spread 0.577 / (2 sqrt(pi) 4) = 0.041;
  // times alpha 34 that is 1.38 px (a coarse field loses up to ~10% of it).
  const spread = Math.sqrt(squares / n);
  assert.ok(spread > 1.1 && spread < 1.6, `displacement spread ${spread} px`);
  // Smooth: neighbouring pixels move almost together.
  const jump = Math.sqrt(jumps / n);
  assert.ok(jump < 0.35, `neighbouring displacements differ by ${jump} px`);
});

Deno.test("pixels mapped from outside the image are background", () => {
  const full = new Float32Array(784).fill(1);
  const out = augmented(full, 3, only({ scaleMin: 0.5, scaleMax: 0.5 }));
  // Shrunk to half size, the all-ink image fills pixels 7..20 and leaves a blank border.
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const inside = x >= 7 && x <= 20 && y >= 7 && y <= 20;
      const outside = x <= 5 || x >= 22 || y <= 5 || y >= 22;
      if (inside) assert.equal(out[y * 28 + x], 1, `pixel ${x},${y}`);
      if (outside) assert.equal(out[y * 28 + x], 0, `pixel ${x},${y}`);
    }
  }
});
