/**
 * Issue 11's page marks: a digit photographed or screenshotted with something along the whole
 * image, a frame (a screenshot's border), a page's edge or the table beside it (a dark band down
 * one side), ruled lines near the top and bottom, is read as well as without it. User-like
 * renders of MNIST test digits (drawings and phone photos) with each mark added, through the
 * path of `classify`.
 */
import assert from "node:assert/strict";
import { classifyGrayImage } from "../src/app/classify_image.ts";
import { decodeImageBytes } from "../src/image/decode.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { loadMnistTest, renderUserLike } from "./fixtures/user_like.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";
import { skipUnless } from "./env.ts";

const MARKS: Record<string, (image: GrayImage) => GrayImage> = {
  none: (image) => image,
  frame: (image) =>
    paint(image, (x, y, w, h, t) => x < t || y < t || x >= w - t || y >= h - t, 0.15),
  page_edge: (image) => paint(image, (x, _y, w) => x < Math.round(0.08 * w), 0.2),
  ruled_lines: (image) =>
    paint(image, (_x, y, _w, h, t) => {
      const top = Math.round(0.06 * h), bottom = Math.round(0.94 * h);
      return (y >= top && y < top + t) || (y >= bottom && y < bottom + t);
    }, 0.45),
};

/** A copy of `image` darkened to `value` where `where` holds (t: a line's thickness). */
function paint(
  image: GrayImage,
  where: (x: number, y: number, w: number, h: number, t: number) => boolean,
  value: number,
): GrayImage {
  const { width: w, height: h } = image;
  const t = Math.max(2, Math.round(w / 150));
  const luminance = image.luminance.slice();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (where(x, y, w, h, t)) luminance[y * w + x] = Math.min(luminance[y * w + x], value);
    }
  }
  return { width: w, height: h, luminance };
}

Deno.test({
  name: "frames, page edges and ruled lines along the image do not change the answer",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const network = await loadShippedNetwork();
    const count = 60;
    const { images, labels } = await loadMnistTest(count);
    const right: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const kind = i % 2 === 0 ? "white_canvas" : "phone_photo_jpeg";
      const file = renderUserLike(images[i], kind, i);
      const image = decodeImageBytes(file.bytes, `digit.${file.ext}`);
      for (const [mark, add] of Object.entries(MARKS)) {
        const guess = classifyGrayImage(add(image), network);
        if (guess.prediction?.digit === labels[i]) right[mark] = (right[mark] ?? 0) + 1;
      }
    }
    const summary = Object.entries(right).map(([mark, n]) => `${mark} ${n}/${count}`).join(", ");
    console.log(summary);
    for (const mark of Object.keys(MARKS)) {
      // Within two digits of the unmarked images.
      assert.ok((right[mark] ?? 0) >= (right.none ?? 0) - 2, summary);
    }
  },
});
