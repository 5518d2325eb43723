// Reads the digit in a PNG with the exported ONNX file, in plain JavaScript: no digits code,
// only onnxruntime-node and fast-png (npm install onnxruntime-node fast-png).
//
//   deno task start export --out digits.onnx
//   node onnx_classify.mjs digits.onnx my_digit.png     (a PNG of one digit)
//   (or: deno run --config path/to/digits/deno.json --allow-read --allow-env --allow-ffi onnx_classify.mjs ...)
//
// The network expects what MNIST holds: 28x28, white ink on black, 0..1, the digit fitted in
// 20x20 and centered by its center of mass. This does that for a clear digit on plain paper
// with strokes not too thin; `serve` and `classify` do more (photos, thin pens, ruled paper,
// specks). A CNN's views, which `classify` averages, are in the exported file itself.
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { decode } from "fast-png";

const [modelPath, imagePath] = process.argv.slice(2);
const png = decode(readFileSync(imagePath));
const { width, height, channels, palette } = png;
const maxValue = 2 ** png.depth - 1;
// Gray 0..1 per pixel (gray, RGB or a palette, with or without alpha, 1 to 16 bits), then ink
// bright and the paper at 0: the paper is what the border mostly is.
const rowBytes = Math.ceil((width * channels * png.depth) / 8);
const sample = (x, y, c) => { // one channel's value; below 8 bits, several share a byte
  if (png.depth >= 8) return png.data[(y * width + x) * channels + c];
  const bit = (x * channels + c) * png.depth;
  const byte = png.data[y * rowBytes + (bit >> 3)];
  return (byte >> (8 - png.depth - (bit & 7))) & maxValue;
};
const gray = new Float32Array(width * height);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    const color = palette
      ? palette[sample(x, y, 0)].map((v) => v / 255)
      : Array.from({ length: channels }, (_, c) => sample(x, y, c) / maxValue);
    const value = color.length >= 3 ? (color[0] + color[1] + color[2]) / 3 : color[0];
    const alpha = palette ? (color[3] ?? 1) : channels % 2 === 0 ? color[channels - 1] : 1;
    gray[y * width + x] = value * alpha + (1 - alpha); // transparent is paper
  }
}
const border = gray.filter((_, i) => i < width || i % width === 0 || i % width === width - 1);
const paper = border.reduce((a, b) => a + b, 0) / border.length;
for (let i = 0; i < gray.length; i++) {
  gray[i] = Math.max(0, paper > 0.5 ? paper - gray[i] : gray[i] - paper);
}
// The ink's box (pixels brighter than half the brightest).
const peak = gray.reduce((a, b) => Math.max(a, b), 0);
let [left, top, right, bottom] = [width, height, -1, -1];
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    if (gray[y * width + x] <= peak / 2) continue;
    [left, top] = [Math.min(left, x), Math.min(top, y)];
    [right, bottom] = [Math.max(right, x + 1), Math.max(bottom, y + 1)];
  }
}
if (right < 0) throw new Error(`${imagePath}: no ink found`);
// The box fitted into 20x20 keeping its shape (each pixel the average of the area it covers),
// then placed so that its center of mass is the 28x28's center, as MNIST's digits are.
const scale = 20 / Math.max(right - left, bottom - top);
const [boxW, boxH] = [Math.ceil((right - left) * scale), Math.ceil((bottom - top) * scale)];
const small = new Float32Array(boxW * boxH);
let [mass, massX, massY] = [0, 0, 0];
for (let ty = 0; ty < boxH; ty++) {
  for (let tx = 0; tx < boxW; tx++) {
    const [x0, x1] = [left + tx / scale, Math.min(right, left + (tx + 1) / scale)];
    const [y0, y1] = [top + ty / scale, Math.min(bottom, top + (ty + 1) / scale)];
    let [sum, area] = [0, 0];
    for (let y = Math.floor(y0); y < y1; y++) {
      for (let x = Math.floor(x0); x < x1; x++) {
        const overlap = (Math.min(x + 1, x1) - Math.max(x, x0)) *
          (Math.min(y + 1, y1) - Math.max(y, y0));
        [sum, area] = [sum + gray[y * width + x] * overlap, area + overlap];
      }
    }
    const value = area > 0 ? Math.min(1, sum / area / peak) : 0;
    small[ty * boxW + tx] = value;
    [mass, massX, massY] = [mass + value, massX + value * (tx + 0.5), massY + value * (ty + 0.5)];
  }
}
const [dx, dy] = [Math.round(14 - massX / mass), Math.round(14 - massY / mass)];
const pixels = new Float32Array(28 * 28);
for (let i = 0; i < small.length; i++) {
  const [x, y] = [(i % boxW) + dx, Math.floor(i / boxW) + dy];
  if (x >= 0 && x < 28 && y >= 0 && y < 28) pixels[y * 28 + x] = small[i];
}

const session = await ort.InferenceSession.create(modelPath);
const input = new ort.Tensor("float32", pixels, [1, 1, 28, 28]);
const { probabilities } = await session.run({ image: input });
const p = Array.from(probabilities.data).slice(0, 10);
const digit = p.indexOf(Math.max(...p));
console.log(`${imagePath}: ${digit} (${(p[digit] * 100).toFixed(1)}% sure)`);
