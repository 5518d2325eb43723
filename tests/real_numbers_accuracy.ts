/**
 * How well numbers are read: numbers composed from `../shared/real_digits/` (one writer's
 * digits side by side; see tests/fixtures/real_numbers.ts) and from MNIST test digits (apart
 * and touching), read by `readNumberInImage`, the path of `classify --number`.
 *
 *     deno run -A tests/real_numbers_accuracy.ts [MODEL] [--misses]
 */
import { readNumberInImage } from "../src/app/read_number.ts";
import { decodeImageFile } from "../src/image/decode.ts";
import type { Network } from "../src/network/network.ts";
import { percent } from "../src/text/format.ts";
import { classifyImage } from "../src/app/classify_image.ts";
import {
  composeDigitsInRows,
  type ComposedNumber,
  composeMnistNumbers,
  composeRealNumbers,
} from "./fixtures/real_numbers.ts";
import { loadMnistTest } from "./fixtures/user_like.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";
import { SHARED_DIR } from "./env.ts";

/** Numbers read exactly, per set, and the misses. */
export interface NumbersReport {
  bySet: Record<string, { exact: number; total: number }>;
  misses: { set: string; writer: string; text: string; read: string }[];
}

const REAL_NUMBERS = `${SHARED_DIR}/real_numbers/`;

/**
 * Every image of `../shared/real_numbers/` (whole numbers real people wrote), its label from
 * the file name (`_number<digits>`), its source repository as the writer.
 */
export async function writtenNumbers(dir = REAL_NUMBERS): Promise<ComposedNumber[]> {
  const numbers: ComposedNumber[] = [];
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  for (const name of names.sort()) {
    const match = /_number(\d+)\.(png|jpe?g)$/i.exec(name);
    if (!match) continue;
    const image = await decodeImageFile(`${dir}${name}`);
    numbers.push({ writer: name.split("__").slice(0, 2).join("__"), image, text: match[1] });
  }
  return numbers;
}

/**
 * The four sets: numbers real people wrote, numbers composed of real writers' digits, MNIST
 * digits apart, MNIST digits touching.
 */
export async function numberSets(): Promise<Record<string, ComposedNumber[]>> {
  const mnist = await loadMnistTest(2000);
  return {
    written: await writtenNumbers(),
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

/**
 * Every real digit that `classify` reads right alone, read again between two neighbours
 * (`composeDigitsInRows`): how many are still read right, and which are not.
 */
export async function evaluateDigitsInRows(network: Network): Promise<{
  right: number;
  total: number;
  misses: { file: string; label: number; read: string }[];
}> {
  const report = {
    right: 0,
    total: 0,
    misses: [] as { file: string; label: number; read: string }[],
  };
  for (const row of await composeDigitsInRows()) {
    const alone = await classifyImage(row.path, network);
    if (alone.prediction?.digit !== row.label) continue;
    report.total++;
    const reading = readNumberInImage(row.image, network);
    // The middle digit of three; the neighbours may be misread, but not missed or doubled.
    const digits = reading.digits.filter((d) => d.row === 0);
    if (digits.length === 3 && digits[1].prediction.digit === row.label) report.right++;
    else {
      const file = row.path.slice(row.path.lastIndexOf("/") + 1);
      report.misses.push({ file, label: row.label, read: `${reading.number} for ${row.text}` });
    }
  }
  return report;
}

if (import.meta.main) {
  const model = Deno.args.find((a) => !a.startsWith("--")) ?? "models/pretrained.safetensors";
  const network = await loadShippedNetwork(256, model);
  const report = evaluateNumbers(await numberSets(), network);
  for (const [set, t] of Object.entries(report.bySet)) {
    console.log(`${set.padEnd(16)} ${t.exact}/${t.total} ${percent(t.exact / t.total, 1)}`);
  }
  if (Deno.args.includes("--misses")) {
    for (const m of report.misses) console.log(`  ${m.set} ${m.writer}: ${m.text} read ${m.read}`);
  }
  const inRows = await evaluateDigitsInRows(network);
  console.log(`${"digit in a row".padEnd(16)} ${inRows.right}/${inRows.total}`);
  if (Deno.args.includes("--misses")) {
    for (const m of inRows.misses) console.log(`  ${m.file} (${m.label}): read ${m.read}`);
  }
}
