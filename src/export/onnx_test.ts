import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Network, parseLayerSpec } from "../network/mod.ts";
import { Random } from "../network/random.ts";
import { exportOnnx } from "./onnx.ts";

/** Every layer kind and activation, in ONNX Runtime, against our forward pass on random input. */
const ARCHITECTURES: [string, "relu" | "sigmoid" | "tanh"][] = [
  ["conv3x4,pool,conv3x6v,pool,flatten,dense16,dropout0.3", "relu"],
  ["conv5x3v,pool,dense12", "tanh"],
  ["conv3x2,dropout0.5,pool,pool,flatten,dense8,dense8", "sigmoid"],
  ["dense32,dropout0.2,dense16", "tanh"],
];

for (const [spec, activation] of ARCHITECTURES) {
  Deno.test(`ONNX Runtime computes what the network does: ${spec} ${activation}`, async () => {
    const network = new Network(parseLayerSpec(spec, { activation }), { seed: 3, maxBatch: 4 });
    // Larger biases than initialization's zeros, so that a bias put in the wrong place shows.
    const rng = new Random(11);
    for (const bias of network.biases) {
      for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
    }
    const pixels = new Float32Array(4 * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 1);
    network.input.set(pixels);
    const ours = network.forward(4);
    const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
    const output = await session.run({ image: new ort.Tensor("float32", pixels, [4, 1, 28, 28]) });
    const theirs = output.probabilities.data as Float32Array;
    assert.equal(theirs.length, ours.length);
    for (let i = 0; i < ours.length; i++) {
      assert.ok(
        Math.abs(ours[i] - theirs[i]) < 1e-5,
        `probability ${i}: ${ours[i]} vs ${theirs[i]}`,
      );
    }
    await session.release();
  });
}
