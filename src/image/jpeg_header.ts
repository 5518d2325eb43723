/** What a JPEG's start-of-frame segment says, read before any pixel is decoded. */
export interface JpegHeader {
  width: number;
  height: number;
  /** Bits per sample; jpeg-js handles 8 only. */
  precision: number;
  /** How the frame is coded; jpeg-js handles "baseline" and "progressive" (Huffman). */
  coding: "baseline" | "progressive" | "lossless" | "arithmetic" | "hierarchical";
  /** EXIF orientation tag (1..8, 1 = as stored); phones record rotation here. */
  orientation: number;
  /** Byte offset just past the frame header, where tables and scans begin. */
  frameEnd: number;
}

/**
 * Walks the JPEG marker segments up to the start-of-frame and reads the image size, the coding
 * process and the EXIF orientation. Cheap and allocation-free, so huge images can be refused
 * before decoding. Throws an Error saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJpegHeader } from "./jpeg_header.ts";
 *
 * const bytes = await Deno.readFile("src/image/testdata/ring_gray_progressive.jpg");
 * const { width, height, coding, orientation } = readJpegHeader(bytes);
 * assert.deepEqual([width, height, coding, orientation], [24, 20, "progressive", 1]);
 * ```
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation = 1;
  let offset = 2; // after SOI
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new Error(`no marker at byte ${offset}`);
    const marker = bytes[offset + 1];
    if (marker === 0xff) { // fill byte before a marker
      offset++;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      throw new Error("no frame header before the image data");
    }
    const length = view.getUint16(offset + 2);
    const segmentEnd = offset + 2 + length;
    if (length < 2 || segmentEnd > bytes.length) break;
    if (marker === 0xe1) orientation = readExifOrientation(bytes.subarray(offset + 4, segmentEnd));
    const coding = frameCoding(marker);
    if (coding !== undefined) {
      if (length < 8) throw new Error("frame header too short");
      return {
        precision: bytes[offset + 4],
        height: view.getUint16(offset + 5),
        width: view.getUint16(offset + 7),
        coding,
        orientation,
        frameEnd: segmentEnd,
      };
    }
    offset = segmentEnd;
  }
  throw new Error("file ends before the frame header");
}

/** SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc), which share the range. */
function frameCoding(marker: number): JpegHeader["coding"] | undefined {
  if (marker < 0xc0 || marker > 0xcf || marker === 0xc4 || marker === 0xc8 || marker === 0xcc) {
    return undefined;
  }
  if (marker >= 0xc9) return "arithmetic";
  if (marker === 0xc3 || marker === 0xc7) return "lossless";
  if (marker === 0xc5 || marker === 0xc6) return "hierarchical";
  return marker === 0xc2 ? "progressive" : "baseline"; // c0 baseline, c1 extended Huffman
}

/**
 * Finds tag 0x0112 in the first IFD of an APP1 "Exif" segment (a small TIFF structure).
 * Any malformation just means "no rotation": orientation is a nicety, not a reason to fail.
 */
function readExifOrientation(segment: Uint8Array): number {
  const tiffStart = 6; // "Exif\0\0"
  if (segment.length < tiffStart + 8) return 1;
  if (String.fromCharCode(...segment.subarray(0, 4)) !== "Exif") return 1;
  const view = new DataView(segment.buffer, segment.byteOffset + tiffStart);
  const tiffLength = segment.length - tiffStart;
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiffLength) return 1;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiffLength) return 1;
    if (view.getUint16(entry, little) === 0x0112) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}
