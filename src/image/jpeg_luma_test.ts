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

for (const name of ["ring_progressive.jpg", "ring_gray_progressive.jpg", "ring_arithmetic.jpg"]) {
  Deno.test(`${name}: not sequential Huffman, left to jpeg-js`, async () => {
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
