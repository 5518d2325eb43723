/**
 * A protocol-buffers writer, just what an ONNX file needs: varints, 32-bit floats and
 * length-delimited fields (bytes, strings, nested messages, packed numbers). A message is built
 * as a list of encoded fields and joined once; no schema, no reflection: `onnx.ts` names each
 * field number beside the ONNX message it belongs to.
 *
 * Wire format: each field is a key varint `(fieldNumber << 3) | wireType` then its value;
 * wire type 0 is a varint, 2 a length (varint) then that many bytes, 5 four little-endian bytes.
 *
 * @module
 */

/** One encoded field (key and value), ready to be joined into a message. */
export type Field = Uint8Array;

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const encoder = new TextEncoder();

/**
 * The varint bytes of a non-negative integer up to 2^53 (protobuf's int64 for the sizes ONNX
 * stores; negative values are not needed here and are refused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { varint } from "./protobuf.ts";
 * assert.deepEqual([...varint(1)], [1]);
 * assert.deepEqual([...varint(300)], [0xac, 0x02]); // the protobuf guide's example
 * ```
 */
export function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`varint needs a non-negative safe integer, got ${value}`);
  }
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return new Uint8Array(bytes);
}

function key(fieldNumber: number, wireType: number): Uint8Array {
  return varint(fieldNumber * 8 + wireType);
}

/** An integer field (int32/int64/enum), as a varint. */
export function intField(fieldNumber: number, value: number): Field {
  return concat([key(fieldNumber, VARINT), varint(value)]);
}

/** A float field (4 bytes, little-endian). */
export function floatField(fieldNumber: number, value: number): Field {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return concat([key(fieldNumber, FIXED32), bytes]);
}

/** A bytes field: length then the bytes. */
export function bytesField(fieldNumber: number, value: Uint8Array): Field {
  return concat([key(fieldNumber, LENGTH_DELIMITED), varint(value.length), value]);
}

/** A string field, UTF-8. */
export function stringField(fieldNumber: number, value: string): Field {
  return bytesField(fieldNumber, encoder.encode(value));
}

/** A nested message: its fields joined, as a bytes field. */
export function messageField(fieldNumber: number, fields: readonly Field[]): Field {
  return bytesField(fieldNumber, concat(fields));
}

/**
 * A repeated integer field, packed (proto3's default for repeated scalars): one length, then
 * the varints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packedIntsField } from "./protobuf.ts";
 * // field 4, wire type 2, 3 bytes: 3, 270 (0x8e 0x02)
 * assert.deepEqual([...packedIntsField(4, [3, 270])], [0x22, 3, 3, 0x8e, 0x02]);
 * ```
 */
export function packedIntsField(fieldNumber: number, values: readonly number[]): Field {
  return bytesField(fieldNumber, concat(values.map(varint)));
}

/** Fields joined into one message's bytes (what a file holds at the top level). */
export function message(fields: readonly Field[]): Uint8Array {
  return concat(fields);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
