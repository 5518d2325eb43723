/**
 * `classify` end to end, as a user runs it: a folder of their own images (user-like renders of
 * MNIST test digits, named with their labels), `--json`, `--show`, and the bad files a folder
 * may hold, each one line naming the file. Each run names the shipped model, so a model of your
 * own in models/ changes nothing; the folders of renders need the full MNIST.
 */
import assert from "node:assert/strict";
import { encode } from "fast-png";
import { loadMnistTest, renderUserLike, type UserLikeKind } from "./fixtures/user_like.ts";
import { skipUnless } from "./env.ts";
import { jsonLines, runApp } from "./run_app.ts";

const KINDS: UserLikeKind[] = [
  "white_canvas",
  "phone_photo_jpeg",
  "transparent_rgba",
  "chalk_on_board",
  "palette",
  "small_in_page",
];

/** Six labeled user-like images, plus (when `bad`) a blank page, a text file and a cut PNG. */
async function imageFolder(bad: boolean): Promise<{ dir: string; labels: number[] }> {
  const dir = await Deno.makeTempDir({ prefix: "digits-classify-" });
  const { images, labels } = await loadMnistTest(KINDS.length);
  for (let i = 0; i < KINDS.length; i++) {
    const file = renderUserLike(images[i], KINDS[i], i);
    await Deno.writeFile(`${dir}/d${i}_label${labels[i]}.${file.ext}`, file.bytes);
  }
  if (bad) {
    const white = new Uint8Array(60 * 60).fill(255);
    await Deno.writeFile(
      `${dir}/x_blank.png`,
      encode({ width: 60, height: 60, data: white, channels: 1, depth: 8 }),
    );
    await Deno.writeFile(`${dir}/x_notes.png`, new TextEncoder().encode("not an image"));
    const whole = renderUserLike(images[0], "white_canvas", 9).bytes;
    await Deno.writeFile(`${dir}/x_cut.png`, whole.slice(0, whole.length >> 1));
  }
  return { dir, labels: [...labels] };
}

Deno.test({
  name: "classify a folder: a line per image with ✓, and the accuracy of the labeled ones",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const { dir } = await imageFolder(false);
    const result = await runApp(["classify", "--model", "models/pretrained.safetensors", dir]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.match(lines[0], /^Model: models\/pretrained\.safetensors/);
    const perImage = lines.filter((line) => line.startsWith(dir));
    assert.equal(perImage.length, KINDS.length);
    for (const line of perImage) assert.match(line, /: \d \(\d+\.\d\d%\) ✓$/, line);
    assert.match(lines.at(-1)!, /^Accuracy on 6 labeled images: 6\/6 \(100\.00%\)$/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "classify --json: digit, confidence and ten probabilities per file; errors as lines",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const { dir, labels } = await imageFolder(true);
    const result = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      dir,
      "--json",
    ]);
    assert.equal(result.code, 1, "exit 1 when any file failed");
    assert.equal(result.stderr, "");
    const records = jsonLines(result.stdout);
    assert.equal(records.length, KINDS.length + 3);
    for (const [i, record] of records.slice(0, KINDS.length).entries()) {
      assert.match(String(record.file), new RegExp(`d${i}_label${labels[i]}\\.(png|jpg)$`));
      assert.equal(record.digit, labels[i]);
      const probabilities = record.probabilities as number[];
      assert.equal(probabilities.length, 10);
      assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3);
      assert.equal(record.confidence, Math.max(...probabilities));
    }
    const errors = Object.fromEntries(
      records.slice(KINDS.length).map((r) => [String(r.file).split("/").at(-1), r.error]),
    );
    assert.match(String(errors["x_blank.png"]), /no digit found/);
    assert.match(String(errors["x_notes.png"]), /not a PNG or JPEG image/);
    assert.match(String(errors["x_cut.png"]), /truncated or corrupt PNG/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "classify a bad file: one line naming it, exit 1; --show draws before and after",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const { dir } = await imageFolder(true);
    const cases: [string, RegExp][] = [
      ["x_notes.png", /not a PNG or JPEG/],
      ["x_cut.png", /truncated/],
    ];
    for (const [name, pattern] of cases) {
      const bad = await runApp([
        "classify",
        "--model",
        "models/pretrained.safetensors",
        `${dir}/${name}`,
      ]);
      assert.equal(bad.code, 1);
      const errorLines = bad.stdout.split("\n").filter((line) => line.includes(name));
      assert.equal(errorLines.length, 1, bad.stdout);
      assert.match(errorLines[0], pattern);
      assert.doesNotMatch(bad.stdout + bad.stderr, /\bat .*:\d+:\d+/, "no stack trace");
    }
    // A missing file is reported in its place; the good files around it are still read.
    const missing = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      `${dir}/nope.png`,
      `${dir}/d0_label7.png`,
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /nope\.png: error: no such file or folder\n.*d0_label7\.png: 7 /s);
    const missingJson = await runApp([
      "classify",
      "--json",
      `${dir}/d0_label7.png`,
      `${dir}/nope.png`,
    ]);
    assert.equal(missingJson.code, 1);
    const [good, absent] = jsonLines(missingJson.stdout);
    assert.equal(good.digit, 7);
    assert.deepEqual(absent, { file: `${dir}/nope.png`, error: "no such file or folder" });

    const shown = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      `${dir}/d0_label7.png`,
      "--show",
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /input/);
    assert.match(shown.stdout, /network input \(28x28\)/);
    // Block art: the 28x28 in 14 rows (two pixel rows per text row), in a plain ramp (NO_COLOR),
    // the image as given on the left and what the network saw on the right.
    const lines = shown.stdout.split("\n");
    const caption = lines.findIndex((line) => line.startsWith("input"));
    const art = lines.slice(caption + 1, caption + 15);
    assert.equal(art.length, 14);
    assert.ok(art.filter((line) => /[@%#*+=]/.test(line)).length >= 8, shown.stdout);
    assert.match(lines[caption + 15], /^Accuracy on 1 labeled image/);
    assert.ok(!shown.stdout.includes("\x1b"), "no escape codes under NO_COLOR");
    await Deno.remove(dir, { recursive: true });
  },
});

