/**
 * Issue 11's "not a digit": images that are not handwritten digits (noise, a wall, a texture,
 * print, a ball, a scene; tests/fixtures/not_digits.ts) get no digit from the shipped model's
 * path, while no real digit of ../shared/real_digits is refused (tests/real_digits_test.ts).
 * With a CNN shipped the floor is the issue's target, 95% refused (the shipped CNN and the dense
 * network both refuse 60 of 60); a dense network is held to 90%.
 */
import assert from "node:assert/strict";
import { classifyGrayImage } from "../src/app/classify_image.ts";
import { notDigitImages } from "./fixtures/not_digits.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";

Deno.test("images that are not digits are refused, not guessed", async () => {
  const network = await loadShippedNetwork();
  const images = notDigitImages(60);
  const byKind: Record<string, [number, number]> = {};
  let refused = 0;
  for (const { kind, image } of images) {
    const guess = classifyGrayImage(image, network);
    const tally = byKind[kind] ??= [0, 0];
    tally[1]++;
    if (!guess.found) {
      refused++;
      tally[0]++;
    }
  }
  const summary = Object.entries(byKind).map(([k, [r, t]]) => `${k} ${r}/${t}`).join(", ");
  console.log(`refused ${refused}/${images.length}: ${summary}`);
  const cnn = network.layers.some((layer) => layer.kind === "conv");
  assert.ok(refused >= Math.round((cnn ? 0.95 : 0.9) * images.length), summary);
  // Print and filled shapes are what the ink rules were made for: all of them.
  assert.equal(byKind.print[0], byKind.print[1], summary);
  assert.equal(byKind.ball[0], byKind.ball[1], summary);
});
