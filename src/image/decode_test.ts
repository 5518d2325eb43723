import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { UserError } from "../errors.ts";
import { decodeImageBytes, decodeImageFile, type GrayImage } from "./decode.ts";
import { buildPng } from "./testdata/build_png.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);

async function testdata(name: string): Promise<Uint8Array> {
  return await Deno.readFile(new URL(name, TESTDATA));
}

/** Asserts that `run` throws a UserError whose message is one line matching `pattern`. */
function assertUserError(run: () => unknown, pattern: RegExp) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes("\n"), "message must be one line");
    return true;
  });
}

async function assertUserErrorAsync(run: () => Promise<unknown>, pattern: RegExp) {
  await assert.rejects(run, (error) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

/** Reads the binary PGM/PPM files written by libjpeg's djpeg. */
async function readNetpbm(name: string): Promise<GrayImage> {
  const bytes = await testdata(name);
  const header = new TextDecoder().decode(bytes.subarray(0, 20)).split(/\s+/);
  const [magic, width, height] = [header[0], Number(header[1]), Number(header[2])];
  const channels = magic === "P6" ? 3 : 1;
  const data = bytes.subarray(bytes.length - width * height * channels);
  const luminance = new Float32Array(width * height);
  for (let i = 0; i < luminance.length; i++) {
    luminance[i] = channels === 1
      ? data[i] / 255
      : (0.299 * data[3 * i] + 0.587 * data[3 * i + 1] + 0.114 * data[3 * i + 2]) / 255;
  }
  return { width, height, luminance };
}

function maxDifference(a: GrayImage, b: GrayImage): number {
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
  let max = 0;
  for (let i = 0; i < a.luminance.length; i++) {
    max = Math.max(max, Math.abs(a.luminance[i] - b.luminance[i]));
  }
  return max;
}

async function smallPng(): Promise<Uint8Array> {
  return await buildPng({
    width: 4,
    height: 3,
    colorType: 0,
    bitDepth: 8,
    samples: Array.from({ length: 12 }, (_, i) => i * 20),
  });
}

Deno.test("baseline and progressive JPEGs decode like libjpeg does", async () => {
  const reference = await readNetpbm("ring_reference.ppm");
  const baseline = decodeImageBytes(await testdata("ring_baseline.jpg"), "ring.jpg");
  const progressive = decodeImageBytes(await testdata("ring_progressive.jpg"), "ring.jpg");
  // Luminance is the decoded Y plane, which chroma upsampling does not touch. libjpeg's differs
  // by its IDCT's rounding and where its RGB clips: 2.24 levels at most in this ring.
  assert.ok(maxDifference(baseline, reference) < 3 / 255, "baseline vs libjpeg");
  // jpegtran's progressive transcode is lossless: the very same pixels.
  assert.equal(maxDifference(baseline, progressive), 0);

  const grayReference = await readNetpbm("ring_gray_reference.pgm");
  const gray = decodeImageBytes(await testdata("ring_gray_baseline.jpg"), "g.jpg");
  const grayProgressive = decodeImageBytes(await testdata("ring_gray_progressive.jpg"), "g.jpg");
  assert.ok(maxDifference(gray, grayReference) <= 2 / 255, "gray baseline vs libjpeg");
  assert.ok(maxDifference(grayProgressive, grayReference) <= 2 / 255, "gray progressive");
});

Deno.test("RGB JPEGs (Adobe transform 0) keep their colors; Adobe YCbCr ones decode as YCbCr", async () => {
  // jpeg-js by default (and so this decoder before it read the Adobe segment) runs the
  // YCbCr->RGB transform on stored RGB too: 78 levels off libjpeg here.
  const rgbBytes = await testdata("ring_adobe_rgb.jpg");
  const rgbReference = await readNetpbm("ring_adobe_rgb_reference.ppm");
  const rgb = decodeImageBytes(rgbBytes, "rgb.jpg");
  assert.ok(maxDifference(rgb, rgbReference) <= 2 / 255, "Adobe RGB vs libjpeg");
  // Without the Adobe segment the component ids "R", "G", "B" still say RGB (libjpeg's rule).
  const withoutAdobe = decodeImageBytes(withoutSegment(rgbBytes, 0xee), "rgb_ids.jpg");
  assert.equal(maxDifference(withoutAdobe, rgb), 0);

  // Transform 1 makes jpeg-js convert to RGB even with colorTransform off; luminance then comes
  // from RGB and must still match libjpeg (and the Y plane read from the same pixels without
  // the segment, up to the clipping of RGB).
  const adobeYcbcr = decodeImageBytes(await testdata("ring_adobe_ycbcr.jpg"), "ycc.jpg");
  const reference = await readNetpbm("ring_reference.ppm");
  assert.ok(maxDifference(adobeYcbcr, reference) < 3 / 255, "Adobe YCbCr vs libjpeg");
  const plain = decodeImageBytes(await testdata("ring_baseline.jpg"), "ring.jpg");
  assert.ok(maxDifference(adobeYcbcr, plain) < 3 / 255, "Adobe YCbCr vs the Y plane");
});

Deno.test("a JFIF segment means YCbCr even in a file that also says RGB, as libjpeg-turbo reads it", async () => {
  // ring_adobe_rgb.jpg plus a JFIF segment: libjpeg-turbo (djpeg, viewers built on it) takes the
  // stored R plane for Y, and so do we, so a reading matches what the user's viewer shows.
  const contradictory = decodeImageBytes(
    await testdata("ring_jfif_over_adobe_rgb.jpg"),
    "jfif.jpg",
  );
  const libjpegY = await readNetpbm("ring_jfif_over_adobe_rgb_y.pgm");
  assert.ok(maxDifference(contradictory, libjpegY) <= 1 / 255, "JFIF + Adobe 0 vs libjpeg's Y");
});

/** The JPEG without its (first) segment with the given marker. */
function withoutSegment(jpegBytes: Uint8Array, marker: number): Uint8Array {
  for (let offset = 2; offset + 4 <= jpegBytes.length;) {
    const end = offset + 2 + ((jpegBytes[offset + 2] << 8) | jpegBytes[offset + 3]);
    if (jpegBytes[offset + 1] === marker) {
      return new Uint8Array([...jpegBytes.subarray(0, offset), ...jpegBytes.subarray(end)]);
    }
    offset = end;
  }
  throw new Error(`no segment with marker ${marker.toString(16)}`);
}

Deno.test("format comes from the magic bytes: a JPEG named .png and a PNG named .jpg decode", async () => {
  const jpegBytes = await testdata("ring_baseline.jpg");
  const asPng = decodeImageBytes(jpegBytes, "actually_jpeg.png");
  assert.deepEqual([asPng.width, asPng.height], [40, 32]);
  const pngAsJpg = decodeImageBytes(await smallPng(), "actually_png.jpg");
  assert.equal(pngAsJpg.luminance[11], Math.fround(220 / 255));
});

Deno.test("decodeImageFile reads a real file from disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/digit.png`;
    await Deno.writeFile(path, await smallPng());
    const image = await decodeImageFile(path);
    assert.deepEqual([image.width, image.height], [4, 3]);
    assert.equal(image.luminance[1], Math.fround(20 / 255));
    await assertUserErrorAsync(
      () => decodeImageFile(`${dir}/missing.png`),
      /missing\.png: no such file$/,
    );
    await assertUserErrorAsync(
      () => decodeImageFile(dir),
      /: is a folder, expected a PNG or JPEG file$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("EXIF orientation turns phone photos upright", () => {
  // 3x2 stored image, top-left pixel black, rest white.
  const width = 3, height = 2;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  rgba.set([0, 0, 0], 0);
  const plain = new Uint8Array(jpeg.encode({ width, height, data: rgba }, 100).data);
  for (
    const [orientation, size, darkIndex] of [[1, [3, 2], 0], [6, [2, 3], 1], [3, [3, 2], 5], [
      8,
      [2, 3],
      4,
    ]] as const
  ) {
    const image = decodeImageBytes(withExifOrientation(plain, orientation), "photo.jpg");
    assert.deepEqual([image.width, image.height], size, `orientation ${orientation}`);
    const darkest = image.luminance.indexOf(Math.min(...image.luminance));
    assert.equal(darkest, darkIndex, `orientation ${orientation}`);
  }
});

/** Inserts an APP1 Exif segment holding only the orientation tag right after SOI. */
function withExifOrientation(jpegBytes: Uint8Array, orientation: number): Uint8Array {
  const tiff = [
    ...[0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8], // big-endian TIFF, first IFD at 8
    ...[0, 1], // one entry
    ...[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0], // orientation, SHORT, 1 value
    ...[0, 0, 0, 0], // no next IFD
  ];
  const payload = [...new TextEncoder().encode("Exif\0\0"), ...tiff];
  const length = payload.length + 2;
  const segment = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  return new Uint8Array([...jpegBytes.subarray(0, 2), ...segment, ...jpegBytes.subarray(2)]);
}

Deno.test("inputs that are not images get one clear line naming the file", async () => {
  const text = new TextEncoder().encode("Shopping list:\n- milk\n");
  assertUserError(
    () => decodeImageBytes(text, "notes.txt"),
    /^notes\.txt: not a PNG or JPEG image$/,
  );
  assertUserError(
    () => decodeImageBytes(new Uint8Array(0), "empty.png"),
    /^empty\.png: empty file, expected a PNG or JPEG image$/,
  );
  assertUserError(
    () => decodeImageBytes(new TextEncoder().encode("GIF89a\x01\x00\x01\x00"), "anim.gif"),
    /^anim\.gif: not a PNG or JPEG image \(it is a GIF image\)$/,
  );
  const arithmetic = await testdata("ring_arithmetic.jpg");
  assertUserError(
    () => decodeImageBytes(arithmetic, "arith.jpg"),
    /^arith\.jpg: unsupported JPEG \(arithmetic coding\); save it as a standard JPEG or PNG$/,
  );
});

Deno.test("truncated PNG and JPEG files are refused at every cut point, never hang", async () => {
  const png = await buildPng({
    width: 20,
    height: 10,
    colorType: 6,
    bitDepth: 8,
    samples: Array.from({ length: 800 }, (_, i) => (i * 37) & 255),
  });
  for (let cut = 1; cut < png.length; cut++) {
    assertUserError(
      () => decodeImageBytes(png.subarray(0, cut), "x.png"),
      cut < 8 ? /^x\.png: not a PNG or JPEG image$/ : /^x\.png: truncated or corrupt PNG \(.+\)$/,
    );
  }
  const jpg = await testdata("ring_progressive.jpg");
  for (let cut = 3; cut < jpg.length - 1; cut += 7) {
    assertUserError(
      () => decodeImageBytes(jpg.subarray(0, cut), "y.jpg"),
      /^y\.jpg: truncated or corrupt JPEG \(.+\)$/,
    );
  }
});

Deno.test("corrupted bytes inside a PNG's image data are reported, not decoded as garbage", async () => {
  const png = await smallPng();
  const damaged = png.slice();
  const idat = findChunk(damaged, "IDAT");
  damaged[idat + 3] ^= 0xff; // inside the deflate stream, after the zlib header
  assertUserError(
    () => decodeImageBytes(damaged, "bad.png"),
    /^bad\.png: truncated or corrupt PNG/,
  );
});

function findChunk(bytes: Uint8Array, type: string): number {
  const text = String.fromCharCode(...bytes);
  return text.indexOf(type) + 4; // start of the chunk data
}

Deno.test("huge dimensions are refused from the header alone, before any pixel is allocated", () => {
  // Only a signature and an IHDR claiming 60000x60000 RGBA16 (28.8 GB decoded): if the decoder
  // tried to allocate, it would fail with an allocation error, not this message.
  const ihdr = new Uint8Array(8 + 25);
  ihdr.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(ihdr.buffer);
  view.setUint32(8, 13);
  ihdr.set(new TextEncoder().encode("IHDR"), 12);
  view.setUint32(16, 60000);
  view.setUint32(20, 60000);
  ihdr.set([16, 6, 0, 0, 0], 24);
  assertUserError(
    () => decodeImageBytes(ihdr, "huge.png"),
    /^huge\.png: image is 60000x60000 \(3600 MP\); the limit is 40 MP$/,
  );
  view.setUint32(16, 12000);
  view.setUint32(20, 9000);
  assertUserError(
    () => decodeImageBytes(ihdr, "photo.png"),
    /^photo\.png: image is 12000x9000 \(108 MP\); the limit is 40 MP$/,
  );
  // The same for a JPEG frame header: 65000x65000.
  const sof = new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0,
    11,
    8,
    0xfd,
    0xe8,
    0xfd,
    0xe8,
    1,
    1,
    0x11,
    0,
  ]);
  assertUserError(
    () => decodeImageBytes(sof, "huge.jpg"),
    /^huge\.jpg: image is 65000x65000 \(4225 MP\); the limit is 40 MP$/,
  );
});
