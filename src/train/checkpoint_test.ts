import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { defaultOptimizerSettings, Network, parseLayerSpec } from "../network/mod.ts";
import { decodeSafetensors, encodeSafetensors } from "../model/safetensors.ts";
import { loadNetworkModel, type NetworkModelInfo, saveNetworkModel } from "./checkpoint.ts";
import { inTempDir } from "../../tests/env.ts";

/** A new model's description, as a training session writes it. */
function infoOf(network: Network): NetworkModelInfo {
  return {
    layerSizes: [...network.layerSizes],
    activation: network.activation,
    inputShape: [...network.inputShape],
    layers: network.layers.map((layer) => ({ ...layer })),
    optimizer: defaultOptimizerSettings("adam"),
    optimizerStep: 3,
    optimizerState: true,
    plan: null,
    position: { epochsDone: 1, stepInEpoch: 0 },
    seed: 5,
    dataSource: "sample",
    testAccuracy: 0.5,
    history: [],
    command: "",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

/** A small CNN with non-zero weights and optimizer state, saved to `path`. */
async function saveSmallCnn(path: string): Promise<Network> {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16,dropout0.5"), { seed: 5 });
  for (const [k, p] of network.parameters.entries()) {
    for (let i = 0; i < p.value.length; i++) {
      p.moment1[i] = Math.sin(k + i) * 1e-3;
      p.moment2[i] = Math.cos(k + i) ** 2 * 1e-6;
    }
  }
  network.optimizerStep = 3;
  await saveNetworkModel(path, { network, info: infoOf(network) });
  return network;
}

/** Rewrites the JSON metadata of a model file in place, keeping its tensors. */
async function editMetadata(
  path: string,
  edit: (digits: Record<string, unknown>) => void,
  plain: Record<string, string> = {},
): Promise<void> {
  const { tensors, metadata } = decodeSafetensors(await Deno.readFile(path), path);
  const digits = JSON.parse(metadata.digits);
  edit(digits);
  await Deno.writeFile(
    path,
    encodeSafetensors([...tensors.values()], {
      ...metadata,
      ...plain,
      digits: JSON.stringify(digits),
    }),
  );
}

/** Asserts that loading `path` is refused with one line that names the file and matches `reason`. */
async function assertRefused(path: string, reason: RegExp): Promise<void> {
  await assert.rejects(loadNetworkModel(path), (error: Error) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error.stack}`);
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    assert.equal(error.message.split("\n").length, 1);
    assert.match(error.message, reason);
    return true;
  });
}

Deno.test(
  "a CNN saved and loaded back: format version 2 with its layer list, every tensor bit for bit",
  inTempDir("digits-checkpoint-", async (work) => {
    const path = `${work}/cnn.safetensors`;
    const saved = await saveSmallCnn(path);
    const { metadata } = decodeSafetensors(await Deno.readFile(path), path);
    assert.equal(metadata.format_version, "2");
    const digits = JSON.parse(metadata.digits);
    assert.equal(digits.formatVersion, 2);
    assert.deepEqual(digits.inputShape, [28, 28, 1]);
    assert.deepEqual(digits.layers.map((l: { kind: string }) => l.kind), [
      "conv",
      "pool",
      "dense",
      "dropout",
      "dense",
    ]);

    const loaded = await loadNetworkModel(path);
    assert.deepEqual(loaded.info.layers, saved.layers);
    assert.deepEqual(loaded.info.inputShape, [28, 28, 1]);
    assert.deepEqual(loaded.info.layerSizes, [784, 3136, 784, 16, 16, 10]);
    assert.equal(loaded.network.optimizerStep, 3);
    const bits = (a: Float32Array) => new Uint32Array(a.slice().buffer);
    for (const [k, p] of saved.parameters.entries()) {
      const q = loaded.network.parameters[k];
      assert.equal(q.name, p.name);
      assert.deepEqual(bits(q.value), bits(p.value), p.name);
      assert.deepEqual(bits(q.moment1), bits(p.moment1), `${p.name} m`);
      assert.deepEqual(bits(q.moment2), bits(p.moment2), `${p.name} v`);
    }
    // The same weights give the same answers.
    const digit = new Float32Array(784).map((_, i) => (i * 37 % 101) / 100);
    assert.deepEqual(bits(loaded.network.predict(digit)), bits(saved.predict(digit)));
  }),
);

Deno.test(
  "a version-1 file (a dense network by its layerSizes) loads as that network and saves as version 2",
  inTempDir("digits-checkpoint-", async (work) => {
    const path = `${work}/v1.safetensors`;
    const network = new Network({ layerSizes: [784, 12, 10], activation: "tanh" }, { seed: 2 });
    await saveNetworkModel(path, { network, info: infoOf(network) });
    // What version 1 wrote: no layer list, no input shape.
    await editMetadata(path, (digits) => {
      digits.formatVersion = 1;
      delete digits.layers;
      delete digits.inputShape;
    }, { format_version: "1" });
    const loaded = await loadNetworkModel(path);
    assert.deepEqual(loaded.info.inputShape, [784]);
    assert.deepEqual(loaded.info.layers, [
      { kind: "dense", units: 12, activation: "tanh" },
      { kind: "dense", units: 10, activation: "softmax" },
    ]);
    assert.deepEqual(loaded.network.parameters[0].value, network.parameters[0].value);
    await saveNetworkModel(path, loaded);
    const digits = JSON.parse(decodeSafetensors(await Deno.readFile(path), path).metadata.digits);
    assert.equal(digits.formatVersion, 2);
    assert.deepEqual(digits.layers, loaded.info.layers);
    assert.deepEqual((await loadNetworkModel(path)).info.layers, loaded.info.layers);
  }),
);

Deno.test(
  "a layer list that does not match the tensors is refused with the reason, naming the file",
  inTempDir("digits-checkpoint-", async (work) => {
    const cases: [string, (digits: { layers: Record<string, unknown>[] }) => void, RegExp][] = [
      [
        "channels",
        (digits) => digits.layers[0].channels = 8,
        /its layers \(conv3x8,pool,dense16,dropout0\.5 relu\) do not match its tensors: tensor layers\.0\.weight has shape \[4,3,3,1\], expected \[8,3,3,1\]$/,
      ],
      [
        "kernel",
        (digits) => digits.layers[0].kernel = 5,
        /do not match its tensors: tensor layers\.0\.weight has shape \[4,3,3,1\], expected \[4,5,5,1\]$/,
      ],
      [
        "no-pool",
        (digits) => digits.layers.splice(1, 1),
        /its layers \(conv3x4,dense16,dropout0\.5 relu\) need 50402 parameters but its tensors hold \d+ numbers$/,
      ],
      [
        "no-dense",
        (digits) => digits.layers.splice(2, 2),
        /do not match its tensors: tensor layers\.\d\.weight belongs to no layer of this network$/,
      ],
      [
        "no-layers",
        (digits) => delete (digits as { layers?: unknown }).layers,
        /invalid model metadata: the layer list \(layers\) is missing$/,
      ],
      [
        "unknown-kind",
        (digits) => digits.layers[1] = { kind: "lstm" },
        /invalid model metadata: layers: layer 1 .*unknown kind/,
      ],
    ];
    for (const [name, edit, reason] of cases) {
      const path = `${work}/${name}.safetensors`;
      await saveSmallCnn(path);
      await editMetadata(path, (digits) => edit(digits as { layers: Record<string, unknown>[] }));
      await assertRefused(path, reason);
    }
  }),
);
