/**
 * A sequential (baseline or extended, Huffman-coded) JPEG decoder for the luminance plane
 * alone, the only plane the digit reader uses. jpeg-js decodes every component in full,
 * allocating an array per 8x8 block, upsamples the colour planes and interleaves them: on a
 * 4,000 x 3,000 phone photo that is over a second, most of it allocation and copying, where the
 * luminance's own work (Huffman decoding, the inverse DCT) takes a fraction. Here the colour
 * blocks are Huffman-decoded only to step over them, and each luminance block goes straight
 * from its coefficients to the output through jpeg-js's own integer inverse DCT (ported as it
 * is, from pdf.js), so the plane is the very one jpeg-js gives, byte for byte.
 *
 * Anything else (progressive or arithmetic coding, a luminance plane subsampled against the
 * colour ones, quantization tables redefined after the first scan, markers out of place, data
 * that runs out) is answered `undefined`, and the caller decodes the file with jpeg-js as
 * before, which also words the errors of damaged files.
 */
import { inverseDct } from "./inverse_dct.ts";

/** The zigzag order of the 64 coefficients: natural index of the k-th coded one. */
// deno-fmt-ignore
const ZIGZAG = new Int32Array([
  0,
  1,
  8,
  16,
  9,
  2,
  3,
  10,
  17,
  24,
  32,
  25,
  18,
  11,
  4,
  5,
  12,
  19,
  26,
  33,
  40,
  48,
  41,
  34,
  27,
  20,
  13,
  6,
  7,
  14,
  21,
  28,
  35,
  42,
  49,
  56,
  57,
  50,
  43,
  36,
  29,
  22,
  15,
  23,
  30,
  37,
  44,
  51,
  58,
  59,
  52,
  45,
  38,
  31,
  39,
  46,
  53,
  60,
  61,
  54,
  47,
  55,
  62,
  63,
]);

/** Codes up to this many bits long are decoded with one table lookup. */
const FAST_BITS = 9;

/** A Huffman table: a lookup for short codes, and the canonical limits for longer ones. */
interface Huffman {
  /** [2^FAST_BITS] (length << 8) | value for a code of that prefix, or 0 (longer code). */
  fast: Uint16Array;
  /** maxCode[l]: the largest code of length l (-1 when none), l = 1..16. */
  maxCode: Int32Array;
  /** valOffset[l]: index in `values` of code c of length l is c + valOffset[l]. */
  valOffset: Int32Array;
  values: Uint8Array;
}

/** One component of the frame: sampling factors and, once a scan names it, its tables. */
interface Component {
  id: number;
  h: number;
  v: number;
  quantId: number;
  /**
   * The component's blocks per line and column that hold pixels: how a one-component scan is
   * laid out, and, in an interleaved scan, where the blocks that only pad the last MCU begin.
   */
  blocksPerLine: number;
  blocksPerColumn: number;
  dc?: Huffman;
  ac?: Huffman;
  pred: number;
}

/** The frame header: the image's size, its components, and their largest sampling factors. */
interface Frame {
  width: number;
  height: number;
  components: Component[];
  maxH: number;
  maxV: number;
}

/** Why the fast path gives up: the caller then decodes with jpeg-js. */
class Unsupported extends Error {}

/**
 * The luminance (0 = black, 1 = white) of a sequential Huffman-coded JPEG whose first component
 * is its luminance and is not subsampled, as jpeg-js would give it (`colorTransform: false`,
 * the first channel / 255); `undefined` for any other JPEG, or one it cannot follow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import jpeg from "jpeg-js";
 * import { decodeJpegLuma } from "./jpeg_luma.ts";
 *
 * // A 16x8 gradient, encoded by jpeg-js and read back both ways.
 * const rgba = new Uint8Array(16 * 8 * 4);
 * for (let i = 0; i < 128; i++) rgba.fill((i % 16) * 16, 4 * i, 4 * i + 3), rgba[4 * i + 3] = 255;
 * const bytes = new Uint8Array(jpeg.encode({ width: 16, height: 8, data: rgba }, 90).data);
 * const luma = decodeJpegLuma(bytes);
 * const full = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, colorTransform: false });
 * assert.ok(luma !== undefined);
 * assert.deepEqual(Array.from(luma.luminance, (v) => Math.round(v * 255)), Array.from(full.data.filter((_, i) => i % 3 === 0)));
 * ```
 */