/** A white PNG of `width` x 60 with dark vertical bars (each a "1") at the given columns. */
function barsPng(width: number, columns: number[]): Uint8Array {
  const data = new Uint8Array(width * 60).fill(255);
  for (let y = 10; y < 50; y++) {
    for (const x of columns) data.fill(20, y * width + x, y * width + x + 4);
  }
  return encode({ width, height: 60, data, channels: 1, depth: 8 });
}

/** Bars in two rows on white, 200x140: "11" over "111". */
function rowsPng(): Uint8Array {
  const width = 200, height = 140;
  const data = new Uint8Array(width * height).fill(235);
  for (const [x, y0] of [[40, 10], [100, 10], [40, 85], [100, 85], [160, 85]]) {
    for (let y = y0; y < y0 + 40; y++) data.fill(20, y * width + x, y * width + x + 4);
  }
  return encode({ width, height, data, channels: 1, depth: 8 });
}

Deno.test("classify --number: the number and each digit's box, left to right; --json as documented", async () => {
  const dir = await Deno.makeTempDir({ prefix: "digits-number-" });
  try {
    await Deno.writeFile(`${dir}/ones.png`, barsPng(160, [30, 80, 130]));
    const text = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      "--number",
      `${dir}/ones.png`,
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /ones\.png: 111\n/);
    assert.match(text.stdout, /1 \(\d+\.\d\d%\)/);
    const json = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      "--number",
      "--json",
      `${dir}/ones.png`,
    ]);
    assert.equal(json.code, 0, json.stderr);
    const [record] = jsonLines(json.stdout) as {
      file: string;
      number: string;
      digits: { digit: number; confidence: number; box: number[] }[];
    }[];
    assert.equal(record.number, "111");
    assert.deepEqual(record.digits.map((d) => d.box), [
      [30, 10, 4, 40],
      [80, 10, 4, 40],
      [130, 10, 4, 40],
    ]);
    for (const d of record.digits) assert.ok(d.confidence > 0 && d.confidence <= 1);
    // A folder, and a picture of two rows: one number per row, top to bottom.
    await Deno.writeFile(`${dir}/rows.png`, rowsPng());
    const folder = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      "--number",
      "--json",
      dir,
    ]);
    assert.equal(folder.code, 0, folder.stderr);
    const records = jsonLines(folder.stdout) as {
      file: string;
      number: string;
      numbers: string[];
    }[];
    assert.deepEqual(records.map((r) => [r.file.slice(dir.length + 1), r.number, r.numbers]), [
      ["ones.png", "111", ["111"]],
      ["rows.png", "11", ["11", "111"]],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("classify of something that is not a digit: 'not a digit: ...', exit 0; JSON digit null", async () => {
  const dir = await Deno.makeTempDir({ prefix: "digits-not-digit-" });
  try {
    // A page of small print: rows of glyph-sized dark blotches.
    const width = 240, height = 160;
    const data = new Uint8Array(width * height).fill(245);
    for (let line = 10; line < height - 10; line += 14) {
      for (let x = 10; x < width - 10; x += 7) {
        for (let y = 0; y < 7; y++) {
          data.fill(25, (line + y) * width + x, (line + y) * width + x + 4);
        }
      }
    }
    const file = `${dir}/page.png`;
    await Deno.writeFile(file, encode({ width, height, data, channels: 1, depth: 8 }));
    const text = await runApp(["classify", "--model", "models/pretrained.safetensors", file]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /page\.png: not a digit: does not look like a handwritten digit/);
    const json = await runApp([
      "classify",
      "--model",
      "models/pretrained.safetensors",
      "--json",
      file,
    ]);
    assert.equal(json.code, 0, json.stderr);
    const [record] = jsonLines(json.stdout) as { digit: unknown; reason: string }[];
    assert.equal(record.digit, null);
    assert.match(record.reason, /does not look like a handwritten digit/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
