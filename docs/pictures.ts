/**
 * The pictures and numbers of docs/how-it-works.md that no command of the app prints as such,
 * drawn with the app's own renderers from the real data and the shipped models:
 *
 *   deno run -A docs/pictures.ts forward [INDEX] [MODEL]  one test digit through a network
 *   deno run -A docs/pictures.ts center [INDEX]   a test digit's box centre and centre of mass
 *   deno run -A docs/pictures.ts init             activations' spread under three initializations
 *   deno run -A docs/pictures.ts augment [INDEX]  a test digit and three distortions of it
 *   deno run -A docs/pictures.ts chart [MODEL]    a model's loss and test accuracy per epoch
 *
 * MNIST comes from $MNIST_DIR (else ./data); INDEX is a test digit (default 0); MODEL defaults to
 * the shipped models/pretrained.safetensors (the guide passes models/pretrained_mlp.safetensors
 * where it explains the dense network).
 */
import { augmentDigit, DEFAULT_AUGMENT } from "../src/augment/mod.ts";
import { loadMnist } from "../src/data/mod.ts";
import { centerOfMass, inkBounds } from "../src/image/mod.ts";
import { Network, Random } from "../src/network/mod.ts";
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { joinColumns, lineChart, renderBlockArt } from "../src/text/mod.ts";

const SHIPPED = new URL("../models/pretrained.safetensors", import.meta.url).pathname;
const [what, arg, modelArg] = Deno.args;

/** Test digit `index` as [784] floats 0..1, ink bright, and its label. */
async function testDigit(index: number): Promise<{ pixels: Float32Array; label: number }> {
  const data = await loadMnist();
  const bytes = data.test.pixels.subarray(index * 784, (index + 1) * 784);
  return { pixels: Float32Array.from(bytes, (v) => v / 255), label: data.test.labels[index] };
}

const art = (pixels: Float32Array) => renderBlockArt(pixels, { color: "none" });
const fixed = (values: ArrayLike<number>, digits: number) =>
  Array.from(values, (v) => v.toFixed(digits)).join(" ");

if (what === "forward") {
  const index = Number(arg ?? 0);
  const { pixels, label } = await testDigit(index);
  const { network } = await loadNetworkModel(modelArg ?? SHIPPED, { maxBatch: 1 });
  network.input.set(pixels);
  const probabilities = network.forward(1);
  const outputs = network.layerOutputs();
  console.log(
    `test digit ${index}, label ${label}: x [1 x 784], ${
      pixels.filter((v) => v > 0).length
    } pixels not 0`,
  );
  network.summary().forEach((row, k) => {
    const a = outputs[k];
    const active = a.filter((v) => v > 0).length;
    console.log(
      `layer ${k + 1} ${row.layer.padEnd(16)} a [1 x ${a.length}]  ${
        row.parameters.toLocaleString("en-US")
      } parameters` +
        (k < outputs.length - 1 ? `  ${active} of ${a.length} units above 0` : ""),
    );
  });
  console.log(`softmax a_L: ${fixed(probabilities, 4)}`);
  const guess = probabilities.indexOf(Math.max(...probabilities));
  console.log(
    `guess ${guess}; loss -ln a_L[${label}] = ${(-Math.log(probabilities[label])).toFixed(5)}`,
  );
  console.log(`a guess of 1/10 everywhere would cost -ln 0.1 = ${(-Math.log(0.1)).toFixed(5)}`);
} else if (what === "center") {
  const index = Number(arg ?? 0);
  const { pixels, label } = await testDigit(index);
  const grid = { width: 28, height: 28, pixels };
  const box = inkBounds(grid);
  const mass = centerOfMass(grid);
  console.log(art(pixels).join("\n"));
  console.log(`test digit ${index} (label ${label}):`);
  const { x, y, width, height } = box!;
  console.log(
    `  ink box x ${x}..${x + width - 1}, y ${y}..${y + height - 1}: its centre is (${
      (x + (width - 1) / 2).toFixed(2)
    }, ${(y + (height - 1) / 2).toFixed(2)})`,
  );
  console.log(
    `  centre of mass (${mass.x.toFixed(2)}, ${
      mass.y.toFixed(2)
    }); the image centre is (13.50, 13.50)`,
  );
} else if (what === "augment") {
  const index = Number(arg ?? 0);
  const { pixels, label } = await testDigit(index);
  const blocks = [[`digit ${index} (${label})`, ...art(pixels)]];
  const rng = new Random(1);
  for (let k = 1; k <= 3; k++) {
    const out = new Float32Array(784);
    augmentDigit(pixels, out, rng, DEFAULT_AUGMENT);
    blocks.push([`distortion ${k}`, ...art(out)]);
  }
  console.log(joinColumns(blocks, 2).join("\n"));
  const o = DEFAULT_AUGMENT;
  console.log(
    `rotation up to ${o.rotationDegrees} degrees, scale ${o.scaleMin}-${o.scaleMax}, shear up to ${o.shearDegrees} degrees, shift up to ${o.shiftPixels} px, elastic alpha ${o.elasticAlpha} sigma ${o.elasticSigma}`,
  );
} else if (what === "init") {
  // Four ReLU layers of 256 on 256 test digits: the spread of each layer's output when the
  // weights start as He-normal, and when they start 10 times smaller or 3 times larger.
  const data = await loadMnist();
  const batch = 256;
  const sizes = [784, 256, 256, 256, 256, 10];
  console.log(`784-256-256-256-256-10 relu, ${batch} test digits: std of each layer's output`);
  for (const scale of [0.1, 1, 3]) {
    const network = new Network({ layerSizes: sizes, activation: "relu" }, {
      seed: 1,
      maxBatch: batch,
    });
    for (const w of network.weights) for (let i = 0; i < w.length; i++) w[i] *= scale;
    for (let i = 0; i < batch * 784; i++) network.input[i] = data.test.pixels[i] / 255;
    network.forward(batch);
    const stds = network.layerOutputs().map((a) => {
      const mean = a.reduce((sum, v) => sum + v, 0) / a.length;
      return Math.sqrt(a.reduce((sum, v) => sum + (v - mean) ** 2, 0) / a.length);
    });
    const { loss } = network.evaluateLoss(data.test.labels.subarray(0, batch));
    const name = scale === 1 ? "He (std sqrt(2/fan-in))" : `${scale} x He`;
    console.log(
      `  ${name.padEnd(24)} ${stds.map((v) => v.toPrecision(3).padStart(9)).join(" ")}   loss ${
        loss.toFixed(3)
      }`,
    );
  }
} else if (what === "chart") {
  const { info } = await loadNetworkModel(arg ?? SHIPPED, { maxBatch: 1 });
  const loss = info.history.map((h) => h.loss);
  const accuracy = info.history.map((h) => h.testAccuracy * 100);
  console.log(
    lineChart([
      { label: "training loss", values: loss },
      { label: "test accuracy %", values: accuracy, format: (v) => v.toFixed(2) },
    ], { width: 60, height: 8, color: "none" }).join("\n"),
  );
  console.log(
    `epochs 1..${info.history.length}; loss ${fixed([loss[0], loss.at(-1)!], 4)}, test accuracy ${
      fixed([accuracy[0], accuracy.at(-1)!], 2)
    } % (first, last)`,
  );
} else {
  console.error(
    "usage: deno run -A docs/pictures.ts forward|center|init|augment|chart [INDEX|MODEL] [MODEL]",
  );
  Deno.exit(2);
}
