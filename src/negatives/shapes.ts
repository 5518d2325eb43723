/**
 * Doodles: the things people draw in a Draw canvas that are not digits (stars, crosses,
 * smileys, houses, arrows, spirals, scribbles...), as pen strokes with a hand's wobble.
 *
 * Left out because they are digits when drawn plainly: a circle or ellipse (a 0), a single
 * vertical or slanted line (a 1), a lollipop (a 9), a sideways figure eight (an 8 once turned).
 * A horizontal dash stays: no digit is a flat bar, and the Draw screen must refuse one. Some
 * doodles are filled in (a flat shape from a paint program: square, triangle, star, heart).
 */
import type { Random } from "../network/random.ts";
import { fillPolygon, type InkMap, type Polyline, strokePolylines } from "./raster.ts";

/** A doodle in unit coordinates (about -1..1 both ways, y down) and how far it may turn. */
interface Doodle {
  lines: Polyline[];
  /** Filled in (the first line is the outline), not drawn with a pen. */
  filled?: boolean;
  /** Largest rotation either way, in radians (a dash turned too far is a 1). */
  maxTurn: number;
}

type DoodleMaker = (rng: Random) => Doodle;

const TURN = (20 * Math.PI) / 180;

/** Points of an arc of the ellipse (cx, cy, rx, ry) from angle a0 to a1 (radians). */
function arc(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  a0: number,
  a1: number,
  steps = 32,
): Polyline {
  const line: Polyline = [];
  for (let i = 0; i <= steps; i++) {
    const a = a0 + ((a1 - a0) * i) / steps;
    line.push(cx + rx * Math.cos(a), cy + ry * Math.sin(a));
  }
  return line;
}

