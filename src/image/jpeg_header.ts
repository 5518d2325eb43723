/** What a JPEG's marker segments before the image data say, read before any pixel is decoded. */
export interface JpegHeader {
  width: number;
  height: number;
  /** Bits per sample; jpeg-js handles 8 only. */
  precision: number;
  /** How the frame is coded; jpeg-js handles "baseline" and "progressive" (Huffman). */
  coding: "baseline" | "progressive" | "lossless" | "arithmetic" | "hierarchical";
  /** EXIF orientation tag (1..8, 1 = as stored); phones record rotation here. */
  orientation: number;
  /**
   * Component ids in frame order: one for gray, three for color (usually 1, 2, 3 for YCbCr;
   * without JFIF or Adobe segments libjpeg reads "R", "G", "B" = 0x52, 0x47, 0x42 as RGB), four
   * for CMYK or YCCK.
   */
  componentIds: number[];
  /**
   * The color transform of an Adobe APP14 segment before the first scan (0: stored as RGB or
   * CMYK, 1: YCbCr, 2: YCCK), or undefined when there is none.
   */
  adobeTransform: number | undefined;
  /**
   * Whether an APP0 "JFIF" segment comes before the first scan. JFIF means YCbCr: libjpeg-turbo
   * reads three components so even against an Adobe transform 0 or the ids "R", "G", "B".
   */
  jfif: boolean;
  /** Byte offset just past the frame header, where tables and scans begin. */
  frameEnd: number;
}

/**
 * Walks the JPEG marker segments up to the first scan and reads the image size, the coding
 * process and the components from the frame header, the EXIF orientation before it, and the
 * JFIF and Adobe segments that say how colors are stored. Cheap and allocation-free (it reads
 * the segments in place), so huge images can be refused before decoding. Throws an Error saying
 * what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJpegHeader } from "./jpeg_header.ts";
 *
 * const bytes = await Deno.readFile("src/image/testdata/ring_gray_progressive.jpg");
 * const { width, height, coding, orientation } = readJpegHeader(bytes);
 * assert.deepEqual([width, height, coding, orientation], [24, 20, "progressive", 1]);
 *
 * // libjpeg's `cjpeg -rgb` stores RGB as is and says so twice: an Adobe segment with
 * // transform 0 and the component ids "R", "G", "B".
 * const rgb = readJpegHeader(await Deno.readFile("src/image/testdata/ring_adobe_rgb.jpg"));
 * assert.equal(rgb.adobeTransform, 0);
 * assert.equal(String.fromCharCode(...rgb.componentIds), "RGB");
 * ```
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation = 1;
  let adobeTransform: number | undefined;
  let jfif = false;
  let frame: FrameHeader | undefined;
  let offset = 2; // after SOI
  while (offset + 4 <= bytes.length) {
    // Past the frame header we only look for late JFIF or Adobe segments (decoders heed them up
    // to the first scan), so damage there is left for the decoder to report.
    if (bytes[offset] !== 0xff) {
      if (frame) break;
      throw new Error(`no marker at byte ${offset}`);
    }
    const marker = bytes[offset + 1];
    if (marker === 0xff) { // fill byte before a marker
      offset++;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      if (frame) break;
      throw new Error("no frame header before the image data");
    }
    const length = view.getUint16(offset + 2);
    const segmentEnd = offset + 2 + length;
    if (length < 2 || segmentEnd > bytes.length) break;
    if (marker === 0xe1 && !frame) {
      orientation = readExifOrientation(bytes.subarray(offset + 4, segmentEnd));
    }
    if (marker === 0xe0) jfif ||= isJfif(bytes.subarray(offset + 4, segmentEnd));
    if (marker === 0xee) {
      // The last Adobe segment wins, as in libjpeg and jpeg-js.
      adobeTransform = readAdobeTransform(bytes.subarray(offset + 4, segmentEnd)) ??
        adobeTransform;
    }
    const coding = frameCoding(marker);
    if (coding !== undefined && !frame) {
      frame = readFrameHeader(bytes.subarray(offset + 4, segmentEnd), coding, segmentEnd);
    }
    offset = segmentEnd;
  }
  if (!frame) throw new Error("file ends before the frame header");
  return { ...frame, orientation, adobeTransform, jfif };
}

/** The part of the header that the start-of-frame segment holds. */
type FrameHeader = Omit<JpegHeader, "orientation" | "adobeTransform" | "jfif">;

/**
 * Reads a start-of-frame segment: precision (1 byte), height (2), width (2), component count
 * (1), then per component its id, sampling factors and quantization table (1 byte each).
 */
function readFrameHeader(
  segment: Uint8Array,
  coding: JpegHeader["coding"],
  frameEnd: number,
): FrameHeader {
  if (segment.length < 6) throw new Error("frame header too short");
  const componentCount = segment[5];
  if (componentCount === 0) throw new Error("frame header lists no components");
  if (segment.length < 6 + 3 * componentCount) {
    throw new Error(`frame header too short for its ${componentCount} components`);
  }
  const componentIds: number[] = [];
  for (let c = 0; c < componentCount; c++) componentIds.push(segment[6 + 3 * c]);
  return {
    precision: segment[0],
    height: (segment[1] << 8) | segment[2],
    width: (segment[3] << 8) | segment[4],
    coding,
    componentIds,
    frameEnd,
  };
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

/** APP0 "JFIF\0" with the 14 bytes of its fixed fields, which libjpeg requires to count it. */
function isJfif(segment: Uint8Array): boolean {
  return segment.length >= 14 && segment[0] === 0x4a && segment[1] === 0x46 &&
    segment[2] === 0x49 && segment[3] === 0x46 && segment[4] === 0;
}

/**
 * Reads the transform byte of an APP14 "Adobe" segment: "Adobe", version (2 bytes), flags0 (2),
 * flags1 (2), transform (1). Like libjpeg, a segment shorter than that is not an Adobe marker.
 */
function readAdobeTransform(segment: Uint8Array): number | undefined {
  const isAdobe = segment.length >= 12 && segment[0] === 0x41 && segment[1] === 0x64 &&
    segment[2] === 0x6f && segment[3] === 0x62 && segment[4] === 0x65;
  return isAdobe ? segment[11] : undefined;
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
