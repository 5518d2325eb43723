/**
 * How a model reads the negatives: per kind, how many the app refuses (the normalizer's rules,
 * or the network's confidence under the model's threshold) and how many it calls a digit with at least
 * 90% / 60% confidence. Before a refusal is trained in, most are confident digits: the reason
 * the negatives exist.
 *
 *   deno run --allow-read --allow-env tests/negatives_confidence.ts [per-kind=300] [seed=1] \
 *     [model=models/pretrained.safetensors]
 */
import { refuses } from "../src/app/classify_image.ts";
import { loadModelOrRandom } from "../src/app/load_model.ts";
import { classifyUserDigit } from "../src/app/predict.ts";
import { loadMnist } from "../src/data/mod.ts";
import { makeNegatives, NEGATIVE_KINDS } from "../src/negatives/mod.ts";

const [perKindText = "300", seedText = "1", modelPath = "models/pretrained.safetensors"] =
  Deno.args;
const perKind = Number(perKindText), seed = Number(seedText);
if (!Number.isInteger(perKind) || perKind < 1 || !Number.isInteger(seed)) {
  console.error("usage: negatives_confidence.ts [per-kind >= 1] [seed] [model]");
  Deno.exit(2);
}
const { network } = await loadModelOrRandom(modelPath);
const digits = (await loadMnist().catch(() => loadMnist({ sample: true }))).train;
console.log(`model ${modelPath}, ${perKind} per kind, seed ${seed}`);
console.log("share of each kind's negatives:");
console.log(
  "kind           refused-by-rules  low-confidence  >=90%  >=60%  (not refused by rules)",
);
for (const kind of NEGATIVE_KINDS) {
  const set = await makeNegatives(perKind, { seed, kinds: [kind], digits });
  let rules = 0, low = 0, sure = 0, probably = 0;
  for (let i = 0; i < set.count; i++) {
    if (set.refusedByRules[i] === 1) {
      rules++;
      continue;
    }
    const prediction = classifyUserDigit(network, set.pixels.subarray(i * 784, (i + 1) * 784));
    const { confidence } = prediction;
    if (refuses(network, prediction)) low++;
    if (confidence >= 0.9) sure++;
    if (confidence >= 0.6) probably++;
  }
  const share = (n: number) => `${(100 * n / set.count).toFixed(1)}%`.padStart(6);
  const passed = set.count - rules;
  console.log(
    `${kind.padEnd(15)}${share(rules).padStart(17)}${share(low).padStart(16)}` +
      `${share(sure)} ${share(probably)}  (${passed}; blank drawings dropped: ` +
      `${set.stats[kind]!.blank}, fragments dropped: ${
        set.stats[kind]!.fragment
      }, digit-like dropped: ${set.stats[kind]!.digitLike})`,
  );
}
