/** One 8-connected blob of ink. */
export interface Component {
  /** Label in the `labels` grid (1-based). */
  label: number;
  /** Pixel count. */
  area: number;
  /** Sum of the ink values of its pixels. */
  mass: number;
  /** The strongest ink value among its pixels. */
  peak: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Labels the 8-connected components of the pixels where `ink >= threshold`.
 * `labels[i]` is 0 for background, else the 1-based label of pixel i's component.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelComponents } from "./components.ts";
 *
 * // 5x2: an L-shaped blob of three pixels on the left, one pixel on the right.
 * const ink = new Float32Array([
 *   1, 1, 0, 0, 0,
 *   1, 0, 0, 0, 1,
 * ]);
 * const { labels, components } = labelComponents(ink, 5, 2, 0.5);
 * assert.deepEqual(Array.from(labels), [1, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
 * assert.deepEqual(components.map((c) => c.area), [3, 1]);
 * ```
 */
export function labelComponents(
  ink: Float32Array,
  width: number,
  height: number,
  threshold: number,
): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(width * height);
  const components: Component[] = [];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < ink.length; start++) {
    if (labels[start] !== 0 || ink[start] < threshold) continue;
    const label = components.length + 1;
    const c: Component = {
      label,
      area: 0,
      mass: 0,
      peak: -Infinity,
      x0: width,
      y0: height,
      x1: -1,
      y1: -1,
    };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const i = stack[--top];
      const x = i % width, y = (i - x) / width;
      c.area++;
      c.mass += ink[i];
      if (ink[i] > c.peak) c.peak = ink[i];
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (labels[j] === 0 && ink[j] >= threshold) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    components.push(c);
  }
  return { labels, components };
}

/**
 * Picks the components that make up the digit: the heaviest one, plus every other one that
 * is heavy enough and close enough to what is kept so far (the separate strokes of a 4 or 5,
 * a broken loop), leaving out specks of dirt and noise away from it. Heavier pieces may lie
 * farther away. Returns the kept components, heaviest first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelComponents, selectDigitComponents } from "./components.ts";
 *
 * // 7x7: a stroke of seven pixels and, far from it, a speck of dirt.
 * const ink = new Float32Array(49);
 * for (let y = 0; y < 7; y++) ink[y * 7 + 1] = 1;
 * ink[3 * 7 + 6] = 0.6;
 * const { components } = labelComponents(ink, 7, 7, 0.5);
 * assert.equal(components.length, 2);
 * assert.deepEqual(selectDigitComponents(components).map((c) => c.area), [7]); // speck left out
 * ```
 */
export function selectDigitComponents(components: Component[]): Component[] {
  if (components.length === 0) return [];
  const byMass = [...components].sort((a, b) => b.mass - a.mass);
  const main = byMass[0];
  const kept = [main];
  const box = { x0: main.x0, y0: main.y0, x1: main.x1, y1: main.y1 };
  let keptMass = main.mass;
  let candidates = byMass.slice(1);
  for (let changed = true; changed;) {
    changed = false;
    const remaining: Component[] = [];
    for (const c of candidates) {
      const size = Math.max(box.x1 - box.x0, box.y1 - box.y0) + 1;
      const gap = Math.max(box.x0 - c.x1, c.x0 - box.x1, box.y0 - c.y1, c.y0 - box.y1, 0);
      const share = c.mass / keptMass;
      // A real stroke is a sizeable share of the digit; a speck is tiny or far away.
      const reach = share >= 0.2 ? 0.5 * size : share >= 0.04 ? 0.2 * size : 0;
      if (share >= 0.04 && gap <= reach) {
        kept.push(c);
        keptMass += c.mass;
        box.x0 = Math.min(box.x0, c.x0);
        box.y0 = Math.min(box.y0, c.y0);
        box.x1 = Math.max(box.x1, c.x1);
        box.y1 = Math.max(box.y1, c.y1);
        changed = true;
      } else {
        remaining.push(c);
      }
    }
    candidates = remaining;
  }
  return kept;
}
