import type { PngHeader } from "./png_header.ts";

/** The seven Adam7 passes: first pixel (x, y) and step between pixels. */
export const ADAM7_PASSES = [
  { x: 0, y: 0, xStep: 8, yStep: 8 },
  { x: 4, y: 0, xStep: 8, yStep: 8 },
  { x: 0, y: 4, xStep: 4, yStep: 8 },
  { x: 2, y: 0, xStep: 4, yStep: 4 },
  { x: 0, y: 2, xStep: 2, yStep: 4 },
  { x: 1, y: 0, xStep: 2, yStep: 2 },
  { x: 0, y: 1, xStep: 1, yStep: 2 },
] as const;

/** Samples per pixel for each PNG color type. */
export const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Size in bytes of the inflated IDAT stream: every scanline of every pass plus its filter byte.
 * Used to bound decompression (a small file must not inflate to gigabytes) and to detect
 * truncation.
 */
export function pngInflatedSize(header: PngHeader): number {
  const bitsPerPixel = header.bitDepth * PNG_CHANNELS[header.colorType];
  const passSize = (width: number, height: number) =>
    width > 0 && height > 0 ? height * (1 + Math.ceil((width * bitsPerPixel) / 8)) : 0;
  if (!header.interlaced) return passSize(header.width, header.height);
  let total = 0;
  for (const pass of ADAM7_PASSES) {
    total += passSize(
      Math.ceil((header.width - pass.x) / pass.xStep),
      Math.ceil((header.height - pass.y) / pass.yStep),
    );
  }
  return total;
}

/**
 * Unfilters and de-interlaces an Adam7 PNG of bit depth 1 to 8 into one byte per sample
 * ([height x width x channels], values 0..2^depth-1). fast-png mis-sizes the scanlines of
 * interlaced images below 8 bits, so those come here.
 */
export function decodeAdam7Samples(inflated: Uint8Array, header: PngHeader): Uint8Array {
  const { width, height, bitDepth } = header;
  if (bitDepth > 8) throw new RangeError("decodeAdam7Samples handles bit depths up to 8");
  const channels = PNG_CHANNELS[header.colorType];
  const samplesPerRow = width * channels;
  const out = new Uint8Array(height * samplesPerRow);
  // Filters work on whole bytes; a pixel narrower than a byte counts as 1 byte.
  const filterStride = Math.max(1, (bitDepth * channels) >> 3);
  const mask = (1 << bitDepth) - 1;
  let offset = 0;
  for (const pass of ADAM7_PASSES) {
    const passWidth = Math.ceil((width - pass.x) / pass.xStep);
    const passHeight = Math.ceil((height - pass.y) / pass.yStep);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const lineBytes = Math.ceil((passWidth * channels * bitDepth) / 8);
    let previous = new Uint8Array(lineBytes);
    for (let row = 0; row < passHeight; row++) {
      const filter = inflated[offset];
      const line = inflated.slice(offset + 1, offset + 1 + lineBytes);
      offset += 1 + lineBytes;
      unfilterLine(filter, line, previous, filterStride);
      previous = line;
      const y = pass.y + row * pass.yStep;
      for (let col = 0; col < passWidth; col++) {
        const x = pass.x + col * pass.xStep;
        for (let c = 0; c < channels; c++) {
          const bit = (col * channels + c) * bitDepth;
          const value = (line[bit >> 3] >> (8 - bitDepth - (bit & 7))) & mask;
          out[y * samplesPerRow + x * channels + c] = value;
        }
      }
    }
  }
  return out;
}

/** Reverses one PNG scanline filter in place (PNG spec section 9). */
function unfilterLine(filter: number, line: Uint8Array, previous: Uint8Array, stride: number) {
  const n = line.length;
  switch (filter) {
    case 0:
      return;
    case 1: // Sub
      for (let i = stride; i < n; i++) line[i] = (line[i] + line[i - stride]) & 0xff;
      return;
    case 2: // Up
      for (let i = 0; i < n; i++) line[i] = (line[i] + previous[i]) & 0xff;
      return;
    case 3: // Average
      for (let i = 0; i < n; i++) {
        const left = i >= stride ? line[i - stride] : 0;
        line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xff;
      }
      return;
    case 4: // Paeth
      for (let i = 0; i < n; i++) {
        const a = i >= stride ? line[i - stride] : 0;
        const b = previous[i];
        const c = i >= stride ? previous[i - stride] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        line[i] = (line[i] + predictor) & 0xff;
      }
      return;
    default:
      throw new Error(`unknown scanline filter ${filter}`);
  }
}
