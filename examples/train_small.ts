/**
 * Trains a small network with digits as a library and prints each epoch: the training session
 * the `train` command runs, its progress as events. On the offline sample (no download), 2,000
 * digits, so it takes seconds:
 *
 *   deno run --config path/to/digits/deno.json --allow-read --allow-write --allow-env path/to/digits/examples/train_small.ts
 */
import { loadMnist, trainModel } from "../mod.ts";

const data = await loadMnist({ sample: true });
const modelPath = `${await Deno.makeTempDir()}/small.safetensors`;
const request = { modelPath, hidden: [64], epochs: 3, limit: 2000, seed: 1 };
await trainModel(request, data, {
  shouldStop: () => false,
  onEvent: (event) => {
    if (event.type !== "epoch-end") return;
    const accuracy = (event.testAccuracy * 100).toFixed(1);
    console.log(
      `epoch ${event.epoch}/${event.epochs}: loss ${
        event.loss.toFixed(3)
      }, test accuracy ${accuracy}%`,
    );
  },
});
console.log(`saved ${modelPath}`);