export function decodeJpegLuma(
  bytes: Uint8Array,
): { width: number; height: number; luminance: Float32Array } | undefined {
  try {
    return decode(bytes);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function decode(data: Uint8Array): { width: number; height: number; luminance: Float32Array } {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Unsupported("no SOI");
  let offset = 2;
  const u16 = (at: number) => (data[at] << 8) | data[at + 1];
  const quant: (Int32Array | undefined)[] = [];
  const dcTables: (Huffman | undefined)[] = [], acTables: (Huffman | undefined)[] = [];
  let frame: Frame | undefined;
  let restartInterval = 0;
  const scanned = new Set<Component>();
  let luminance: Float32Array | undefined;
  for (;;) {
    if (offset + 2 > data.length) throw new Unsupported("no EOI");
    if (data[offset] !== 0xff) throw new Unsupported("marker expected");
    const marker = data[offset + 1];
    offset += 2;
    if (marker === 0xd9) break; // EOI
    if (offset + 2 > data.length) throw new Unsupported("segment runs out");
    const length = u16(offset);
    const end = offset + length;
    if (length < 2 || end > data.length) throw new Unsupported("segment runs out");
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      // An Adobe segment after a scan still sets jpeg-js's colour transform (the caller looked
      // only before the first scan): leave such a file to it.
      if (marker === 0xee && scanned.size > 0) throw new Unsupported("Adobe segment after a scan");
      offset = end; // APPn, COM
    } else if (marker === 0xdb) {
      // DQT. jpeg-js uses the tables as last defined, after every scan: redefining one after a
      // scan began would make its planes differ from ours.
      if (scanned.size > 0) throw new Unsupported("DQT after a scan");
      let at = offset + 2;
      while (at < end) {
        const spec = data[at++];
        const table = new Int32Array(64);
        if (spec >> 4 === 0) { for (let j = 0; j < 64; j++) table[ZIGZAG[j]] = data[at++]; }
        else if (spec >> 4 === 1) {
          for (let j = 0; j < 64; j++, at += 2) table[ZIGZAG[j]] = u16(at);
        } else throw new Unsupported("DQT precision");
        quant[spec & 15] = table;
      }
      // jpeg-js walks the tables, not the length: the two must agree for its offsets to be ours.
      if (at !== end) throw new Unsupported("DQT length");
      offset = end;
    } else if (marker === 0xc0 || marker === 0xc1) {
      if (frame) throw new Unsupported("second frame");
      if (data[offset + 2] !== 8) throw new Unsupported("precision");
      const height = u16(offset + 3), width = u16(offset + 5), count = data[offset + 7];
      if (width === 0 || height === 0 || count === 0) throw new Unsupported("frame size");
      if (length !== 8 + 3 * count) throw new Unsupported("SOF length");
      const components: Component[] = [];
      for (let i = 0, at = offset + 8; i < count; i++, at += 3) {
        const h = data[at + 1] >> 4, v = data[at + 1] & 15;
        if (h < 1 || v < 1 || h > 4 || v > 4) throw new Unsupported("sampling factor");
        components.push({
          id: data[at],
          h,
          v,
          quantId: data[at + 2],
          blocksPerLine: 0,
          blocksPerColumn: 0,
          pred: 0,
        });
      }
      if (new Set(components.map((c) => c.id)).size !== count) throw new Unsupported("same ids");
      const maxH = Math.max(...components.map((c) => c.h));
      const maxV = Math.max(...components.map((c) => c.v));
      for (const c of components) {
        c.blocksPerLine = Math.ceil(Math.ceil(width / 8) * c.h / maxH);
        c.blocksPerColumn = Math.ceil(Math.ceil(height / 8) * c.v / maxV);
      }
      // The luminance must be at full resolution (jpeg-js would stretch it otherwise).
      if (components[0].h !== maxH || components[0].v !== maxV) {
        throw new Unsupported("luminance subsampled");
      }
      frame = { width, height, components, maxH, maxV };
      luminance = new Float32Array(width * height);
      offset = end;
    } else if (marker === 0xc4) {
      let at = offset + 2;
      while (at < end) {
        const spec = data[at];
        const counts = data.subarray(at + 1, at + 17);
        const total = counts.reduce((sum, n) => sum + n, 0);
        const values = data.slice(at + 17, at + 17 + total);
        if (at + 17 + total > end) throw new Unsupported("DHT runs out");
        (spec >> 4 === 0 ? dcTables : acTables)[spec & 15] = huffmanTable(counts, values);
        at += 17 + total;
      }
      offset = end;
    } else if (marker === 0xdd) {
      if (length !== 4) throw new Unsupported("DRI length");
      restartInterval = u16(offset + 2);
      offset = end;
    } else if (marker === 0xda) {
      if (!frame || !luminance) throw new Unsupported("scan before frame");
      const count = data[offset + 2];
      if (length !== 6 + 2 * count) throw new Unsupported("SOS length");
      // A sequential scan codes the whole spectrum at full precision.
      const spectrum = data.subarray(end - 3, end);
      if (spectrum[0] !== 0 || spectrum[1] !== 63 || spectrum[2] !== 0) {
        throw new Unsupported("spectral selection");
      }
      const scan: Component[] = [];
      for (let i = 0, at = offset + 3; i < count; i++, at += 2) {
        const c = frame.components.find((c) => c.id === data[at]);
        // jpeg-js adds a component's later scans onto its earlier ones: not followed here.
        if (!c || scan.includes(c) || scanned.has(c)) throw new Unsupported("scan component");
        c.dc = dcTables[data[at + 1] >> 4];
        c.ac = acTables[data[at + 1] & 15];
        if (!c.dc || !c.ac) throw new Unsupported("missing Huffman table");
        scan.push(c);
      }
      const luma = frame.components[0];
      const table = quant[luma.quantId];
      if (scan.includes(luma) && !table) throw new Unsupported("missing quantization table");
      offset = decodeScan(data, end, frame, scan, restartInterval, luminance, table!);
      for (const c of scan) scanned.add(c);
    } else {
      // SOF2 and the other codings, DNL, fill bytes, anything unknown: jpeg-js's business.
      throw new Unsupported(`marker ${marker.toString(16)}`);
    }
  }
  if (!frame || !luminance || !scanned.has(frame.components[0])) {
    throw new Unsupported("no luminance scan");
  }
  // jpeg-js dequantizes every component: one without its table is a file it fails on.
  if (frame.components.some((c) => !quant[c.quantId])) throw new Unsupported("quantization table");
  return { width: frame.width, height: frame.height, luminance };
}

/**
 * Canonical Huffman decoding tables from the code counts per length and the values (JPEG
 * Annex C): codes of each length are consecutive integers, starting where the shorter ones
 * left off, doubled.
 */
function huffmanTable(counts: Uint8Array, values: Uint8Array): Huffman {
  const fast = new Uint16Array(1 << FAST_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0, k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1];
    valOffset[length] = k - code;
    for (let i = 0; i < n; i++, code++, k++) {
      if (length <= FAST_BITS) {
        const shift = FAST_BITS - length;
        const first = code << shift;
        for (let j = 0; j < 1 << shift; j++) fast[first + j] = (length << 8) | values[k];
      }
    }
    if (n > 0) maxCode[length] = code - 1;
    // The all-ones code is reserved (JPEG Annex C); jpeg-js refuses a table that uses it.
    if (code >= 1 << length && n > 0) throw new Unsupported("bad Huffman table");
    code <<= 1;
  }
  return { fast, maxCode, valOffset, values };
}

