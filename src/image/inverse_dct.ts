/**
 * The inverse DCT of one 8x8 JPEG block as jpeg-js computes it, so that a decoder built on it
 * gives jpeg-js's pixels exactly (src/image/jpeg_luma.ts).
 */

/**
 * jpeg-js's dequantization and inverse DCT of one block, unchanged (a port of poppler's, after
 * Loeffler, Ligtenberg and Moschytz, "Practical fast 1-D DCT algorithms with 11
 * multiplications", ICASSP 1989): integer arithmetic in fixed point, rows then columns, then
 * 128 + (p + 8) >> 4 clamped to 0..255, written back into `p` (the block's 64 samples, row by
 * row).
 */
export function inverseDct(zz: Int32Array, qt: Int32Array, p: Int32Array): void {
  const cos1 = 4017, sin1 = 799, cos3 = 3406, sin3 = 2276, cos6 = 1567, sin6 = 3784;
  const sqrt2 = 5793, sqrt1d2 = 2896;
  let v0, v1, v2, v3, v4, v5, v6, v7, t;
  for (let i = 0; i < 64; i++) p[i] = zz[i] * qt[i];
  for (let row = 0; row < 64; row += 8) {
    if (
      p[1 + row] === 0 && p[2 + row] === 0 && p[3 + row] === 0 && p[4 + row] === 0 &&
      p[5 + row] === 0 && p[6 + row] === 0 && p[7 + row] === 0
    ) {
      t = (sqrt2 * p[row] + 512) >> 10;
      for (let i = 0; i < 8; i++) p[row + i] = t;
      continue;
    }
    v0 = (sqrt2 * p[row] + 128) >> 8;
    v1 = (sqrt2 * p[4 + row] + 128) >> 8;
    v2 = p[2 + row];
    v3 = p[6 + row];
    v4 = (sqrt1d2 * (p[1 + row] - p[7 + row]) + 128) >> 8;
    v7 = (sqrt1d2 * (p[1 + row] + p[7 + row]) + 128) >> 8;
    v5 = p[3 + row] << 4;
    v6 = p[5 + row] << 4;
    t = (v0 - v1 + 1) >> 1;
    v0 = (v0 + v1 + 1) >> 1;
    v1 = t;
    t = (v2 * sin6 + v3 * cos6 + 128) >> 8;
    v2 = (v2 * cos6 - v3 * sin6 + 128) >> 8;
    v3 = t;
    t = (v4 - v6 + 1) >> 1;
    v4 = (v4 + v6 + 1) >> 1;
    v6 = t;
    t = (v7 + v5 + 1) >> 1;
    v5 = (v7 - v5 + 1) >> 1;
    v7 = t;
    t = (v0 - v3 + 1) >> 1;
    v0 = (v0 + v3 + 1) >> 1;
    v3 = t;
    t = (v1 - v2 + 1) >> 1;
    v1 = (v1 + v2 + 1) >> 1;
    v2 = t;
    t = (v4 * sin3 + v7 * cos3 + 2048) >> 12;
    v4 = (v4 * cos3 - v7 * sin3 + 2048) >> 12;
    v7 = t;
    t = (v5 * sin1 + v6 * cos1 + 2048) >> 12;
    v5 = (v5 * cos1 - v6 * sin1 + 2048) >> 12;
    v6 = t;
    p[row] = v0 + v7;
    p[7 + row] = v0 - v7;
    p[1 + row] = v1 + v6;
    p[6 + row] = v1 - v6;
    p[2 + row] = v2 + v5;
    p[5 + row] = v2 - v5;
    p[3 + row] = v3 + v4;
    p[4 + row] = v3 - v4;
  }
  for (let col = 0; col < 8; col++) {
    if (
      p[8 + col] === 0 && p[16 + col] === 0 && p[24 + col] === 0 && p[32 + col] === 0 &&
      p[40 + col] === 0 && p[48 + col] === 0 && p[56 + col] === 0
    ) {
      t = (sqrt2 * p[col] + 8192) >> 14;
      for (let i = 0; i < 64; i += 8) p[col + i] = t;
      continue;
    }
    v0 = (sqrt2 * p[col] + 2048) >> 12;
    v1 = (sqrt2 * p[32 + col] + 2048) >> 12;
    v2 = p[16 + col];
    v3 = p[48 + col];
    v4 = (sqrt1d2 * (p[8 + col] - p[56 + col]) + 2048) >> 12;
    v7 = (sqrt1d2 * (p[8 + col] + p[56 + col]) + 2048) >> 12;
    v5 = p[24 + col];
    v6 = p[40 + col];
    t = (v0 - v1 + 1) >> 1;
    v0 = (v0 + v1 + 1) >> 1;
    v1 = t;
    t = (v2 * sin6 + v3 * cos6 + 2048) >> 12;
    v2 = (v2 * cos6 - v3 * sin6 + 2048) >> 12;
    v3 = t;
    t = (v4 - v6 + 1) >> 1;
    v4 = (v4 + v6 + 1) >> 1;
    v6 = t;
    t = (v7 + v5 + 1) >> 1;
    v5 = (v7 - v5 + 1) >> 1;
    v7 = t;
    t = (v0 - v3 + 1) >> 1;
    v0 = (v0 + v3 + 1) >> 1;
    v3 = t;
    t = (v1 - v2 + 1) >> 1;
    v1 = (v1 + v2 + 1) >> 1;
    v2 = t;
    t = (v4 * sin3 + v7 * cos3 + 2048) >> 12;
    v4 = (v4 * cos3 - v7 * sin3 + 2048) >> 12;
    v7 = t;
    t = (v5 * sin1 + v6 * cos1 + 2048) >> 12;
    v5 = (v5 * cos1 - v6 * sin1 + 2048) >> 12;
    v6 = t;
    p[col] = v0 + v7;
    p[56 + col] = v0 - v7;
    p[8 + col] = v1 + v6;
    p[48 + col] = v1 - v6;
    p[16 + col] = v2 + v5;
    p[40 + col] = v2 - v5;
    p[24 + col] = v3 + v4;
    p[32 + col] = v3 - v4;
  }
  for (let i = 0; i < 64; i++) {
    const sample = 128 + ((p[i] + 8) >> 4);
    p[i] = sample < 0 ? 0 : sample > 255 ? 255 : sample;
  }
}
