/**
 * The thorough user-like accuracy run: the first N MNIST test digits (default 1000), each
 * rendered as every user-like kind, classified by a model (default: the shipped one), with
 * the accuracy per kind against the published digits. About a minute per 100 digits.
 *
 *   deno run -A tests/user_like_accuracy.ts [--count N] [--model PATH]
 */
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { selectKernels } from "../src/network/select_kernels.ts";
import { evaluateUserLike, USER_LIKE_KINDS } from "./fixtures/user_like.ts";
import { PROJECT_ROOT } from "./env.ts";

const countIndex = Deno.args.indexOf("--count");
const modelIndex = Deno.args.indexOf("--model");
const count = countIndex >= 0 ? Number(Deno.args[countIndex + 1]) : 1000;
const model = modelIndex >= 0
  ? Deno.args[modelIndex + 1]
  : `${PROJECT_ROOT}/models/pretrained.safetensors`;
if (!Number.isInteger(count) || count < 1) {
  console.error("--count: expected a positive whole number");
  Deno.exit(2);
}
const { network } = await loadNetworkModel(model, { maxBatch: 1, kernels: selectKernels() });
const argmax = (values: Float32Array) => values.indexOf(Math.max(...values));
const started = performance.now();
const result = await evaluateUserLike(count, (pixels) => argmax(network.predict(pixels)), {
  onProgress: (done, total) => {
    if (done % 50 === 0 || done === total) {
      console.error(
        `${done}/${total} digits (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  },
});
console.log(`model ${model}, ${result.count} digits per kind`);
console.log(`  ${"published".padEnd(20)} ${(result.original * 100).toFixed(2)}%`);
let worst = 1;
for (const kind of USER_LIKE_KINDS) {
  const accuracy = result.kinds[kind];
  worst = Math.min(worst, accuracy);
  const gap = (result.original - accuracy) * 100;
  console.log(
    `  ${kind.padEnd(20)} ${(accuracy * 100).toFixed(2)}%  (${gap >= 0 ? "-" : "+"}${
      Math.abs(gap).toFixed(2)
    } points)`,
  );
}
const mean = USER_LIKE_KINDS.reduce((sum, kind) => sum + result.kinds[kind], 0) /
  USER_LIKE_KINDS.length;
console.log(`  ${"all kinds".padEnd(20)} ${(mean * 100).toFixed(2)}%`);
Deno.exit(result.original - worst <= 0.015 ? 0 : 1);
