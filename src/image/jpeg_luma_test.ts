import assert from "node:assert/strict";
import { decodeJpegLuma } from "./jpeg_luma.ts";
import { jpegJsFirstChannel } from "../../tests/fixtures/jpeg_reference.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);

for (
  const name of [
    "ring_baseline.jpg", // 4:2:0, one interleaved scan
    "ring_gray_baseline.jpg", // one component
    "ring_restart.jpg", // a restart marker after every MCU
    "ring_scans.jpg", // sequential, one scan per component
  ]
) {
  Deno.test(`${name}: the luminance plane jpeg-js gives, byte for byte`, async () => {
    const bytes = await Deno.readFile(new URL(name, TESTDATA));
    const luma = decodeJpegLuma(bytes);
    assert.ok(luma !== undefined);
    assert.deepEqual(
      Array.from(luma.luminance, (v) => Math.round(v * 255)),
      jpegJsFirstChannel(bytes),
    );
    // 0..255 / 255 exactly, as the jpeg-js path stores it
    assert.ok(luma.luminance.every((v) => Number.isInteger(Math.round(v * 255 * 1e4) / 1e4)));
  });
}

for (
  const name of [
    "ring_progressive.jpg",
    "ring_gray_progressive.jpg",
    "ring_arithmetic.jpg",
    "ring_gray_restart5.jpg",
  ]
) {
  Deno.test(`${name}: not followed exactly, left to jpeg-js`, async () => {
    assert.equal(decodeJpegLuma(await Deno.readFile(new URL(name, TESTDATA))), undefined);
  });
}

Deno.test("scan data cut short is left to jpeg-js, not read as zeros", async () => {
  const bytes = await Deno.readFile(new URL("ring_baseline.jpg", TESTDATA));
  // The first scan's header, half of its data, then EOI.
  let sos = 2;
  while (!(bytes[sos] === 0xff && bytes[sos + 1] === 0xda)) sos++;
  const half = sos + Math.floor((bytes.length - sos) / 2);
  const cut = new Uint8Array([...bytes.subarray(0, half), 0xff, 0xd9]);
  assert.equal(decodeJpegLuma(cut), undefined);
});

Deno.test("a luminance plane subsampled against the colour ones is left to jpeg-js", async () => {
  const bytes = (await Deno.readFile(new URL("ring_baseline.jpg", TESTDATA))).slice();
  // Make the frame say Y is 1x1 and Cb 2x2: jpeg-js would stretch Y to the colour planes' size.
  let sof = 2;
  while (!(bytes[sof] === 0xff && bytes[sof + 1] === 0xc0)) sof++;
  bytes[sof + 11] = 0x11, bytes[sof + 14] = 0x22;
  assert.equal(decodeJpegLuma(bytes), undefined);
});

Deno.test("damaged files: the same plane as jpeg-js, or left to it (never a different answer)", async () => {
  let seed = 3;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  let decoded = 0;
  for (
    const name of [
      "ring_restart.jpg",
      "ring_scans.jpg",
      "ring_baseline.jpg",
      "ring_gray_restart5.jpg",
    ]
  ) {
    const bytes = await Deno.readFile(new URL(name, TESTDATA));
    for (let trial = 0; trial < 200; trial++) {
      // Bytes changed, or one inserted or dropped (which shifts what follows).
      let damaged = bytes.slice();
      const at = Math.floor(random() * damaged.length), how = random();
      if (how < 0.2) {
        damaged = new Uint8Array([...bytes.subarray(0, at), random() * 256, ...bytes.subarray(at)]);
      } else if (how < 0.4) {
        damaged = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
      } else {
        for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
          damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
        }
      }
      const luma = decodeJpegLuma(damaged);
      if (luma === undefined) continue;
      decoded++;
      const ours = Array.from(luma.luminance, (v) => Math.round(v * 255));
      // jpeg-js throwing here would mean we read a file it refuses: the test fails either way.
      assert.deepEqual(ours, jpegJsFirstChannel(damaged), `${name}, trial ${trial}`);
    }
  }
  assert.ok(decoded > 100, `${decoded} damaged files decoded`);
});

/** The file's segments before its first scan, its first scan (header and data), and the rest. */
function splitAtFirstScan(bytes: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  let sos = 2;
  while (!(bytes[sos] === 0xff && bytes[sos + 1] === 0xda)) sos++;
  let end = sos + 2;
  while (!(bytes[end] === 0xff && bytes[end + 1] !== 0 && (bytes[end + 1] & 0xf8) !== 0xd0)) end++;
  return [bytes.subarray(0, sos), bytes.subarray(sos, end), bytes.subarray(end)];
}

Deno.test("a second scan of the luminance (jpeg-js adds it onto the first) is left to jpeg-js", async () => {
  const [head, scan, rest] = splitAtFirstScan(
    await Deno.readFile(new URL("ring_scans.jpg", TESTDATA)),
  );
  assert.equal(decodeJpegLuma(new Uint8Array([...head, ...scan, ...scan, ...rest])), undefined);
});

Deno.test("an Adobe segment after the scan (it still sets jpeg-js's colours) is left to jpeg-js", async () => {
  const bytes = await Deno.readFile(new URL("ring_baseline.jpg", TESTDATA));
  const adobe = [0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 0x64, 0, 0, 0, 0, 1];
  const file = new Uint8Array([...bytes.subarray(0, -2), ...adobe, 0xff, 0xd9]);
  assert.equal(decodeJpegLuma(file), undefined);
});
