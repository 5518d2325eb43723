import assert from "node:assert/strict";
import type { NetworkModelInfo } from "../../train/checkpoint.ts";
import { defaultOptimizerSettings, Network, parseLayerSpec } from "../../network/mod.ts";
import { visibleWidth } from "../../text/layout.ts";
import { renderModelInfo } from "./info.ts";

const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });

/** What a model file says of `network`, with `fields` in place of the defaults. */
function infoOf(network: Network, fields: Partial<NetworkModelInfo> = {}): NetworkModelInfo {
  return {
    layerSizes: [...network.layerSizes],
    activation: "relu",
    inputShape: [...network.inputShape],
    layers: [...network.layers],
    optimizer: defaultOptimizerSettings("adam"),
    optimizerStep: 10,
    optimizerState: false,
    plan: null,
    position: { epochsDone: 1, stepInEpoch: 0 },
    seed: 1,
    dataSource: "mnist",
    testAccuracy: 0.99,
    history: [],
    command: "",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:01:00.000Z",
    ...fields,
  };
}

Deno.test("renderModelInfo: metadata, history table and chart", () => {
  const info = infoOf(network, {
    optimizerStep: 1876,
    optimizerState: true,
    position: { epochsDone: 2, stepInEpoch: 0 },
    dataSource: "sample",
    testAccuracy: 0.93,
    history: [
      { epoch: 1, loss: 0.5, trainAccuracy: 0.85, testAccuracy: 0.9, seconds: 1.5 },
      { epoch: 2, loss: 0.3, trainAccuracy: 0.91, testAccuracy: 0.93, seconds: 1.4 },
    ],
    command: "deno task start train --epochs 2 --sample",
  });
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

Deno.test("renderModelInfo: a CNN's layers with their output shapes and parameters", () => {
  const cnn = new Network(parseLayerSpec("cnn"), { seed: 1, maxBatch: 1 });
  const info = infoOf(cnn);
  const lines = renderModelInfo({ network: cnn, info, path: "cnn.safetensors", random: false }, {
    width: 80,
    color: "none",
  });
  const text = lines.join("\n");
  assert.match(text, /network +cnn: conv5x32,pool,conv5x64,pool,dense128,dropout0\.5 relu/);
  assert.match(text, /parameters +454,922/);
  // 5*5*1*32+32, 5*5*32*64+64, 7*7*64*128+128: the rows of Keras's summary() of the same network.
  assert.match(text, /^ +conv5x32 +28 x 28 x 32 +832$/m);
  assert.match(text, /^ +pool +14 x 14 x 32 +0$/m);
  assert.match(text, /^ +conv5x64 +14 x 14 x 64 +51,264$/m);
  assert.match(text, /^ +pool +7 x 7 x 64 +0$/m);
  assert.match(text, /^ +dense128 +128 +401,536$/m);
  assert.match(text, /^ +dropout0\.5 +128 +0$/m);
  assert.match(text, /^ +dense10 softmax +10 +1,290$/m);
  assert.match(text, /^ +total +454,922$/m);
  const table = lines.slice(lines.indexOf("Layers"));
  assert.ok(table.every((line) => visibleWidth(line) <= 80));
});

Deno.test("renderModelInfo: a long layer list wraps whole at 80 columns; at 160 the history sits beside the layers", () => {
  const spec = "conv3x16,bn,conv3x16,bn,pool,conv3x32,bn,conv3x32,bn,pool,dense128,bn,dropout0.3";
  const deep = new Network(parseLayerSpec(spec), { seed: 1, maxBatch: 1 });
  const info = infoOf(deep, {
    optimizerStep: 8,
    optimizerState: true,
    position: { epochsDone: 3, stepInEpoch: 0 },
    testAccuracy: 0.7,
    history: [1, 2, 3].map((epoch) => ({
      epoch,
      loss: 1 / epoch,
      trainAccuracy: 0.6,
      testAccuracy: 0.7,
      seconds: 0.8,
    })),
    command: `deno task start train --layers ${spec} --limit 500 --epochs 3`,
  });
  const model = { network: deep, info, path: "deep.safetensors", random: false };
  const narrow = renderModelInfo(model, { width: 80, color: "none" });
  assert.ok(narrow.every((line) => visibleWidth(line) <= 80));
  const fields = narrow.slice(0, narrow.indexOf("Layers")).join("\n");
  assert.ok(!fields.includes("…"), fields);
  // each field's lines, put back together, hold the whole list
  const field = (name: string) => {
    const start = narrow.findIndex((line) => line.startsWith(name));
    let end = start + 1;
    while (narrow[end]?.startsWith(" ".repeat(15))) end++;
    return narrow.slice(start, end).map((line) => line.slice(15)).join("");
  };
  assert.ok(field("network").includes(`${spec} relu`), field("network"));
  assert.ok(field("command").replaceAll(" ", "").includes(spec), field("command"));
  // 80 columns: the history under the layers; 160: beside them, 20 lines shorter
  assert.ok(narrow.indexOf("History") > narrow.indexOf("Layers"));
  const wide = renderModelInfo(model, { width: 160, color: "none" });
  assert.ok(wide.every((line) => visibleWidth(line) <= 160));
  assert.match(wide.join("\n"), /^Layers +History$/m);
  assert.match(wide.join("\n"), /^ +layer +output shape +parameters +epoch +loss/m);
  assert.ok(wide.length <= narrow.length - 15, `${wide.length} vs ${narrow.length}`);
});
