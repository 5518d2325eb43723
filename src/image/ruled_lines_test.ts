import assert from "node:assert/strict";
import { removeRuledLines } from "./ruled_lines.ts";

/** 200x100 paper of brightness 0.9, its right columns from x0 on as `shade(x)` gives. */
function paper(x0: number, shade: (x: number) => number): Float32Array {
  const pixels = new Float32Array(200 * 100).fill(0.9);
  for (let y = 0; y < 100; y++) for (let x = x0; x < 200; x++) pixels[y * 200 + x] = shade(x);
  return pixels;
}

Deno.test("a vignette's gradual shading at the edge is no page edge: a stroke in it stays", () => {
  // Darker by up to 40% over the last 30 columns, a stroke down column 190.
  const pixels = paper(170, (x) => 0.9 * (1 - (0.4 * (x - 170)) / 30));
  for (let y = 30; y < 70; y++) pixels[y * 200 + 190] = 0.1;
  const cleaned = removeRuledLines(pixels, 200, 100);
  assert.ok(
    cleaned[50 * 200 + 190] < 0.2,
    `the stroke was painted over: ${cleaned[50 * 200 + 190]}`,
  );
});

Deno.test("a dark band with a sharp edge (the table beside the paper) is painted out", () => {
  const pixels = paper(185, () => 0.2);
  for (let y = 30; y < 70; y++) pixels[y * 200 + 100] = 0.1; // a stroke on the paper
  const cleaned = removeRuledLines(pixels, 200, 100);
  assert.ok(cleaned[50 * 200 + 195] > 0.85, `the band is still there: ${cleaned[50 * 200 + 195]}`);
  assert.ok(cleaned[50 * 200 + 100] < 0.2); // the stroke stays
});

Deno.test("a thick upright stroke in a vignette's shading does not make it a step: the stroke stays", () => {
  // As in a webcam photo of "19624": the 4's upright, 6 columns wide and down 60% of the
  // picture, inside the shaded band. Its columns' medians are the stroke's: a step, where the
  // paper itself only darkens gradually.
  const pixels = paper(150, (x) => 0.9 * (1 - (0.25 * (x - 150)) / 50));
  for (let y = 20; y < 80; y++) for (let x = 180; x < 186; x++) pixels[y * 200 + x] = 0.1;
  const cleaned = removeRuledLines(pixels, 200, 100);
  assert.ok(
    cleaned[50 * 200 + 182] < 0.2,
    `the stroke was painted over: ${cleaned[50 * 200 + 182]}`,
  );
});
