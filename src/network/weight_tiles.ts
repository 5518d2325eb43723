/**
 * Weights as pictures: each first-layer unit's incoming weights as a tile (28x28 for a dense
 * unit, k x k for a conv filter), scaled so its structure shows (`displayTile`: clipped at a
 * quantile, the border pixels no digit inks marked), and the Train screen's live panel of a
 * few tiles and each layer's gradient (`PanelProbe`). Engine side: copies of small data, no
 * rendering (src/text/tile_grid.ts draws them).
 *
 * @module
 */
import type { Network } from "./network.ts";
import { type DigitImages, type LayerTrainingStats, TrainingMonitor } from "./inspect.ts";

/** The geometry of `layer`'s weight tiles: 28x28 for dense units, k x k for conv filters. */
export function tileGeometry(network: Network, layer: number): { side: number; isConv: boolean } {
  const spec = network.layers[layer];
  if (spec.kind === "conv") return { side: spec.kernel, isConv: true };
  return { side: Math.round(Math.sqrt(network.layerSizes[0])), isConv: false };
}

/**
 * One unit's incoming weights as a tile: a dense unit's column [inputs], a conv filter's
 * k x k taps summed over its input channels (one for MNIST). A fresh copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { unitTile } from "./weight_tiles.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * const tile = unitTile(network, 0, 3); // hidden unit 3's 784 weights
 * assert.equal(tile.length, 784);
 * assert.equal(tile[5], network.weights[0][5 * 16 + 3]);
 * ```
 */
export function unitTile(network: Network, layer: number, unit: number): Float32Array {
  const weight = network.parameters.find((p) => p.name === `layers.${layer}.weight`)!;
  const spec = network.layers[layer];
  if (spec.kind === "conv") {
    // [out, k, k, in]: a filter's k x k taps (summed over input channels: one for MNIST)
    const [, k, , channels] = weight.shape;
    const tile = new Float32Array(k * k);
    for (let t = 0; t < k * k; t++) {
      for (let c = 0; c < channels; c++) tile[t] += weight.value[(unit * k * k + t) * channels + c];
    }
    return tile;
  }
  // dense [in x out]: unit u's weights are column u
  const [inputs, outputs] = weight.shape;
  const tile = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) tile[i] = weight.value[i * outputs + unit];
  return tile;
}

/**
 * Which of the 784 pixels any of `images` inks (1) and which none does (0): MNIST's border
 * pixels are never inked, so a first-layer unit's weights there get no gradient and keep their
 * random start, a noisy frame that hides the unit's pattern.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inkedPixels } from "./weight_tiles.ts";
 *
 * const pixels = new Uint8Array(2 * 4);
 * pixels[1] = 200; // digit 0 inks pixel 1
 * pixels[4 + 2] = 3; // digit 1 inks pixel 2
 * assert.deepEqual(inkedPixels({ pixels, count: 2 }), new Uint8Array([0, 1, 1, 0]));
 * ```
 */
export function inkedPixels(images: DigitImages): Uint8Array {
  const size = images.pixels.length / Math.max(1, images.count);
  const inked = new Uint8Array(size);
  const { pixels } = images;
  for (let i = 0; i < pixels.length; i++) if (pixels[i] > 0) inked[i % size] = 1;
  return inked;
}

/**
 * A weight tile as it is shown: divided by the `clip` quantile of its magnitudes (0.98: the
 * strongest 2% saturate instead of dimming everything else) and clamped to -1..1; where
 * `inked` says no training digit ever inks a pixel (a dense tile of the same size), NaN, drawn
 * as a neutral mark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayTile } from "./weight_tiles.ts";
 *
 * const tile = new Float32Array([0.1, -0.2, 0.2, 5]);
 * const shown = displayTile(tile, { clip: 0.5, inked: new Uint8Array([1, 1, 1, 0]) });
 * assert.deepEqual([...shown.subarray(0, 3)], [0.5, -1, 1]);
 * assert.ok(Number.isNaN(shown[3]));
 * ```
 */
export function displayTile(
  tile: Float32Array,
  options: { inked?: Uint8Array; clip?: number } = {},
): Float32Array {
  const inked = options.inked?.length === tile.length ? options.inked : undefined;
  const magnitudes: number[] = [];
  for (let i = 0; i < tile.length; i++) if (!inked || inked[i]) magnitudes.push(Math.abs(tile[i]));
  magnitudes.sort((a, b) => a - b);
  const clip = options.clip ?? 1;
  const scale = magnitudes[Math.min(magnitudes.length - 1, Math.floor(clip * magnitudes.length))] ??
    0;
  const shown = new Float32Array(tile.length);
  for (let i = 0; i < tile.length; i++) {
    shown[i] = inked && !inked[i]
      ? NaN
      : scale > 0
      ? Math.max(-1, Math.min(1, tile[i] / scale))
      : 0;
  }
  return shown;
}

