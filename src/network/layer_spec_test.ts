import assert from "node:assert/strict";
import {
  checkLayers,
  countParameters,
  formatLayerSpec,
  LAYER_PRESETS,
  type LayeredArchitecture,
  parseLayerSpec,
} from "./layer_spec.ts";
import { Network } from "./network.ts";

Deno.test("a spec parses into layers with the output layer appended", () => {
  const { inputShape, layers } = parseLayerSpec(
    "conv5x32, pool,conv3x16v,flatten,dense128,dropout0.5",
    {
      activation: "tanh",
    },
  );
  assert.deepEqual(inputShape, [28, 28, 1]);
  assert.deepEqual(layers, [
    { kind: "conv", kernel: 5, channels: 32, padding: "same", activation: "tanh" },
    { kind: "pool" },
    { kind: "conv", kernel: 3, channels: 16, padding: "valid", activation: "tanh" },
    { kind: "flatten" },
    { kind: "dense", units: 128, activation: "tanh" },
    { kind: "dropout", rate: 0.5 },
    { kind: "dense", units: 10, activation: "softmax" },
  ]);
});

Deno.test("presets name the documented architectures and round-trip through formatLayerSpec", () => {
  assert.deepEqual(Object.keys(LAYER_PRESETS), ["mlp", "cnn", "lenet5"]);
  assert.equal(formatLayerSpec(parseLayerSpec("mlp").layers), "dense256");
  assert.equal(
    formatLayerSpec(parseLayerSpec("cnn").layers),
    "conv5x32,pool,conv5x64,pool,dense128,dropout0.5",
  );
  assert.equal(
    formatLayerSpec(parseLayerSpec("lenet5").layers),
    "conv5x6,pool,conv5x16v,pool,dense120,dense84",
  );
  for (const spec of Object.values(LAYER_PRESETS)) {
    const architecture = parseLayerSpec(spec);
    assert.equal(checkLayers(architecture), undefined);
    assert.deepEqual(parseLayerSpec(formatLayerSpec(architecture.layers)), architecture);
  }
});

Deno.test("a bad spec is refused in one line with the position and what was expected", () => {
  const cases: Array<[string, RegExp]> = [
    [
      "conv5x32,pol",
      /^layer spec "conv5x32,pol": at 10: expected conv<k>x<channels>\[v\], pool, flatten, dense<units>, dropout<rate>, bn or standardize, got "pol"$/,
    ],
    ["dense128,,dense64", /at 10: expected a layer \(conv<k>x/],
    [
      "conv4x8",
      /at 1: expected an odd kernel size for same padding \(or conv4x8v\), got "conv4x8"/,
    ],
    ["conv5x0", /at 1: expected 1\.\.1024 channels/],
    ["dropout1", /at 1: expected a dropout rate from 0 up to \(not including\) 1/],
    ["dense0", /at 1: expected dense with 1\.\.100000 units/],
    ["dense64,conv3x8", /at 9: conv3x8: needs an image input, got a flat vector of 64/],
    ["pool,pool,pool,pool,pool", /at 21: pool: needs at least 2x2, got 1x1/],
    ["conv29x4v", /at 1: expected a kernel size of 1\.\.15/],
    ["pool,conv15x4v", /at 6: conv15x4v: a 15x15 kernel does not fit 14x14 without padding/],
    ["", /at 1: expected a layer/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => parseLayerSpec(spec), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"), error.message);
      return true;
    });
  }
});

Deno.test("checkLayers refuses stored layer lists a model file could hold by mistake", () => {
  const good = parseLayerSpec("conv3x4,pool,dense8");
  const broken = (change: (a: LayeredArchitecture) => void) => {
    const copy = structuredClone(good) as LayeredArchitecture;
    change(copy);
    return checkLayers(copy);
  };
  assert.equal(checkLayers(good), undefined);
  assert.match(broken((a) => a.layers.pop()) ?? "", /last layer must be dense softmax/);
  assert.match(
    broken((a) => (a.layers[0] = { ...a.layers[0], kind: "convolution" } as never)) ?? "",
    /unknown kind/,
  );
  assert.match(broken((a) => (a.inputShape = [28, 28])) ?? "", /input shape/);
  assert.match(broken((a) => a.layers.splice(3, 0, { kind: "pool" })) ?? "", /needs an image/);
  assert.match(
    broken((a) => (a.layers[0] = { ...a.layers[0], channels: 1e9 } as never)) ?? "",
    /bad sizes/,
  );
});

Deno.test("countParameters agrees with the network built from the list", () => {
  for (const spec of ["cnn", "lenet5", "mlp", "conv3x4v,conv3x2,flatten,dropout0.1,dense7"]) {
    const architecture = parseLayerSpec(spec);
    const net = new Network(architecture, { maxBatch: 1 });
    assert.equal(countParameters(architecture), net.parameterCount, spec);
  }
});
