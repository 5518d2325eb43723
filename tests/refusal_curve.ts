/**
 * The refusal's trade-off for one model: the threshold at several budgets of held-out training
 * digits refused (the last N training digits, never trained on when the model was trained with
 * --holdout N), and what each threshold does on the dev sets. It chooses nothing: it shows
 * what a budget costs and buys.
 *
 *     deno run -A tests/refusal_curve.ts MODEL [--holdout 5000] [--mnist 2000]
 */
import { encode as encodePng } from "fast-png";
import { classifyImage } from "../src/app/classify_image.ts";
import { loadMnist } from "../src/data/load.ts";
import { grayImage, normalizeDigit } from "../src/image/mod.ts";
import { readUserDigit } from "../src/train/views.ts";
import { readsDigitShare, refusalScore } from "../src/train/refusal_rule.ts";
import { percent } from "../src/text/format.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";
import { loadMnistTest } from "./fixtures/user_like.ts";
import { realDigits } from "./real_digits_accuracy.ts";
import { notDigitFiles } from "./refusal_accuracy.ts";

const arg = (name: string, fallback: number) => {
  const at = Deno.args.indexOf(name);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
};
const modelPath =
  Deno.args.find((a, i) => !a.startsWith("--") && !Deno.args[i - 1]?.startsWith("--")) ??
    "models/pretrained.safetensors";
const network = await loadShippedNetwork(1, modelPath);
const learned = network.readout.refuseBelow;
network.readout = { ...network.readout, refuseBelow: 0 };
// The score the threshold is on: the best digit's probability, or 1 - p(not a digit) for a model
// read in two parts (src/train/refusal_rule.ts).
const top = (p: Float32Array) => refusalScore(network, p);
const twoParts = readsDigitShare(network);

// Held-out training digits, read as `classify` reads a file of one.
const holdout = arg("--holdout", 5000);
const { train } = await loadMnist({});
const held: number[] = [];
for (let i = train.count - holdout; i < train.count; i++) {
  const luminance = new Float32Array(784);
  for (let p = 0; p < 784; p++) luminance[p] = train.pixels[i * 784 + p] / 255;
  const digit = normalizeDigit(grayImage(28, 28, luminance));
  held.push(digit.found ? top(readUserDigit(network, digit.pixels)) : -1);
}
held.sort((a, b) => a - b);

/** Scores of files through classifyImage: -1 where the rules refuse. */
async function scores(files: { path?: string; bytes?: Uint8Array; name?: string }[]) {
  const out: number[] = [];
  for (const file of files) {
    const r = await classifyImage(file.path ?? { bytes: file.bytes!, name: file.name! }, network);
    const score = twoParts ? 1 - (r.prediction?.notADigit ?? 0) : r.prediction?.confidence;
    out.push(r.prediction ? score! : -1);
  }
  return out;
}
const notDigits = await notDigitFiles();
const notScores = await scores(notDigits);
const real = await realDigits();
const realScores = await scores(real);
const mnist = await loadMnistTest(arg("--mnist", 2000));
const mnistScores = await scores(
  mnist.images.map((data, i) => ({
    bytes: encodePng({ width: 28, height: 28, data, channels: 1 }),
    name: `m${i}.png`,
  })),
);
console.log(`${modelPath} (its own threshold ${learned})`);
for (const budget of [0.001, 0.002, 0.003, 0.005, 0.01]) {
  const t = held[Math.floor(budget * held.length)];
  const kinds = new Map<string, [number, number]>();
  notDigits.forEach((f, i) => {
    for (const k of [f.kind, "all"]) {
      const c = kinds.get(k) ?? [0, 0];
      c[1]++;
      if (notScores[i] < t) c[0]++;
      kinds.set(k, c);
    }
  });
  const refused = (s: number[]) => s.filter((v) => v < t).length;
  console.log(
    `  budget ${percent(budget, 1)}: threshold ${t.toFixed(3)}; not_digits ${
      [...kinds].map(([k, [r, n]]) => `${k} ${r}/${n}`).join(", ")
    }; real digits refused ${refused(realScores)}/${real.length}; MNIST test refused ${
      refused(mnistScores)
    }/${mnistScores.length}`,
  );
}
