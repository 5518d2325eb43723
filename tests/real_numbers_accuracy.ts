/**
 * How well numbers are read: numbers composed from `../shared/real_digits/` (one writer's
 * digits side by side; see tests/fixtures/real_numbers.ts) and from MNIST test digits (apart
 * and touching), read by `readNumberInImage`, the path of `classify --number`.
 *
 *     deno run -A tests/real_numbers_accuracy.ts [MODEL] [--misses]
 */
import { readNumberInImage } from "../src/app/read_number.ts";
import type { Network } from "../src/network/network.ts";
import { percent } from "../src/text/format.ts";
import {
  type ComposedNumber,
  composeMnistNumbers,
  composeRealNumbers,
} from "./fixtures/real_numbers.ts";
import { loadMnistTest } from "./fixtures/user_like.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";

/** Numbers read exactly, per set, and the misses. */
export interface NumbersReport {
  bySet: Record<string, { exact: number; total: number }>;
  misses: { set: string; writer: string; text: string; read: string }[];
}

/** The three sets: real writers, MNIST digits apart, MNIST digits touching. */
export async function numberSets(): Promise<Record<string, ComposedNumber[]>> {
  const mnist = await loadMnistTest(2000);
  return {
    real: await composeRealNumbers(),
    mnist_apart: composeMnistNumbers(mnist, 40, false),
    mnist_touching: composeMnistNumbers(mnist, 40, true, 8),
  };
}

/** Reads every number of every set with `network`. */
export function evaluateNumbers(
  sets: Record<string, ComposedNumber[]>,
  network: Network,
): NumbersReport {
  const report: NumbersReport = { bySet: {}, misses: [] };
  for (const [set, numbers] of Object.entries(sets)) {
    const tally = report.bySet[set] = { exact: 0, total: 0 };
    for (const n of numbers) {
      const read = readNumberInImage(n.image, network).number ?? "";
      tally.total++;
      if (read === n.text) tally.exact++;
      else report.misses.push({ set, writer: n.writer, text: n.text, read });
    }
  }
  return report;
}

if (import.meta.main) {
  const model = Deno.args.find((a) => !a.startsWith("--")) ?? "models/pretrained.safetensors";
  const network = await loadShippedNetwork(1, model);
  const report = evaluateNumbers(await numberSets(), network);
  for (const [set, t] of Object.entries(report.bySet)) {
    console.log(`${set.padEnd(16)} ${t.exact}/${t.total} ${percent(t.exact / t.total, 1)}`);
  }
  if (Deno.args.includes("--misses")) {
    for (const m of report.misses) console.log(`  ${m.set} ${m.writer}: ${m.text} read ${m.read}`);
  }
}
