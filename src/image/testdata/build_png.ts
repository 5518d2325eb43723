// A minimal, independent PNG writer: raw samples -> scanlines (Adam7 if asked) -> the five
// filter types in turn -> zlib via CompressionStream -> chunks with CRC32. It lets us build
// every color type and bit depth, including those fast-png's encoder cannot write.

// Written from the PNG specification, independently of the decoder's own tables.
const ADAM7_PASSES = [
  { x: 0, y: 0, xStep: 8, yStep: 8 },
  { x: 4, y: 0, xStep: 8, yStep: 8 },
  { x: 0, y: 4, xStep: 4, yStep: 8 },
  { x: 2, y: 0, xStep: 4, yStep: 4 },
  { x: 0, y: 2, xStep: 2, yStep: 4 },
  { x: 1, y: 0, xStep: 2, yStep: 2 },
  { x: 0, y: 1, xStep: 1, yStep: 2 },
];

/** Samples per pixel for each color type. */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** A PNG to build, described by its raw samples. */
export interface RawPng {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  /** [height x width x channels] sample values (palette indices for type 3). */
  samples: number[];
  interlaced?: boolean;
  palette?: number[][];
  /** tRNS payload: palette alphas, or the 16-bit transparent gray / RGB key. */
  trns?: number[];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Packs one scanline of samples at the bit depth (big-endian for 16 bits). */
export function packLine(values: number[], bitDepth: number): Uint8Array {
  if (bitDepth === 16) return new Uint8Array(values.flatMap((v) => [v >> 8, v & 0xff]));
  const out = new Uint8Array(Math.ceil((values.length * bitDepth) / 8));
  values.forEach((v, i) => {
    const bit = i * bitDepth;
    out[bit >> 3] |= v << (8 - bitDepth - (bit & 7));
  });
  return out;
}

/** Applies PNG filter `type` to `line` given the previous unfiltered line. */
function filterLine(type: number, line: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(line.length + 1);
  out[0] = type;
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? line[i - bpp] : 0;
    const b = prev[i] ?? 0;
    const c = i >= bpp ? prev[i - bpp] ?? 0 : 0;
    const p = a + b - c;
    const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    const predictor = [0, a, b, (a + b) >> 1, paeth][type];
    out[i + 1] = (line[i] - predictor) & 0xff;
  }
  return out;
}

/** Encodes `png` as a complete PNG file. */
export async function buildPng(png: RawPng): Promise<Uint8Array> {
  const { width, height, colorType, bitDepth } = png;
  const channels = CHANNELS[colorType];
  const bpp = Math.max(1, (channels * bitDepth) >> 3);
  const passes = png.interlaced ? ADAM7_PASSES : [{ x: 0, y: 0, xStep: 1, yStep: 1 }];
  const lines: Uint8Array[] = [];
  let filterType = 0;
  for (const pass of passes) {
    let prev: Uint8Array = new Uint8Array(0);
    for (let y = pass.y; y < height; y += pass.yStep) {
      const values: number[] = [];
      for (let x = pass.x; x < width; x += pass.xStep) {
        for (let c = 0; c < channels; c++) values.push(png.samples[(y * width + x) * channels + c]);
      }
      if (values.length === 0) continue;
      const line = packLine(values, bitDepth);
      lines.push(filterLine(filterType++ % 5, line, prev, bpp));
      prev = line;
    }
  }
  const raw = new Uint8Array(lines.reduce((n, l) => n + l.length, 0));
  lines.reduce((at, l) => (raw.set(l, at), at + l.length), 0);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, png.interlaced ? 1 : 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
  ];
  if (png.palette) parts.push(chunk("PLTE", new Uint8Array(png.palette.flat())));
  if (png.trns) {
    const bytes = colorType === 3
      ? new Uint8Array(png.trns)
      : new Uint8Array(png.trns.flatMap((v) => [v >> 8, v & 0xff]));
    parts.push(chunk("tRNS", bytes));
  }
  const compressed = await zlib(raw);
  // Split the data over two IDAT chunks, as streaming encoders do.
  const half = compressed.length >> 1;
  parts.push(chunk("IDAT", compressed.subarray(0, half)), chunk("IDAT", compressed.subarray(half)));
  parts.push(chunk("IEND", new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}
