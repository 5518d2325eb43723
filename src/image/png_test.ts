import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { encode as fastPngEncode } from "fast-png";
import { decodeImageBytes } from "./decode.ts";
import { UserError } from "../errors.ts";
import { buildPng, CHANNELS as PNG_CHANNELS, packLine, type RawPng } from "./testdata/build_png.ts";

/** Deterministic pseudo-random samples covering the whole range of the bit depth. */
function testSamples(count: number, bitDepth: number, seed: number, limit?: number): number[] {
  const max = limit ?? (1 << bitDepth) - 1;
  let state = seed;
  return Array.from({ length: count }, (_, i) => {
    state = (state * 1103515245 + 12345) >>> 0;
    if (i < 2) return i === 0 ? 0 : max; // both extremes always present
    return (state >>> 8) % (max + 1);
  });
}

/** Expected luminance from the samples, per the PNG color type, composited onto white. */
function expectedLuminance(png: RawPng): number[] {
  const channels = PNG_CHANNELS[png.colorType];
  const max = (1 << png.bitDepth) - 1;
  const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
  const out: number[] = [];
  for (let i = 0; i < png.width * png.height; i++) {
    const s = png.samples.slice(i * channels, (i + 1) * channels);
    let value: number;
    let alpha = 1;
    switch (png.colorType) {
      case 0:
        value = s[0] / max;
        if (png.trns && s[0] === png.trns[0]) alpha = 0;
        break;
      case 2:
        value = luma(s[0], s[1], s[2]) / max;
        if (png.trns && s.every((v, c) => v === png.trns![c])) alpha = 0;
        break;
      case 3: {
        const [r, g, b] = png.palette![s[0]];
        value = luma(r, g, b) / 255;
        alpha = (png.trns?.[s[0]] ?? 255) / 255;
        break;
      }
      case 4:
        [value, alpha] = [s[0] / max, s[1] / max];
        break;
      default:
        value = luma(s[0], s[1], s[2]) / max;
        alpha = s[3] / max;
    }
    out.push(alpha * value + (1 - alpha));
  }
  return out;
}

