/**
 * Textures and photo-like clutter: what a photo of a thing (a dog, a car, a wall) becomes when
 * our normalizer cuts its darkest pieces out. Procedural: value noise, blobs, stripes,
 * checkerboards, gradients with hard edges, one solid thing on a ground, and scenes mixing
 * them, at photo-like sizes.
 */
import type { GrayImage } from "../image/mod.ts";
import type { Random } from "../network/random.ts";

type TextureMaker = (rng: Random, width: number, height: number) => Float32Array;

/**
 * Smooth value noise in 0..1: random values on a lattice `cell` pixels apart, interpolated
 * with a smoothstep, summed over `octaves` halving the cell each time.
 */
function valueNoise(
  rng: Random,
  width: number,
  height: number,
  cell: number,
  octaves: number,
): Float32Array {
  const out = new Float32Array(width * height);
  let amplitude = 1, total = 0;
  for (let o = 0; o < octaves && cell >= 2; o++, cell /= 2, amplitude *= 0.5) {
    const gw = Math.ceil(width / cell) + 2, gh = Math.ceil(height / cell) + 2;
    const lattice = new Float32Array(gw * gh);
    for (let i = 0; i < lattice.length; i++) lattice[i] = rng.next();
    for (let y = 0; y < height; y++) {
      const gy = y / cell, y0 = Math.floor(gy), ty = smooth(gy - y0);
      for (let x = 0; x < width; x++) {
        const gx = x / cell, x0 = Math.floor(gx), tx = smooth(gx - x0);
        const a = lattice[y0 * gw + x0], b = lattice[y0 * gw + x0 + 1];
        const c = lattice[(y0 + 1) * gw + x0], d = lattice[(y0 + 1) * gw + x0 + 1];
        const top = a + tx * (b - a), bottom = c + tx * (d - c);
        out[y * width + x] += amplitude * (top + ty * (bottom - top));
      }
    }
    total += amplitude;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Paints a filled ellipse of gray `value` (soft 1-px edge) over `out`. */
function fillEllipse(
  out: Float32Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  angle: number,
  value: number,
): void {
  const cos = Math.cos(angle), sin = Math.sin(angle), reach = Math.max(rx, ry) + 1;
  const r = Math.min(rx, ry);
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(height, cy + reach); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(width, cx + reach); x++) {
      const u = (cos * (x - cx) + sin * (y - cy)) / rx, v = (-sin * (x - cx) + cos * (y - cy)) / ry;
      // Signed distance to the edge, roughly in pixels.
      const inside = (1 - Math.sqrt(u * u + v * v)) * r + 0.5;
      if (inside <= 0) continue;
      const a = Math.min(1, inside), i = y * width + x;
      out[i] = out[i] + a * (value - out[i]);
    }
  }
}

