import assert from "node:assert/strict";
import type { NetworkModelInfo } from "../../../train/checkpoint.ts";
import { defaultOptimizerSettings, Network } from "../../../network/mod.ts";
import { visibleWidth } from "../../../text/layout.ts";
import { renderModelInfo } from "./info.ts";

const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });

Deno.test("renderModelInfo: metadata, history table and chart", () => {
  const info: NetworkModelInfo = {
    layerSizes: [784, 16, 10],
    activation: "relu",
    inputShape: [...network.inputShape],
    layers: [...network.layers],
    optimizer: defaultOptimizerSettings("adam"),
    optimizerStep: 1876,
    optimizerState: true,
    plan: null,
    position: { epochsDone: 2, stepInEpoch: 0 },
    seed: 1,
    dataSource: "sample",
    testAccuracy: 0.93,
    history: [
      { epoch: 1, loss: 0.5, trainAccuracy: 0.85, testAccuracy: 0.9, seconds: 1.5 },
      { epoch: 2, loss: 0.3, trainAccuracy: 0.91, testAccuracy: 0.93, seconds: 1.4 },
    ],
    command: "deno task start train --epochs 2 --sample",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:01:00.000Z",
  };
  const lines = renderModelInfo({ network, info, path: "m.safetensors", random: false }, {
    width: 80,
    color: "none",
  });
  const text = lines.join("\n");
  assert.match(text, /network +784-16-10 relu \(softmax output\)/);
  // The layer table: each layer's output shape and parameters (784*16+16, 16*10+10), the total.
  assert.match(text, /^ +input +784$/m);
  assert.match(text, /^ +dense16 +16 +12,560$/m);
  assert.match(text, /^ +dense10 softmax +10 +170$/m);
  assert.match(text, /^ +total +12,730$/m);
  assert.match(text, /optimizer +adam, learning rate 0\.003/);
  assert.match(text, /data +10,000-digit offline sample/);
  assert.match(text, /command +deno task start train --epochs 2 --sample/);
  assert.match(text, /^ +2 +0\.3000 +91\.00% +93\.00% +1\.4$/m);
  assert.match(text, /loss \(left\)/);
  assert.ok(lines.every((line) => visibleWidth(line) <= 80));
});

Deno.test("renderModelInfo: a random network says so", () => {
  const text = renderModelInfo({ network, random: true, randomReason: "no model file at x" }, {
    width: 80,
    color: "none",
  }).join("\n");
  assert.match(text, /No trained model: the network is random/);
  assert.match(text, /no model file at x/);
});
