/**
 * The Train screen's weight tiles show structure: after one epoch of the default recipe the
 * tiles as shown (displayTile: clipped, never-inked pixels marked) are smoother than after the
 * first batch, measured by the correlation of neighbouring pixels.
 */
import assert from "node:assert/strict";
import { loadSampleData } from "../data/sample.ts";
import {
  inkedPixels,
  neighbourCorrelation,
  PanelProbe,
  type TrainPanel,
} from "../network/weight_tiles.ts";
import { prepareTrainingSession, runTrainingSession } from "./session.ts";

const meanCorrelation = (panel: TrainPanel) =>
  panel.tiles.reduce((sum, tile) => sum + neighbourCorrelation(tile, panel.tileSide), 0) /
  panel.tiles.length;

Deno.test("the shown weight tiles' neighbour correlation rises from the first batch to the end of one epoch of the default recipe", async () => {
  const data = await loadSampleData();
  const dir = await Deno.makeTempDir();
  try {
    const session = await prepareTrainingSession(
      { modelPath: `${dir}/m.safetensors`, epochs: 1, threads: 1 },
      data,
    );
    const probe = new PanelProbe(session.model.network, 8, inkedPixels(data.train));
    let first: TrainPanel | undefined;
    await runTrainingSession(session, data, {
      onEvent: (event) => {
        if (event.type !== "batch") return;
        const panel = probe.afterBatch();
        first ??= panel;
      },
      shouldStop: () => false,
    });
    const last = probe.panel();
    const before = meanCorrelation(first!), after = meanCorrelation(last);
    assert.ok(after > before + 0.1, `neighbour correlation ${before} -> ${after}`);
    // the never-inked border is marked, not drawn as weights
    assert.ok(Number.isNaN(last.tiles[0][0]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