/** Decodes one scan starting at `start`; returns the offset of the marker after it. */
function decodeScan(
  data: Uint8Array,
  start: number,
  frame: Frame,
  scan: Component[],
  restartInterval: number,
  luminance: Float32Array,
  quant: Int32Array,
): number {
  const { width, height, components, maxH, maxV } = frame;
  const luma = components[0];
  const mcusPerLine = Math.ceil(width / 8 / maxH);
  const mcusPerColumn = Math.ceil(height / 8 / maxV);
  const single = scan.length === 1;
  const mcus = single
    ? scan[0].blocksPerLine * scan[0].blocksPerColumn
    : mcusPerLine * mcusPerColumn;
  const interval = restartInterval || mcus;
  // jpeg-js runs a one-component scan's last interval to its full length, into its blocks'
  // padding or past them (then failing): only whole intervals are followed here.
  if (single && mcus % interval !== 0) throw new Unsupported("partial last interval");

  // The bit reader: `buffer` holds `bits` unread bits, most significant first. Bytes stop being
  // read at a marker (0xff not followed by 0): zeros are fed instead, and counted, since
  // reading past the scan's data means the file is not what it claims (jpeg-js throws there).
  let pos = start, buffer = 0, bits = 0, padded = 0;
  const fill = () => {
    while (bits <= 24) {
      let byte = 0;
      if (pos < data.length && !(data[pos] === 0xff && data[pos + 1] !== 0)) {
        byte = data[pos++];
        if (byte === 0xff) pos++; // a stuffed zero
      } else padded += 8;
      buffer = ((buffer << 8) | byte) >>> 0;
      bits += 8;
    }
  };
  const receive = (n: number): number => {
    if (bits < n) fill();
    bits -= n;
    return (buffer >>> bits) & ((1 << n) - 1);
  };
  const extend = (value: number, n: number) => value < 1 << (n - 1) ? value + (-1 << n) + 1 : value;
  const decodeHuffman = (table: Huffman): number => {
    if (bits < 16) fill();
    const entry = table.fast[(buffer >>> (bits - FAST_BITS)) & ((1 << FAST_BITS) - 1)];
    if (entry !== 0) {
      bits -= entry >> 8;
      return entry & 0xff;
    }
    // A longer code: compare with each length's largest code (JPEG Annex F.2.2.3).
    let length = FAST_BITS + 1;
    let code = (buffer >>> (bits - length)) & ((1 << length) - 1);
    while (code > table.maxCode[length]) {
      length++;
      if (length > 16) throw new Unsupported("invalid Huffman code");
      code = (buffer >>> (bits - length)) & ((1 << length) - 1);
    }
    bits -= length;
    return table.values[code + table.valOffset[length]];
  };

  const coefficients = new Int32Array(64);
  const work = new Int32Array(64);
  /** Decodes one block; with `out`, dequantizes it and writes its pixels at block (bx, by). */
  const block = (c: Component, bx: number, by: number, out: boolean) => {
    const t = decodeHuffman(c.dc!);
    // A DC difference has at most 16 bits; a damaged table asking for more is jpeg-js's to read.
    if (t > 16) throw new Unsupported("DC category");
    const diff = t === 0 ? 0 : extend(receive(t), t);
    c.pred += diff;
    if (out) coefficients[0] = c.pred;
    const ac = c.ac!;
    for (let k = 1; k < 64;) {
      const rs = decodeHuffman(ac);
      const s = rs & 15, r = rs >> 4;
      if (s === 0) {
        if (r < 15) break;
        k += 16;
        continue;
      }
      k += r;
      const value = extend(receive(s), s);
      // jpeg-js writes past the 64th coefficient into nothing; so do we.
      if (out && k < 64) coefficients[ZIGZAG[k]] = value;
      k++;
    }
    if (!out) return;
    inverseDct(coefficients, quant, work);
    coefficients.fill(0);
    const x0 = bx * 8, y0 = by * 8;
    for (let y = 0; y < 8 && y0 + y < height; y++) {
      const row = (y0 + y) * width;
      for (let x = 0; x < 8 && x0 + x < width; x++) luminance[row + x0 + x] = work[y * 8 + x] / 255;
    }
  };

  const atMarker = () => pos + 1 < data.length && data[pos] === 0xff && data[pos + 1] !== 0;
  let mcu = 0;
  while (mcu < mcus) {
    for (const c of scan) c.pred = 0;
    for (let n = 0; n < interval && mcu < mcus; n++, mcu++) {
      // Zeros fed past a marker read as data: jpeg-js would fail here. Checked per MCU, so that
      // a file cut short is not decoded to its end from padding first.
      if (padded > 0 && bits < padded) throw new Unsupported("data runs out");
      if (single) {
        const c = scan[0];
        block(c, mcu % c.blocksPerLine, Math.floor(mcu / c.blocksPerLine), c === luma);
      } else {
        const row = Math.floor(mcu / mcusPerLine), col = mcu % mcusPerLine;
        for (const c of scan) {
          for (let j = 0; j < c.v; j++) {
            for (let i = 0; i < c.h; i++) {
              const bx = col * c.h + i, by = row * c.v + j;
              // Blocks past the component's edge fill the last MCU but are not shown.
              block(c, bx, by, c === luma && bx < c.blocksPerLine && by < c.blocksPerColumn);
            }
          }
        }
      }
    }
    // Zeros fed past a marker were read as data: jpeg-js would have failed here.
    if (padded > 0 && bits < padded) throw new Unsupported("data runs out");
    if (mcu < mcus) {
      // A restart marker must follow the interval's last byte read, as jpeg-js requires: a
      // whole byte left unread, or anything but a marker after it, is damage.
      if (bits - padded >= 8 || !atMarker()) throw new Unsupported("restart marker expected");
    } else {
      // The scan's end: its last byte may not have been read; jpeg-js skips to the marker.
      while (pos + 1 < data.length && !atMarker()) pos++;
      if (!atMarker()) throw new Unsupported("no marker after scan data");
    }
    buffer = 0, bits = 0, padded = 0;
    const marker = data[pos + 1];
    if (marker >= 0xd0 && marker <= 0xd7) pos += 2;
    else if (mcu < mcus) throw new Unsupported("restart marker expected");
  }
  return pos;
}
