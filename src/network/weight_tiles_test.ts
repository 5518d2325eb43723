import assert from "node:assert/strict";
import { Random } from "./mod.ts";
import { Network } from "./network.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { defaultOptimizerSettings } from "./optimizer.ts";
import { PANEL_EVERY, PanelProbe, type TrainPanel } from "./weight_tiles.ts";

Deno.test("PanelProbe: a panel after the first batch and every PANEL_EVERY, measuring one update", () => {
  // tanh: on random inputs with two labels, ReLU units would soon all die (gradient 0)
  const layers = parseLayerSpec("conv5x4,pool,dense8", { activation: "tanh" });
  const network = new Network(layers, { seed: 1, maxBatch: 2 });
  const probe = new PanelProbe(network, 3);
  const labels = new Uint8Array([1, 7]);
  const rng = new Random(3);
  const panels: TrainPanel[] = [];
  for (let batch = 1; batch <= 2 * PANEL_EVERY; batch++) {
    for (let i = 0; i < 2 * 784; i++) network.input[i] = rng.next();
    network.trainBatch(labels, 2, defaultOptimizerSettings("adam"), 0.001);
    const panel = probe.afterBatch();
    if (panel) panels.push(panel);
  }
  assert.deepEqual(panels.map((p) => p.batch), [1, PANEL_EVERY, 2 * PANEL_EVERY]);
  const [first, second] = panels;
  assert.ok(first.layers.every((l) => Number.isNaN(l.updateRatio)), "no snapshot before batch 1");
  assert.ok(second.layers.every((l) => l.updateRatio > 0 && l.updateRatio < 0.5));
  assert.equal(second.conv, true);
  assert.equal(second.tiles.length, 3);
  assert.equal(second.tiles[0].length, 25);
  // copies: training on does not change a panel already sent
  const kept = second.tiles[0].slice();
  network.trainBatch(labels, 2, defaultOptimizerSettings("adam"), 0.1);
  assert.deepEqual(second.tiles[0], kept);
});