/** The drawn doodles by name; each a different thing with its own random proportions. */
const OUTLINES: Readonly<Record<string, DoodleMaker>> = {
  star(rng) {
    const points = 5 + rng.int(4), inner = rng.uniform(0.3, 0.55), phase = rng.uniform(0, 6.3);
    const line: Polyline = [];
    for (let i = 0; i <= 2 * points; i++) {
      const r = i % 2 === 0 ? 1 : inner, a = phase + (Math.PI * i) / points;
      line.push(r * Math.cos(a), r * Math.sin(a));
    }
    return { lines: [line], maxTurn: Math.PI };
  },
  cross(rng) {
    const w = rng.uniform(0.6, 1), h = rng.uniform(0.6, 1);
    return { lines: [[-w, -h, w, h], [w, -h, -w, h]], maxTurn: TURN };
  },
  smiley(rng) {
    const eye = rng.uniform(0.1, 0.18), smile = rng.uniform(0.4, 0.6);
    const lines: Polyline[] = [arc(0, 0, 1, rng.uniform(0.9, 1.1), 0, 2 * Math.PI, 48)];
    for (const side of [-1, 1]) lines.push([side * 0.35, -0.35 - eye, side * 0.35, -0.35 + eye]);
    const sad = rng.next() < 0.2;
    lines.push(
      sad
        ? arc(0, 0.75, smile, 0.3, 1.15 * Math.PI, 1.85 * Math.PI, 16)
        : arc(0, 0.1, smile, 0.45, 0.15 * Math.PI, 0.85 * Math.PI, 16),
    );
    return { lines, maxTurn: TURN };
  },
  house(rng) {
    const roof = rng.uniform(-1, -0.6), wall = rng.uniform(-0.3, 0);
    const lines: Polyline[] = [
      [-0.8, wall, -0.8, 1, 0.8, 1, 0.8, wall, -0.8, wall],
      [-0.95, wall + 0.05, 0, roof, 0.95, wall + 0.05],
    ];
    if (rng.next() < 0.6) lines.push([-0.2, 1, -0.2, 0.45, 0.2, 0.45, 0.2, 1]);
    if (rng.next() < 0.5) lines.push([0.35, 0.15, 0.6, 0.15, 0.6, 0.4, 0.35, 0.4, 0.35, 0.15]);
    return { lines, maxTurn: TURN };
  },
  arrow(rng) {
    // Pointing left or right (an arrow pointing up is too close to a 1 with a flag).
    const head = rng.uniform(0.3, 0.5), spread = rng.uniform(0.25, 0.5);
    const lines: Polyline[] = [[-1, 0, 1, 0], [1 - head, -spread, 1, 0, 1 - head, spread]];
    if (rng.next() < 0.3) lines.push([-1, -spread, -1 + head, 0, -1, spread]);
    if (rng.next() < 0.5) {
      for (const line of lines) for (let i = 0; i < line.length; i += 2) line[i] *= -1;
    }
    return { lines, maxTurn: (40 * Math.PI) / 180 };
  },
  square(rng) {
    // A plain box, sharp-cornered: squares and rectangles are shapes people draw, and no digit.
    const w = rng.uniform(0.5, 1), h = rng.uniform(0.5, 1);
    return { lines: [[-w, -h, w, -h, w, h, -w, h, -w, -h]], maxTurn: TURN };
  },
  box(rng) {
    const w = rng.uniform(0.6, 1), h = rng.uniform(0.5, 0.9);
    const lines: Polyline[] = [[-w, -h, w, -h, w, h, -w, h, -w, -h]];
    const inside = rng.int(3);
    if (inside === 0) lines.push([-w, -h, 0, 0.1 * h, w, -h]); // an envelope
    else if (inside === 1) lines.push([-w, -h, w, h], [w, -h, -w, h]);
    else lines.push([0, -h, 0, h], [-w, 0, w, 0]); // a window
    return { lines, maxTurn: TURN };
  },
  triangle(rng) {
    const top = rng.uniform(-0.5, 0.5);
    return { lines: [[-1, 0.8, top, -0.9, 1, 0.8, -1, 0.8]], maxTurn: Math.PI };
  },
  spiral(rng) {
    const turns = rng.uniform(2, 3.5), line: Polyline = [], steps = 120;
    const phase = rng.uniform(0, 6.3), sense = rng.next() < 0.5 ? 1 : -1;
    for (let i = 0; i <= steps; i++) {
      const t = i / steps, a = phase + sense * t * turns * 2 * Math.PI;
      line.push(t * Math.cos(a), t * Math.sin(a));
    }
    return { lines: [line], maxTurn: Math.PI };
  },
  zigzag(rng) {
    const teeth = 4 + rng.int(5), h = rng.uniform(0.3, 0.8), line: Polyline = [];
    for (let i = 0; i <= teeth; i++) line.push(-1 + (2 * i) / teeth, i % 2 === 0 ? -h : h);
    return { lines: [line], maxTurn: TURN };
  },
  scribble(rng) {
    // A smooth random walk: a heading that turns a little at every step.
    const line: Polyline = [];
    let x = 0, y = 0, heading = rng.uniform(0, 6.3);
    // Long enough to loop over itself: a short one is an S, a 2 or a 3.
    const steps = 100 + rng.int(80), step = rng.uniform(0.08, 0.15);
    let turn = 0;
    for (let i = 0; i < steps; i++) {
      turn = 0.8 * turn + rng.uniform(-0.35, 0.35);
      heading += turn;
      x += step * Math.cos(heading), y += step * Math.sin(heading);
      // Pulled back towards the middle so the scribble stays a clump.
      x *= 0.97, y *= 0.97;
      line.push(x, y);
    }
    return { lines: [line], maxTurn: Math.PI };
  },
  heart(rng) {
    const line: Polyline = [], steps = 64, fat = rng.uniform(0.9, 1.1);
    for (let i = 0; i <= steps; i++) {
      const t = (2 * Math.PI * i) / steps, s = Math.sin(t);
      const x = 16 * s * s * s;
      const y = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
      line.push((fat * x) / 16, -y / 16);
    }
    return { lines: [line], maxTurn: TURN };
  },
  sun(rng) {
    const r = rng.uniform(0.35, 0.5), rays = 6 + rng.int(7), lines: Polyline[] = [];
    lines.push(arc(0, 0, r, r, 0, 2 * Math.PI, 40));
    for (let i = 0; i < rays; i++) {
      const a = (2 * Math.PI * i) / rays;
      const c = Math.cos(a), s = Math.sin(a);
      lines.push([c * (r + 0.12), s * (r + 0.12), c, s]);
    }
    return { lines, maxTurn: Math.PI };
  },
  stickFigure(rng) {
    const head = rng.uniform(0.2, 0.28), arms = rng.uniform(-0.3, 0.1);
    return {
      lines: [
        arc(0, -1 + head, head * 0.8, head, 0, 2 * Math.PI, 24),
        [0, -1 + 2 * head, 0, 0.35],
        [-0.6, arms, 0, -0.3, 0.6, arms],
        [-0.45, 1, 0, 0.35, 0.45, 1],
      ],
      maxTurn: TURN,
    };
  },
  flower(rng) {
    const petals = 5 + rng.int(3), lines: Polyline[] = [arc(0, 0, 0.2, 0.2, 0, 6.3, 16)];
    for (let i = 0; i < petals; i++) {
      const a = (2 * Math.PI * i) / petals, c = Math.cos(a), s = Math.sin(a);
      const petal = arc(0, 0.6, 0.22, 0.4, 0, 2 * Math.PI, 20);
      for (let k = 0; k < petal.length; k += 2) {
        const px = petal[k], py = petal[k + 1];
        petal[k] = c * px - s * py, petal[k + 1] = s * px + c * py;
      }
      lines.push(petal);
    }
    return { lines, maxTurn: Math.PI };
  },
  wave(rng) {
    const periods = rng.uniform(1.5, 4), h = rng.uniform(0.2, 0.5), line: Polyline = [];
    for (let i = 0; i <= 80; i++) {
      const t = i / 80;
      line.push(-1 + 2 * t, h * Math.sin(t * periods * 2 * Math.PI));
    }
    return { lines: [line], maxTurn: TURN };
  },
  dash(rng) {
    const bend = rng.uniform(-0.08, 0.08);
    return { lines: [[-1, 0, 0, bend, 1, 0]], maxTurn: (12 * Math.PI) / 180 };
  },
  grid(rng) {
    const a = rng.uniform(0.25, 0.4), lines: Polyline[] = [];
    for (const c of [-a, a]) lines.push([c, -1, c, 1], [-1, c, 1, c]);
    return { lines, maxTurn: TURN };
  },
  checkMark(rng) {
    const knee = rng.uniform(-0.5, -0.2);
    return { lines: [[-1, 0, knee, 0.8, 1, -1]], maxTurn: TURN };
  },
  cloud(rng) {
    const bumps = 5 + rng.int(4), line: Polyline = [];
    for (let i = 0; i < bumps; i++) {
      const a0 = (2 * Math.PI * i) / bumps, a1 = (2 * Math.PI * (i + 1)) / bumps;
      const cx = 0.75 * Math.cos((a0 + a1) / 2), cy = 0.5 * Math.sin((a0 + a1) / 2);
      const r = rng.uniform(0.25, 0.35);
      line.push(...arc(cx, cy, r, r, (a0 + a1) / 2 - 1.4, (a0 + a1) / 2 + 1.4, 10));
    }
    return { lines: [line], maxTurn: TURN };
  },
  fish(rng) {
    const tail = rng.uniform(0.3, 0.45);
    const lines: Polyline[] = [
      [...arc(-0.1, 0, 0.75, 0.45, 0.25 * Math.PI, 1.75 * Math.PI, 32)],
      [0.45, -0.3, 1, tail, 1, -tail, 0.45, 0.3],
    ];
    if (rng.next() < 0.7) lines.push([-0.5, -0.12, -0.5, -0.04]); // the eye
    return { lines, maxTurn: TURN };
  },
  pineTree(rng) {
    const tiers = 2 + rng.int(2), lines: Polyline[] = [[-0.1, 0.6, -0.1, 1, 0.1, 1, 0.1, 0.6]];
    for (let t = 0; t < tiers; t++) {
      const top = -1 + (1.6 * t) / tiers, bottom = top + 1.6 / tiers + 0.15;
      const w = 0.45 + (0.5 * (t + 1)) / tiers;
      lines.push([-w, bottom, 0, top, w, bottom, -w, bottom]);
    }
    return { lines, maxTurn: TURN };
  },
};

