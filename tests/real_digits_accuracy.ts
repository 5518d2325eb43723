/**
 * How models do on real people's digits: every image of `../shared/real_digits/` (photos,
 * drawings, shrunk images; see its README and MANIFEST.tsv) through the same path as
 * `classify`, tallied by kind, one row per model.
 *
 *     deno run -A tests/real_digits_accuracy.ts [MODEL ...] [--json] [--misses]
 *
 * With no models: the shipped CNN and the shipped dense network. `--misses` lists every image a
 * model gets wrong or refuses.
 */
import { classifyImage } from "../src/app/classify_image.ts";
import { percent } from "../src/text/format.ts";
import { SHARED_DIR } from "./env.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";

const REAL_DIGITS = `${SHARED_DIR}/real_digits/`;

/** One image of the set and what kind of image it is. */
export interface RealDigit {
  path: string;
  label: number;
  /** photo, drawing, unknown (small, likely shrunk photos), or seed (the original project's). */
  kind: string;
}

/** Every image of the set, with its label and kind (the MANIFEST, plus the seed folder). */
export async function realDigits(dir = REAL_DIGITS): Promise<RealDigit[]> {
  const manifest = await Deno.readTextFile(`${dir}MANIFEST.tsv`);
  const digits: RealDigit[] = [];
  for (const line of manifest.trim().split("\n").slice(1)) {
    const [file, , , , label, , kind] = line.split("\t");
    digits.push({ path: `${dir}${file}`, label: Number(label), kind });
  }
  for await (const entry of Deno.readDir(`${dir}seed000`)) {
    const match = /label(\d)/.exec(entry.name);
    if (match) {
      digits.push({ path: `${dir}seed000/${entry.name}`, label: Number(match[1]), kind: "seed" });
    }
  }
  return digits.sort((a, b) => a.path.localeCompare(b.path));
}

/** A model's results on the set: right, refused ("no digit found") and total, per kind. */
export interface RealDigitsReport {
  model: string;
  byKind: Record<string, { right: number; refused: number; total: number }>;
  misses: { file: string; label: number; answer: string }[];
}

/** Classifies every image with the model at `modelPath` and tallies the answers by kind. */
export async function evaluateRealDigits(
  modelPath: string,
  digits: RealDigit[],
): Promise<RealDigitsReport> {
  const network = await loadShippedNetwork(500, modelPath);
  const byKind: RealDigitsReport["byKind"] = {};
  const misses: RealDigitsReport["misses"] = [];
  for (const digit of digits) {
    const result = await classifyImage(digit.path, network);
    for (const kind of [digit.kind, "all"]) {
      const tally = byKind[kind] ??= { right: 0, refused: 0, total: 0 };
      tally.total++;
      if (result.prediction?.digit === digit.label) tally.right++;
      if (!result.prediction) tally.refused++;
    }
    if (result.prediction?.digit !== digit.label) {
      misses.push({
        file: digit.path.slice(digit.path.lastIndexOf("/") + 1),
        label: digit.label,
        answer: result.prediction
          ? `${result.prediction.digit} (${percent(result.prediction.confidence, 1)})`
          : `refused: ${result.error}`,
      });
    }
  }
  return { model: modelPath, byKind, misses };
}

if (import.meta.main) {
  const json = Deno.args.includes("--json");
  const listMisses = Deno.args.includes("--misses");
  const models = Deno.args.filter((arg) => !arg.startsWith("--"));
  if (models.length === 0) {
    models.push("models/pretrained.safetensors", "models/pretrained_mlp.safetensors");
  }
  const digits = await realDigits();
  const kinds = ["all", "photo", "drawing", "unknown", "seed"];
  if (!json) console.log(["model".padEnd(40), ...kinds.map((k) => k.padStart(16))].join(""));
  for (const model of models) {
    const report = await evaluateRealDigits(model, digits);
    if (json) {
      console.log(JSON.stringify(report));
      continue;
    }
    const cell = (kind: string) => {
      const t = report.byKind[kind];
      return t ? `${t.right}/${t.total} ${percent(t.right / t.total, 1)}`.padStart(16) : "";
    };
    console.log([model.padEnd(40), ...kinds.map(cell)].join(""));
    if (listMisses) {
      for (const miss of report.misses) {
        console.log(`    ${miss.file}: label ${miss.label}, answered ${miss.answer}`);
      }
    }
  }
}
