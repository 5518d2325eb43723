import assert from "node:assert/strict";
import { readJpegHeader } from "./jpeg_header.ts";

/** SOI, the given segments, then a frame header (marker `sof`) for 640x480. */
function jpegWith(segments: number[][], sof = 0xc2): Uint8Array {
  const frame = [0xff, sof, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 1, 1, 0x11, 0];
  return new Uint8Array([0xff, 0xd8, ...segments.flat(), ...frame]);
}

function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

Deno.test("JPEG header: size, coding and a little-endian EXIF orientation past other segments", () => {
  const exif = [
    ..."Exif\0\0".split("").map((c) => c.charCodeAt(0)),
    ...[0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0], // little-endian TIFF, IFD at 8
    ...[2, 0], // two entries: something else, then orientation = 6
    ...[0x0f, 0x01, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    ...[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0],
  ];
  const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const header = readJpegHeader(jpegWith([jfif, [0xff], segment(0xe1, exif)]));
  assert.deepEqual(
    [header.width, header.height, header.coding, header.precision, header.orientation],
    [640, 480, "progressive", 8, 6],
  );
  assert.equal(readJpegHeader(jpegWith([], 0xc0)).coding, "baseline");
  assert.equal(readJpegHeader(jpegWith([], 0xc3)).coding, "lossless");
  assert.equal(readJpegHeader(jpegWith([], 0xc9)).coding, "arithmetic");
  // A malformed EXIF block means "no rotation", not an error.
  assert.equal(
    readJpegHeader(jpegWith([segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, 1])])).orientation,
    1,
  );
  assert.throws(
    () => readJpegHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2])),
    /no frame header/,
  );
  assert.throws(() => readJpegHeader(new Uint8Array([0xff, 0xd8, 0x12, 0x34, 0, 2])), /no marker/);
});
