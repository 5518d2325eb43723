import assert from "node:assert/strict";
import { affineDigit } from "../image/affine.ts";
import { Network, parseLayerSpec } from "../network/mod.ts";
import { parseModelCalibration } from "./calibration.ts";
import { loadNetworkModel } from "./checkpoint.ts";
import { readUserDigit, readUserDigits } from "./views.ts";

/** A digit-like blob off centre, so that the views differ from the digit as it is. */
function blob(): Float32Array {
  const pixels = new Float32Array(784);
  for (let y = 6; y < 20; y++) for (let x = 9; x < 15; x++) pixels[y * 28 + x] = 1;
  return pixels;
}

Deno.test("readUserDigit: the digit as it is counts readout.asIsWeight times, each view once", () => {
  const cnn = new Network(parseLayerSpec("conv5x4,pool,dense16"), { maxBatch: 4, seed: 3 });
  cnn.readout = { temperature: 0.7, refuseBelow: 0.3, asIsWeight: 2 };
  const pixels = blob();
  const asIs = cnn.predict(pixels);
  const views = [[0, 0.85], [0.1, 0.92], [-0.1, 0.92]].map(([angle, scale]) =>
    cnn.predict(affineDigit(pixels, angle, scale))
  );
  const expected = asIs.map((p, d) => (2 * p + views.reduce((s, v) => s + v[d], 0)) / 5);
  const read = readUserDigit(cnn, pixels);
  const [batched] = readUserDigits(cnn, [pixels]);
  for (let d = 0; d < 10; d++) {
    assert.ok(Math.abs(read[d] - expected[d]) < 1e-6, `digit ${d}`);
    assert.ok(Math.abs(batched[d] - expected[d]) < 1e-5, `digit ${d}, batched`);
  }
  // without the field (a file calibrated before it was recorded): the even average
  cnn.readout = { temperature: 0.7, refuseBelow: 0.3 };
  const even = asIs.map((p, d) => (p + views.reduce((s, v) => s + v[d], 0)) / 4);
  const evenRead = readUserDigit(cnn, pixels);
  for (let d = 0; d < 10; d++) assert.ok(Math.abs(evenRead[d] - even[d]) < 1e-6, `digit ${d}`);
});

Deno.test("a model file's calibration: asIsWeight is optional, and under 1 is no calibration", () => {
  const record = {
    temperature: 0.6,
    heldOutDigits: 2000,
    eceBefore: 0.013,
    ece: 0.005,
    refuseBelow: 0.23,
    heldOutNegatives: 2000,
    digitsRefused: 0.002,
    negativesRefused: 0.83,
  };
  assert.equal(parseModelCalibration(record)?.asIsWeight, undefined);
  assert.equal(parseModelCalibration({ ...record, asIsWeight: 2 })?.asIsWeight, 2);
  assert.equal(parseModelCalibration({ ...record, asIsWeight: 0.5 }), undefined);
  assert.equal(parseModelCalibration({ ...record, asIsWeight: "2" }), undefined);
});

Deno.test("the shipped model records the weight it was calibrated with, and reads with it", async () => {
  const { network, info } = await loadNetworkModel("models/pretrained.safetensors", {
    maxBatch: 1,
  });
  assert.equal(info.calibration?.asIsWeight, 2);
  assert.equal(network.readout.asIsWeight, 2);
  assert.ok(network.readout.refuseBelow !== null);
});

Deno.test("read in two parts: which digit from the digit as it is, not a digit from the views", () => {
  const cnn = new Network(parseLayerSpec("conv5x4,pool,dense16", { classes: 11 }), {
    maxBatch: 3,
    seed: 5,
  });
  cnn.readout = { temperature: 0.7, refuseBelow: 0.3, asIsWeight: 2, refusalScore: "digitShare" };
  const pixels = blob();
  const asIs = cnn.predict(pixels);
  const views = [[0, 0.85], [0.1, 0.92], [-0.1, 0.92]].map(([angle, scale]) =>
    cnn.predict(affineDigit(pixels, angle, scale))
  );
  const notADigit = (2 * asIs[10] + views.reduce((s, v) => s + v[10], 0)) / 5;
  const asIsShare = asIs.subarray(0, 10).reduce((s, p) => s + p, 0);
  const read = readUserDigit(cnn, pixels);
  assert.ok(Math.abs(read[10] - notADigit) < 1e-6);
  for (let d = 0; d < 10; d++) {
    const expected = asIs[d] / asIsShare * (1 - notADigit);
    assert.ok(Math.abs(read[d] - expected) < 1e-6, `digit ${d}: ${read[d]} against ${expected}`);
  }
  // the views' average would name other shares: the test tells the two apart
  const averaged = (2 * asIs[0] + views.reduce((s, v) => s + v[0], 0)) / 5;
  assert.ok(Math.abs(read[0] - averaged) > 1e-4);
});

Deno.test("read in two parts: a digit the network is all but sure is no digit keeps which digit", () => {
  const cnn = new Network(parseLayerSpec("conv5x4,pool,dense16", { classes: 11 }), {
    maxBatch: 4,
    seed: 5,
  });
  const bias = cnn.biases[cnn.biases.length - 1];
  // The ten favour a 3; p(not a digit) rounds to 1 in float32, the ten do not underflow.
  bias[3] = 4;
  bias[10] = 22;
  cnn.readout = { temperature: 1, refuseBelow: 0.3, asIsWeight: 2, refusalScore: "digitShare" };
  const read = readUserDigit(cnn, blob());
  assert.equal(read[10], 1);
  const ten = read.subarray(0, 10);
  const best = ten.indexOf(Math.max(...ten));
  assert.equal(best, 3, `${ten}`);
});
