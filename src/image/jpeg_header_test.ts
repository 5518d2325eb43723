import assert from "node:assert/strict";
import { type JpegHeader, readJpegHeader } from "./jpeg_header.ts";

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

/** A frame header for 640x480 with the given component ids (sampling 1x1, table 0). */
function frameWith(ids: number[]): number[] {
  return segment(0xc0, [
    8,
    0x01,
    0xe0,
    0x02,
    0x80,
    ids.length,
    ...ids.flatMap((id) => [id, 0x11, 0]),
  ]);
}

/** An APP14 "Adobe" segment: version 100, no flags, then the transform byte. */
function adobe(transform: number): number[] {
  return segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, transform]);
}

const SOI = [0xff, 0xd8];
const SOS = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0];
const JFIF_FIELDS = [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];

/** What says how a header's colors are stored: [component ids, Adobe transform, JFIF]. */
function colorSigns(header: JpegHeader): [number[], number | undefined, boolean] {
  return [header.componentIds, header.adobeTransform, header.jfif];
}

Deno.test("JPEG header: component ids, JFIF and the Adobe transform, which say how colors are stored", () => {
  const header = (parts: number[][]) => readJpegHeader(new Uint8Array(parts.flat()));
  const bare = header([SOI, frameWith([1, 2, 3]), SOS]);
  assert.deepEqual(colorSigns(bare), [[1, 2, 3], undefined, false]);
  const jfif = segment(0xe0, JFIF_FIELDS);
  assert.equal(header([SOI, jfif, frameWith([1, 2, 3]), SOS]).jfif, true);
  const cmyk = header([SOI, adobe(2), frameWith([1, 2, 3, 4]), SOS]);
  assert.deepEqual(colorSigns(cmyk), [[1, 2, 3, 4], 2, false]);
  // Decoders heed these segments anywhere before the first scan; the last Adobe one wins.
  const late = header([SOI, adobe(1), frameWith([1, 2, 3]), adobe(0), jfif, SOS]);
  assert.deepEqual(colorSigns(late), [[1, 2, 3], 0, true]);
  // Segments too short for their fixed fields do not count (as in libjpeg), nor other APP14s.
  const shortJfif = segment(0xe0, JFIF_FIELDS.slice(0, 13));
  const shortAdobe = segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100]);
  const unknown = segment(0xee, [1, 2]);
  const short = header([SOI, shortJfif, shortAdobe, unknown, frameWith([1, 2, 3])]);
  assert.deepEqual(colorSigns(short), [[1, 2, 3], undefined, false]);
  // Damage after the frame header is the decoder's to report: the header still reads.
  assert.equal(header([SOI, adobe(1), frameWith([1, 2, 3]), [0x12, 0x34]]).width, 640);
  const sof = (payload: number[]) =>
    header([SOI, segment(0xc0, [8, 0x01, 0xe0, 0x02, 0x80, ...payload])]);
  assert.throws(() => sof([3, 1, 0x11, 0]), /frame header too short for its 3 components/);
  assert.throws(() => sof([0]), /frame header lists no components/);
});

Deno.test("JPEG header: how the test images store their colors", async () => {
  const read = async (name: string) =>
    readJpegHeader(await Deno.readFile(new URL(`./testdata/${name}`, import.meta.url)));
  assert.deepEqual(colorSigns(await read("ring_baseline.jpg")), [[1, 2, 3], undefined, true]);
  assert.deepEqual(colorSigns(await read("ring_gray_baseline.jpg")), [[1], undefined, true]);
  // cjpeg -rgb: no JFIF, Adobe transform 0, ids "R", "G", "B".
  assert.deepEqual(colorSigns(await read("ring_adobe_rgb.jpg")), [[0x52, 0x47, 0x42], 0, false]);
  assert.deepEqual(colorSigns(await read("ring_adobe_ycbcr.jpg")), [[1, 2, 3], 1, true]);
});