/**
 * How smooth a tile [side x side] is: the correlation between each pixel and its right and lower
 * neighbours (NaN pixels left out). Random weights give about 0; strokes and blobs, near 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { neighbourCorrelation } from "./weight_tiles.ts";
 *
 * const ramp = new Float32Array(16).map((_, i) => i % 4); // smooth left to right
 * assert.ok(neighbourCorrelation(ramp, 4) > 0.4);
 * const checker = new Float32Array(16).map((_, i) => ((i % 4) + Math.floor(i / 4)) % 2);
 * assert.ok(neighbourCorrelation(checker, 4) < -0.9);
 * ```
 */
export function neighbourCorrelation(tile: ArrayLike<number>, side: number): number {
  let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  const pair = (a: number, b: number) => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    n++;
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  };
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (x + 1 < side) pair(tile[y * side + x], tile[y * side + x + 1]);
      if (y + 1 < side) pair(tile[y * side + x], tile[(y + 1) * side + x]);
    }
  }
  if (n < 2) return 0;
  const cov = sab / n - (sa / n) * (sb / n);
  const va = saa / n - (sa / n) ** 2, vb = sbb / n - (sb / n) ** 2;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** The first `count` units' tiles of `layer` as shown (fewer when it has fewer). */
function firstTiles(
  network: Network,
  layer: number,
  count: number,
  inked: Uint8Array | undefined,
): Float32Array[] {
  const shape = network.layerShapes[layer];
  const units = Math.min(count, shape[shape.length - 1]);
  return Array.from(
    { length: units },
    (_, unit) => displayTile(unitTile(network, layer, unit), { inked, clip: TILE_CLIP }),
  );
}

/** The quantile of a tile's weight magnitudes shown at full brightness. */
export const TILE_CLIP = 0.98;

/** Batches between two looks at the weights (tiles, gradient norms, update ratios). */
export const PANEL_EVERY = 300;

/** What the Train screen's live panel shows: a few first-layer weight tiles and each layer's gradient. */
export interface TrainPanel {
  /** Batches trained in this run when it was taken. */
  batch: number;
  /**
   * A few first-layer units' weights as shown (dense: 28x28; conv: k x k filters): scaled to
   * -1..1 by `displayTile`, NaN where no training digit inks.
   */
  tiles: Float32Array[];
  tileSide: number;
  conv: boolean;
  /** Per layer with weights: gradient norm, and update/weight ratio of one update. */
  layers: LayerTrainingStats[];
}

/**
 * Takes the live panel's data from a training network every PANEL_EVERY batches (and after
 * the first), from its buffers: a snapshot of the weights one batch before, then the
 * gradients and the weights after that batch's update. Copies small data (a few tiles, a
 * number per layer), so the view never holds the network's live buffers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { PanelProbe } from "./weight_tiles.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * const probe = new PanelProbe(network, 4);
 * const panel = probe.afterBatch(); // the first batch: a panel at once
 * assert.equal(panel?.tiles.length, 4);
 * assert.equal(panel?.tiles[0].length, 784);
 * assert.equal(probe.afterBatch(), undefined);
 * ```
 */
export class PanelProbe {
  private readonly monitor: TrainingMonitor;
  private batches = 0;
  private readonly layer: number;
  /** The last periodic panel's update ratios, by layer: the only ones measured over one update. */
  private lastRatios = new Map<number, number>();

  /**
   * @param network the network being trained
   * @param tileCount how many first-layer tiles a panel holds
   * @param inked which pixels the training digits ink (`inkedPixels`), to mark the others
   */
  constructor(
    private readonly network: Network,
    private readonly tileCount = 8,
    private readonly inked?: Uint8Array,
  ) {
    this.monitor = new TrainingMonitor(network);
    this.layer = network.layers.findIndex((l) => l.kind === "conv" || l.kind === "dense");
  }

  /** Whether this batch is one a periodic panel is taken at: the first, then every PANEL_EVERY. */
  private periodic(): boolean {
    return this.batches === 1 || this.batches % PANEL_EVERY === 0;
  }

  /** Call after every batch's update; returns a panel when one is due. */
  afterBatch(): TrainPanel | undefined {
    this.batches++;
    const due = this.periodic();
    // one batch before a panel: remember the weights, to measure that one update
    if ((this.batches + 1) % PANEL_EVERY === 0) this.monitor.snapshot();
    if (!due) return undefined;
    const panel = this.panel();
    this.lastRatios = new Map(panel.layers.map((l) => [l.layer, l.updateRatio]));
    return panel;
  }

  /**
   * A panel of the weights as they are now (at the end of a run: its last look). Between
   * periodic panels the weights snapshot is older than one update, so the update ratios shown
   * are those of the last periodic panel.
   */
  panel(): TrainPanel {
    const periodic = this.periodic();
    const layers = this.monitor.measure();
    return {
      batch: this.batches,
      tiles: firstTiles(this.network, this.layer, this.tileCount, this.inked),
      tileSide: tileGeometry(this.network, this.layer).side,
      conv: this.network.layers[this.layer].kind === "conv",
      layers: periodic
        ? layers
        : layers.map((l) => ({ ...l, updateRatio: this.lastRatios.get(l.layer) ?? NaN })),
    };
  }
}