/** The textures by name. Each returns luminance [height x width] in 0..1. */
export const TEXTURES: Readonly<Record<string, TextureMaker>> = {
  noise(rng, width, height) {
    const cell = rng.uniform(6, Math.max(8, width / 3));
    return stretch(valueNoise(rng, width, height, cell, 1 + rng.int(4)), rng);
  },
  blobs(rng, width, height) {
    // Noise cut at a level: dark islands of many sizes, like foliage or fur in shade.
    const noise = valueNoise(rng, width, height, rng.uniform(8, width / 2), 2 + rng.int(3));
    const level = rng.uniform(0.35, 0.6), soft = rng.uniform(0.02, 0.1);
    return noise.map((v) => 1 / (1 + Math.exp(-(v - level) / soft)));
  },
  ellipses(rng, width, height) {
    const out = new Float32Array(width * height).fill(rng.uniform(0.3, 1));
    const count = 2 + rng.int(12);
    for (let k = 0; k < count; k++) {
      const r = rng.uniform(0.05, 0.35) * width;
      fillEllipse(
        out,
        width,
        height,
        rng.uniform(0, width),
        rng.uniform(0, height),
        r,
        r * rng.uniform(0.3, 1),
        rng.uniform(0, Math.PI),
        rng.next(),
      );
    }
    return out;
  },
  stripes(rng, width, height) {
    const period = rng.uniform(4, width / 3), angle = rng.uniform(0, Math.PI);
    const hard = rng.next() < 0.5, c = Math.cos(angle), s = Math.sin(angle);
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const wave = Math.sin((2 * Math.PI * (c * x + s * y)) / period);
        out[y * width + x] = hard ? (wave > 0 ? 0.9 : 0.15) : 0.5 + 0.4 * wave;
      }
    }
    return out;
  },
  checkerboard(rng, width, height) {
    const cell = rng.uniform(5, width / 3), angle = rng.uniform(0, Math.PI / 2);
    const c = Math.cos(angle), s = Math.sin(angle), out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = Math.floor((c * x + s * y) / cell), v = Math.floor((-s * x + c * y) / cell);
        out[y * width + x] = (u + v) % 2 === 0 ? 0.85 : 0.2;
      }
    }
    return out;
  },
  edge(rng, width, height) {
    // A gradient with a hard edge across it: a horizon, a table's rim, a wall's corner.
    const angle = rng.uniform(0, Math.PI), c = Math.cos(angle), s = Math.sin(angle);
    const at = rng.uniform(0.25, 0.75), a = rng.uniform(0, 1), b = rng.uniform(0, 1);
    const ramp = rng.uniform(-0.4, 0.4), out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (c * (x - width / 2) + s * (y - height / 2)) / width + 0.5;
        out[y * width + x] = Math.min(1, Math.max(0, (t < at ? a : b) + ramp * (t - 0.5)));
      }
    }
    return out;
  },
  object(rng, width, height) {
    // A photo of one thing: a solid body of irregular outline (a star-shaped blob whose radius
    // wobbles with the angle) with a few limbs, on a softly lit, slightly textured ground. Such
    // photos become one big filled silhouette in the normalizer: the commonest photo negative.
    const ground = valueNoise(rng, width, height, rng.uniform(10, width), 2);
    const base = rng.uniform(0.2, 0.9), spread = rng.uniform(0, 0.3);
    const out = ground.map((v) => base + spread * (v - 0.5));
    const tone = base > 0.55 ? rng.uniform(0, base - 0.3) : rng.uniform(base + 0.3, 1);
    const cx = rng.uniform(0.35, 0.65) * width, cy = rng.uniform(0.35, 0.65) * height;
    const radius = rng.uniform(0.08, 0.3) * Math.min(width, height);
    const stretch = rng.uniform(0.6, 1.6);
    const waves = Array.from({ length: 5 }, (_, k) => ({
      amplitude: rng.uniform(0, 0.25) / (k + 1),
      phase: rng.uniform(0, 6.3),
    }));
    const grain = valueNoise(rng, width, height, rng.uniform(3, 10), 2);
    const texture = rng.uniform(0, 0.25);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = (x - cx) / stretch, v = y - cy;
        const angle = Math.atan2(v, u);
        let edge = radius;
        for (let k = 0; k < waves.length; k++) {
          edge += radius * waves[k].amplitude * Math.sin((k + 1) * angle + waves[k].phase);
        }
        const inside = edge + 0.5 - Math.sqrt(u * u + v * v);
        if (inside <= 0) continue;
        const i = y * width + x;
        const value = tone + texture * (grain[i] - 0.5);
        out[i] = out[i] + Math.min(1, inside) * (value - out[i]);
      }
    }
    // Limbs, a head, a handle: ellipses reaching out of the body.
    for (let k = rng.int(5); k > 0; k--) {
      const angle = rng.uniform(0, 2 * Math.PI), reach = radius * rng.uniform(0.8, 1.3);
      const r = radius * rng.uniform(0.15, 0.45);
      fillEllipse(
        out,
        width,
        height,
        cx + stretch * reach * Math.cos(angle),
        cy + reach * Math.sin(angle),
        r,
        r * rng.uniform(0.3, 1),
        rng.uniform(0, Math.PI),
        tone,
      );
    }
    return out.map((v) => Math.min(1, Math.max(0, v)));
  },
  scene(rng, width, height) {
    // Photo-like clutter: a lit background, a few things in front, their texture and shade.
    const out = TEXTURES.edge(rng, width, height);
    const count = 1 + rng.int(5);
    for (let k = 0; k < count; k++) {
      const r = rng.uniform(0.1, 0.4) * width;
      fillEllipse(
        out,
        width,
        height,
        rng.uniform(0.1, 0.9) * width,
        rng.uniform(0.1, 0.9) * height,
        r,
        r * rng.uniform(0.4, 1),
        rng.uniform(0, Math.PI),
        rng.next(),
      );
    }
    const grain = valueNoise(rng, width, height, rng.uniform(3, 12), 2);
    const amount = rng.uniform(0, 0.3);
    return out.map((v, i) => Math.min(1, Math.max(0, v + amount * (grain[i] - 0.5))));
  },
};

/** The texture names, in a fixed order (the order the seed picks from). */
export const TEXTURE_NAMES: readonly string[] = Object.keys(TEXTURES);

/**
 * How often each texture is drawn, relative to the others: photos of one thing and cluttered
 * scenes are what people hand in most; patterns are rarer.
 */
const TEXTURE_WEIGHTS: Readonly<Record<string, number>> = { object: 4, scene: 2 };

/** The texture names repeated by weight: a uniform pick from it is a weighted pick. */
const WEIGHTED_NAMES: readonly string[] = TEXTURE_NAMES.flatMap((name) =>
  Array<string>(TEXTURE_WEIGHTS[name] ?? 1).fill(name)
);

/** Noise spread over a random part of the gray range. */
function stretch(values: Float32Array, rng: Random): Float32Array {
  const low = rng.uniform(0, 0.4), high = rng.uniform(0.6, 1);
  return values.map((v) => low + (high - low) * v);
}

/**
 * One random texture at a photo-like size (64..128 pixels a side, not always square), with
 * sensor noise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { drawTexture } from "./textures.ts";
 *
 * const picture = drawTexture(new Random(5));
 * assert.equal(picture.luminance.length, picture.width * picture.height);
 * ```
 */
export function drawTexture(rng: Random, name?: string): GrayImage & { name: string } {
  const chosen = name ?? WEIGHTED_NAMES[rng.int(WEIGHTED_NAMES.length)];
  const width = 64 + rng.int(65);
  const height = Math.round(width * rng.uniform(0.7, 1.3));
  const luminance = TEXTURES[chosen](rng, width, height);
  const noise = rng.uniform(0, 0.03);
  for (let i = 0; i < luminance.length; i++) {
    luminance[i] = Math.min(1, Math.max(0, luminance[i] + noise * rng.gaussian()));
  }
  return { width, height, luminance, name: chosen };
}