function assertLuminance(actual: Float32Array, expected: number[], label: string) {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) < 1e-5,
      `${label}: pixel ${i} is ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

const PALETTE = [[0, 0, 0], [255, 255, 255], [200, 30, 60], [20, 220, 90], [40, 70, 250]];
const COMBINATIONS: [colorType: number, depths: number[]][] = [
  [0, [1, 2, 4, 8, 16]],
  [2, [8, 16]],
  [3, [1, 2, 4, 8]],
  [4, [8, 16]],
  [6, [8, 16]],
];

function rawPng(colorType: number, bitDepth: number, interlaced: boolean): RawPng {
  // 11x7: odd sizes leave some Adam7 passes partial or empty, the edge cases of interlacing.
  const width = 11, height = 7;
  const count = width * height * PNG_CHANNELS[colorType];
  const paletteSize = Math.min(PALETTE.length, 1 << bitDepth);
  return colorType === 3
    ? {
      width,
      height,
      colorType,
      bitDepth,
      interlaced,
      samples: testSamples(count, bitDepth, 7, paletteSize - 1),
      palette: PALETTE.slice(0, paletteSize),
    }
    : { width, height, colorType, bitDepth, interlaced, samples: testSamples(count, bitDepth, 3) };
}

Deno.test("every PNG color type and bit depth decodes to the right luminance, plain and interlaced", async () => {
  for (const [colorType, depths] of COMBINATIONS) {
    for (const bitDepth of depths) {
      for (const interlaced of [false, true]) {
        const png = rawPng(colorType, bitDepth, interlaced);
        const label = `type ${colorType} depth ${bitDepth}${interlaced ? " interlaced" : ""}`;
        const image = decodeImageBytes(await buildPng(png), "t.png");
        assert.deepEqual([image.width, image.height], [11, 7], label);
        assertLuminance(image.luminance, expectedLuminance(png), label);
      }
    }
  }
});

Deno.test("PNGs written by fast-png's encoder decode to the right luminance", () => {
  for (const [colorType, depths] of COMBINATIONS) {
    for (const bitDepth of depths) {
      // fast-png cannot write interlaced images below 8 bits (it throws), so those are
      // covered by the hand-built files above only.
      for (const interlaced of bitDepth >= 8 ? [false, true] : [false]) {
        const png = rawPng(colorType, bitDepth, interlaced);
        const channels = PNG_CHANNELS[colorType];
        const data = bitDepth === 16
          ? new Uint16Array(png.samples)
          : bitDepth === 8
          ? new Uint8Array(png.samples)
          : packRows(png.samples, png.width, bitDepth);
        const bytes = fastPngEncode(
          {
            width: png.width,
            height: png.height,
            data,
            depth: bitDepth as 1 | 2 | 4 | 8 | 16,
            channels,
            palette: png.palette,
          },
          { interlace: interlaced ? "Adam7" : "null" },
        );
        const label = `fast-png type ${colorType} depth ${bitDepth}${
          interlaced ? " interlaced" : ""
        }`;
        assertLuminance(decodeImageBytes(bytes, "f.png").luminance, expectedLuminance(png), label);
      }
    }
  }
});

function packRows(samples: number[], width: number, bitDepth: number): Uint8Array {
  const rows: Uint8Array[] = [];
  for (let y = 0; y * width < samples.length; y++) {
    rows.push(packLine(samples.slice(y * width, (y + 1) * width), bitDepth));
  }
  const out = new Uint8Array(rows.length * rows[0].length);
  rows.forEach((row, y) => out.set(row, y * row.length));
  return out;
}

Deno.test("alpha is composited onto white: a transparent background becomes paper", async () => {
  // 2x2 RGBA: opaque black, fully transparent black, half-transparent black, opaque white.
  const rgba: RawPng = {
    width: 2,
    height: 2,
    colorType: 6,
    bitDepth: 8,
    samples: [0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128, 255, 255, 255, 255],
  };
  const image = decodeImageBytes(await buildPng(rgba), "ink.png");
  assertLuminance(image.luminance, [0, 1, 1 - 128 / 255, 1], "RGBA");
  // Gray+alpha at 16 bits behaves the same.
  const grayAlpha: RawPng = {
    width: 2,
    height: 1,
    colorType: 4,
    bitDepth: 16,
    samples: [0, 65535, 0, 0],
  };
  assertLuminance(decodeImageBytes(await buildPng(grayAlpha), "ga.png").luminance, [0, 1], "GA16");
});

Deno.test("tRNS transparency works for gray, RGB and palette images, interlaced too", async () => {
  for (const interlaced of [false, true]) {
    const gray: RawPng = {
      width: 3,
      height: 1,
      colorType: 0,
      bitDepth: 2,
      samples: [0, 1, 2],
      trns: [1], // gray value 1 is transparent
      interlaced,
    };
    const grayImage = decodeImageBytes(await buildPng(gray), "g.png");
    assertLuminance(grayImage.luminance, [0, 1, 2 / 3], `gray tRNS ${interlaced}`);

    const rgb: RawPng = {
      width: 3,
      height: 1,
      colorType: 2,
      bitDepth: 8,
      samples: [10, 20, 30, 0, 0, 0, 10, 20, 31],
      trns: [10, 20, 30],
      interlaced,
    };
    assertLuminance(
      decodeImageBytes(await buildPng(rgb), "rgb.png").luminance,
      [1, 0, (0.299 * 10 + 0.587 * 20 + 0.114 * 31) / 255],
      `RGB tRNS ${interlaced}`,
    );

    const palette: RawPng = {
      width: 3,
      height: 1,
      colorType: 3,
      bitDepth: 4,
      samples: [0, 1, 2],
      palette: [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
      trns: [0, 255], // entry 0 transparent, 1 opaque, 2 (missing) opaque
      interlaced,
    };
    assertLuminance(
      decodeImageBytes(await buildPng(palette), "p.png").luminance,
      [1, 0, 0],
      `palette tRNS ${interlaced}`,
    );
  }
});

Deno.test("a palette index beyond the palette is reported as corrupt, not read as garbage", async () => {
  const png: RawPng = {
    width: 2,
    height: 1,
    colorType: 3,
    bitDepth: 8,
    samples: [0, 9],
    palette: [[0, 0, 0]],
  };
  const bytes = await buildPng(png);
  assert.throws(
    () => decodeImageBytes(bytes, "bad.png"),
    (error) =>
      error instanceof UserError &&
      error.message === "bad.png: truncated or corrupt PNG (palette index 9 out of range)",
  );
});

/** `png` with one more chunk of `type` right after IHDR (CRC left 0: the decoder skips it). */
function withChunkAfterHeader(png: Uint8Array, type: string, data: Uint8Array): Uint8Array {
  const ihdrEnd = 8 + 12 + 13;
  const out = new Uint8Array(png.length + 12 + data.length);
  out.set(png.subarray(0, ihdrEnd));
  new DataView(out.buffer).setUint32(ihdrEnd, data.length);
  out.set(new TextEncoder().encode(type), ihdrEnd + 4);
  out.set(data, ihdrEnd + 8);
  out.set(png.subarray(ihdrEnd), ihdrEnd + 12 + data.length);
  return out;
}

Deno.test("an ICC profile that inflates to 256 MB is skipped, not decompressed", async () => {
  const png = await buildPng({ width: 2, height: 1, colorType: 0, bitDepth: 8, samples: [0, 255] });
  // iCCP: name, NUL, compression method 0, then a zlib stream; about 250 KB on disk.
  const profile = deflateSync(new Uint8Array(256 * 1024 * 1024), { level: 9 });
  const iccp = new Uint8Array([...new TextEncoder().encode("bomb"), 0, 0, ...profile]);
  const bytes = withChunkAfterHeader(png, "iCCP", iccp);
  const before = Deno.memoryUsage().rss;
  const image = decodeImageBytes(bytes, "icc.png");
  const riseMb = (Deno.memoryUsage().rss - before) / (1024 * 1024);
  assertLuminance(image.luminance, [0, 1], "iCCP");
  // Inflating the profile would hold at least the 256 MB it expands to.
  assert.ok(riseMb < 64, `memory rose by ${riseMb.toFixed(0)} MB`);
});

Deno.test("malformed palette and transparency tables are refused as corrupt", async () => {
  const palette: RawPng = {
    width: 2,
    height: 1,
    colorType: 3,
    bitDepth: 8,
    samples: [0, 1],
    palette: [[0, 0, 0], [255, 255, 255]],
  };
  const cases: [Uint8Array, string][] = [
    [
      withChunkAfterHeader(
        await buildPng({ ...palette, palette: undefined }),
        "PLTE",
        new Uint8Array(4),
      ),
      "PLTE length must be a multiple of 3, got 4",
    ],
    [
      await buildPng({ ...palette, trns: [0, 0, 0] }),
      "tRNS has 3 alpha values for 2 palette colors",
    ],
    [
      await buildPng({ width: 1, height: 1, colorType: 6, bitDepth: 8, samples: [0, 0, 0, 255] })
        .then((png) => withChunkAfterHeader(png, "tRNS", new Uint8Array(6))),
      "tRNS chunk in an image with an alpha channel (color type 6)",
    ],
  ];
  for (const [bytes, reason] of cases) {
    assert.throws(
      () => decodeImageBytes(bytes, "bad.png"),
      (error) =>
        error instanceof UserError &&
        error.message === `bad.png: truncated or corrupt PNG (${reason})`,
    );
  }
});
