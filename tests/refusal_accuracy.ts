/**
 * How well models refuse what is not a digit and read what is, through the `classify` path
 * (classifyImage: decode, normalize, the model's refusal), on the dev sets:
 *
 * - `../shared/not_digits` (real non-digits): refused per kind (doodle, letter, photo, icon,
 *   shape);
 * - `../shared/real_digits` (real people's digits): right and refused;
 * - the MNIST test digits, each written as a PNG file (white ink on black, 28x28) and read
 *   back through the same path: refused, and right compared with `test` on the raw digits.
 *
 *     deno run -A tests/refusal_accuracy.ts [MODEL ...] [--mnist N] [--json] [--misses]
 *
 * With no models: the shipped CNN. `--mnist 0` skips the MNIST part (10,000 digits take a few
 * minutes with a CNN's four views). Evaluation only: nothing here chooses a threshold.
 */
import { encode as encodePng } from "fast-png";
import { classifyImage } from "../src/app/classify_image.ts";
import { percent } from "../src/text/format.ts";
import { realDigits } from "./real_digits_accuracy.ts";
import { loadMnistTest } from "./fixtures/user_like.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";
import { SHARED_DIR } from "./env.ts";

const SHARED = `${SHARED_DIR}/`;
/** The kinds of ../shared/not_digits, in its README's order. */
export const NOT_DIGIT_KINDS = ["doodle", "letter", "photo", "icon", "shape"] as const;

/** One image of ../shared/not_digits and its kind (from SOURCES.tsv). */
export interface NotDigitFile {
  path: string;
  kind: string;
}

/** Every image of ../shared/not_digits with its kind; [] when the folder is absent. */
export async function notDigitFiles(dir = `${SHARED}not_digits/`): Promise<NotDigitFile[]> {
  let sources: string;
  try {
    sources = await Deno.readTextFile(`${dir}SOURCES.tsv`);
  } catch {
    return [];
  }
  const header = sources.trim().split("\n")[0].split("\t");
  const kindColumn = header.indexOf("kind");
  return sources.trim().split("\n").slice(1).map((line) => {
    const cells = line.split("\t");
    return { path: `${dir}${cells[0]}`, kind: cells[kindColumn] };
  });
}

/** What one model did on the three sets. */
export interface RefusalReport {
  model: string;
  /** Per kind of not_digits, and "all": refused of total. */
  notDigits: Record<string, { refused: number; total: number }>;
  realDigits: { right: number; refused: number; total: number };
  mnist: { right: number; refused: number; total: number } | null;
  misses: string[];
}

/** Runs every set through `classifyImage` with the model at `modelPath`. */
export async function evaluateRefusal(
  modelPath: string,
  mnistCount: number,
): Promise<RefusalReport> {
  const network = await loadShippedNetwork(1, modelPath);
  const report: RefusalReport = {
    model: modelPath,
    notDigits: {},
    realDigits: { right: 0, refused: 0, total: 0 },
    mnist: null,
    misses: [],
  };
  for (const file of await notDigitFiles()) {
    const result = await classifyImage(file.path, network);
    for (const kind of [file.kind, "all"]) {
      const tally = report.notDigits[kind] ??= { refused: 0, total: 0 };
      tally.total++;
      if (!result.prediction) tally.refused++;
    }
    if (result.prediction) {
      const { digit, confidence } = result.prediction;
      report.misses.push(`not a digit, read ${digit} (${percent(confidence, 1)}): ${file.path}`);
    }
  }
  for (const digit of await realDigits().catch(() => [])) {
    const result = await classifyImage(digit.path, network);
    report.realDigits.total++;
    if (!result.prediction) {
      report.realDigits.refused++;
      report.misses.push(`digit ${digit.label} refused (${result.error}): ${digit.path}`);
    } else if (result.prediction.digit === digit.label) report.realDigits.right++;
    else report.misses.push(`digit ${digit.label} read ${result.prediction.digit}: ${digit.path}`);
  }
  if (mnistCount > 0) {
    const mnist = await loadMnistTest(mnistCount).catch(() => null);
    if (mnist) {
      const tally = { right: 0, refused: 0, total: 0 };
      for (let i = 0; i < mnist.images.length; i++) {
        const bytes = encodePng({ width: 28, height: 28, data: mnist.images[i], channels: 1 });
        const name = `mnist_test_${i}_label${mnist.labels[i]}.png`;
        const result = await classifyImage({ bytes, name }, network);
        tally.total++;
        if (!result.prediction) {
          tally.refused++;
          report.misses.push(`MNIST test ${i} (${mnist.labels[i]}) refused: ${result.error}`);
        } else if (result.prediction.digit === mnist.labels[i]) tally.right++;
      }
      report.mnist = tally;
    }
  }
  return report;
}

/** The report as the lines the script prints. */
export function formatRefusalReport(report: RefusalReport): string[] {
  const cell = (kind: string) => {
    const t = report.notDigits[kind];
    return t ? `${kind} ${t.refused}/${t.total}` : `${kind} -`;
  };
  const lines = [report.model];
  const all = report.notDigits.all;
  lines.push(
    `  not_digits refused: ${
      all ? `${all.refused}/${all.total} (${percent(all.refused / all.total, 1)})` : "absent"
    }; ${NOT_DIGIT_KINDS.map(cell).join(", ")}`,
  );
  const real = report.realDigits;
  lines.push(
    `  real_digits: ${real.right}/${real.total} right (${
      percent(real.right / Math.max(1, real.total), 1)
    }), ${real.refused} refused`,
  );
  if (report.mnist) {
    const m = report.mnist;
    lines.push(
      `  MNIST test as PNG: ${m.right}/${m.total} right (${
        percent(m.right / m.total, 2)
      }), ${m.refused} refused (${percent(m.refused / m.total, 2)})`,
    );
  }
  return lines;
}

if (import.meta.main) {
  const json = Deno.args.includes("--json");
  const listMisses = Deno.args.includes("--misses");
  const mnistAt = Deno.args.indexOf("--mnist");
  const mnistCount = mnistAt >= 0 ? Number(Deno.args[mnistAt + 1]) : 10_000;
  const models = Deno.args.filter((arg, i) =>
    !arg.startsWith("--") && !(mnistAt >= 0 && i === mnistAt + 1)
  );
  if (models.length === 0) models.push("models/pretrained.safetensors");
  for (const model of models) {
    const report = await evaluateRefusal(model, mnistCount);
    if (json) console.log(JSON.stringify(report));
    else console.log(formatRefusalReport(report).join("\n"));
    if (listMisses) { for (const miss of report.misses) console.log(`    ${miss}`); }
  }
}
