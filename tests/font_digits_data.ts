/**
 * An experiment's data (README "Not a digit": the font-digit lead): MNIST's training digits with
 * digits written in the ten handwriting fonts and along the five Hershey pen fonts (drawn and
 * handed in like the negatives: slanted, turned, wobbled, photographed, then normalized), as a
 * data folder for `train --data-dir`. The last 2,000 training digits stay last (held out); the
 * first DROP (default 4,700) MNIST digits make room, since the loader caps a file at MNIST's size.
 *
 *     deno run -A tests/font_digits_data.ts [COUNT=6000] [OUT=/tmp/fd]
 *
 * Reads MNIST from $MNIST_DIR (tests/env.ts); writes OUT/sheet.png, the first 100 font digits.
 */
import { gzipSync } from "node:zlib";
import { encode } from "fast-png";
import { MNIST_DIR } from "./env.ts";
import { writeFileAtomic } from "../src/fs/atomic_write.ts";
import { loadMnist } from "../src/data/load.ts";
import { normalizeDigit } from "../src/image/mod.ts";
import { Random } from "../src/network/random.ts";
import { loadFonts, PEN_FONTS, penGlyph } from "../src/negatives/letters.ts";
import { handWobble, photograph } from "../src/negatives/raster.ts";
import { loadSvgRenderer, renderSvgInk } from "../src/negatives/svg.ts";
const fonts = (await loadFonts()).map(({ font }) => font);
await loadSvgRenderer();
const N = Number(Deno.args[0] ?? 6000), out = Deno.args[1] ?? "/tmp/fd";
const rng = new Random(4242);
const pix = new Uint8Array(N * 784), lab = new Uint8Array(N);
let made = 0, tries = 0;
while (made < N) {
  tries++;
  const d = made % 10, ch = String(d);
  const height = 40 + rng.int(57), slant = rng.uniform(-12, 12), turn = rng.uniform(-10, 10);
  let svg: string;
  if (rng.next() < 0.5) {
    const glyph = penGlyph(PEN_FONTS[rng.int(PEN_FONTS.length)], ch), g = glyph.d;
    const cx = (glyph.left + glyph.right) / 2, cy = (glyph.top + glyph.bottom) / 2;
    const scale = height * 0.7 / 21, pen = 21 * rng.uniform(0.07, 0.16);
    svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${height}" height="${height}"><g transform="translate(${
        height / 2
      } ${
        height / 2
      }) rotate(${turn}) skewX(${slant}) scale(${scale}) translate(${-cx} ${-cy})" fill="none" stroke="black" stroke-width="${pen}" stroke-linecap="round" stroke-linejoin="round"><path d="${g}"/></g></svg>`;
  } else {
    const font = fonts[rng.int(fonts.length)];
    const path = font.getPath(ch, 0, 0, 100), box = path.getBoundingBox();
    const scale = height * 0.7 / Math.max(1, box.y2 - box.y1);
    const pen = rng.next() < 0.5 ? 0 : rng.uniform(0.5, 3) / scale;
    svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${height}" height="${height}"><g transform="translate(${
        height / 2
      } ${height / 2}) rotate(${turn}) skewX(${slant}) scale(${scale}) translate(${
        -(box.x1 + box.x2) / 2
      } ${-(box.y1 + box.y2) / 2})"><path d="${path.toPathData(2)}" fill="black" stroke="${
        pen > 0 ? "black" : "none"
      }" stroke-width="${pen}" stroke-linejoin="round"/></g></svg>`;
  }
  let ink = renderSvgInk(svg);
  if (rng.next() < 0.5) ink = handWobble(ink, rng, rng.uniform(0.01, 0.04));
  const n = normalizeDigit(photograph(ink, rng));
  if (!n.found) continue;
  for (let p = 0; p < 784; p++) pix[made * 784 + p] = Math.round(n.pixels[p] * 255);
  lab[made] = d;
  made++;
}
console.error(`made ${made} of ${tries}`);
const { train } = await loadMnist({ dataDir: MNIST_DIR });
const HOLD = 2000, DROP = Number(Deno.env.get("DROP") ?? 4700), first = train.count - HOLD;
const count = train.count - DROP + N;
const images = new Uint8Array(count * 784), labels = new Uint8Array(count);
images.set(train.pixels.subarray(DROP * 784, first * 784), 0);
labels.set(train.labels.subarray(DROP, first), 0);
// Where the font digits sit changes nothing: the order is shuffled every epoch.
const at = first - DROP;
images.set(pix, at * 784);
labels.set(lab, at);
images.set(train.pixels.subarray(first * 784, train.count * 784), (at + N) * 784);
labels.set(train.labels.subarray(first, train.count), at + N);
function idx(magic: number, dims: number[], data: Uint8Array) {
  const h = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  h.setUint32(0, magic);
  dims.forEach((v, i) => h.setUint32(4 + 4 * i, v));
  const b = new Uint8Array(h.byteLength + data.length);
  b.set(new Uint8Array(h.buffer), 0);
  b.set(data, h.byteLength);
  return gzipSync(b);
}
await Deno.mkdir(out, { recursive: true });
await writeFileAtomic(`${out}/train-images-idx3-ubyte.gz`, idx(2051, [count, 28, 28], images));
await writeFileAtomic(`${out}/train-labels-idx1-ubyte.gz`, idx(2049, [count], labels));
for (const name of ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
  await writeFileAtomic(`${out}/${name}`, await Deno.readFile(`${MNIST_DIR}/${name}`));
}
// a contact sheet of the first 100
const sheet = new Uint8Array(280 * 280);
for (let k = 0; k < 100; k++) {
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      sheet[(Math.floor(k / 10) * 28 + y) * 280 + (k % 10) * 28 + x] = pix[k * 784 + y * 28 + x];
    }
  }
}
await writeFileAtomic(
  `${out}/sheet.png`,
  encode({ width: 280, height: 280, data: sheet, channels: 1 }),
);
console.error("wrote", out, count);