/** Shapes also filled in, as a paint program draws them. */
const FILLABLE = ["square", "triangle", "star", "heart"];

/** Every doodle by name: the drawn ones and the filled ones (`filled-star`). */
export const DOODLES: Readonly<Record<string, DoodleMaker>> = {
  ...OUTLINES,
  ...Object.fromEntries(
    FILLABLE.map((
      name,
    ) => [`filled-${name}`, (rng: Random) => ({ ...OUTLINES[name](rng), filled: true })]),
  ),
};

/** The doodle names, in a fixed order (the order the seed picks from). */
export const DOODLE_NAMES: readonly string[] = Object.keys(DOODLES);

/**
 * Draws one random doodle as pen strokes on a square canvas of 48..128 pixels (one in five
 * 28..47): turned, stretched, bent a little like a hand's line, with a pen 1.5-5% of the
 * canvas wide.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { drawDoodle } from "./shapes.ts";
 *
 * const doodle = drawDoodle(new Random(3));
 * assert.ok(doodle.ink.some((v) => v > 0.9));
 * ```
 */
export function drawDoodle(rng: Random, name?: string): InkMap & { name: string } {
  const chosen = name ?? DOODLE_NAMES[rng.int(DOODLE_NAMES.length)];
  const doodle = DOODLES[chosen](rng);
  // One in five tiny (28-47 px: an MNIST-sized doodle), the rest 48-128.
  const size = rng.next() < 0.2 ? 28 + rng.int(20) : 48 + rng.int(81);
  const turn = rng.uniform(-doodle.maxTurn, doodle.maxTurn);
  const stretchX = rng.uniform(0.75, 1.25), stretchY = rng.uniform(0.75, 1.25);
  const half = (size / 2) * rng.uniform(0.55, 0.8);
  const cx = size / 2 + rng.uniform(-0.08, 0.08) * size;
  const cy = size / 2 + rng.uniform(-0.08, 0.08) * size;
  // The hand's wobble: a smooth displacement of a few per cent of the doodle's size.
  const wobble = rng.uniform(0, 0.06), kx = rng.uniform(1, 4), ky = rng.uniform(1, 4);
  const px = rng.uniform(0, 6.3), py = rng.uniform(0, 6.3);
  const cos = Math.cos(turn), sin = Math.sin(turn);
  const lines = doodle.lines.map((line) => {
    const placed: Polyline = [];
    for (let i = 0; i < line.length; i += 2) {
      const u = line[i] * stretchX, v = line[i + 1] * stretchY;
      const wu = u + wobble * Math.sin(kx * v + px), wv = v + wobble * Math.sin(ky * u + py);
      placed.push(cx + half * (cos * wu - sin * wv), cy + half * (sin * wu + cos * wv));
    }
    return placed;
  });
  const ink = new Float32Array(size * size);
  if (doodle.filled) fillPolygon(ink, size, size, lines[0]);
  strokePolylines(ink, size, size, lines, Math.max(0.7, rng.uniform(0.015, 0.05) * size));
  return { width: size, height: size, ink, name: chosen };
}
