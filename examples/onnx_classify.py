"""Reads the digit in an image with the exported ONNX file: onnxruntime, Pillow and numpy only.

    deno task start export --out digits.onnx
    pip install onnxruntime pillow numpy
    python3 onnx_classify.py digits.onnx my_digit.png

The network expects what MNIST holds: 28x28, white ink on black, 0..1, the digit fitted in
20x20 and centered by its center of mass. This does that for a clear digit on plain paper with
strokes not too thin; digits' `serve` and `classify` do more (photos, thin pens, ruled paper).
"""
import sys

import numpy as np
import onnxruntime
from PIL import Image


def mnist_pixels(path):
    """[1, 1, 28, 28] float32 pixels 0..1, ink bright, as MNIST's digits are."""
    image = Image.open(path).convert("RGBA")
    rgba = np.asarray(image, dtype=np.float32) / 255
    alpha = rgba[..., 3]
    gray = rgba[..., :3].mean(axis=2) * alpha + (1 - alpha)  # transparent is paper
    # Ink bright and the paper at 0: the paper is what the border mostly is.
    border = np.concatenate([gray[0], gray[:, 0], gray[:, -1]])
    paper = border.mean()
    gray = np.maximum(0, paper - gray if paper > 0.5 else gray - paper)
    peak = gray.max()
    ys, xs = np.nonzero(gray > peak / 2)
    if len(xs) == 0:
        raise SystemExit(f"{path}: no ink found")
    box = gray[ys.min():ys.max() + 1, xs.min():xs.max() + 1] / peak
    # The box fitted into 20x20 keeping its shape (area average), then its center of mass put
    # at the 28x28's center.
    scale = 20 / max(box.shape)
    width, height = (max(1, int(np.ceil(n * scale))) for n in (box.shape[1], box.shape[0]))
    small = np.asarray(Image.fromarray(box).resize((width, height), Image.BOX)).clip(0, 1)
    mass = small.sum()
    row, col = np.indices(small.shape) + 0.5
    dy = round(14 - (row * small).sum() / mass)
    dx = round(14 - (col * small).sum() / mass)
    pixels = np.zeros((28, 28), dtype=np.float32)
    for y in range(height):
        for x in range(width):
            if 0 <= y + dy < 28 and 0 <= x + dx < 28:
                pixels[y + dy, x + dx] = small[y, x]
    return pixels.reshape(1, 1, 28, 28)


if __name__ == "__main__":
    model_path, image_path = sys.argv[1:3]
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    probabilities = session.run(["probabilities"], {"image": mnist_pixels(image_path)})[0][0]
    digit = int(probabilities[:10].argmax())
    print(f"{image_path}: {digit} ({probabilities[digit] * 100:.1f}% sure)")
