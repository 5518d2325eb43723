/**
 * A non-interactive gallery of the text renderers with made-up data, for looking at them in a
 * real terminal: `deno run --allow-env src/text/demo.ts [--color=none|256|truecolor] [--width=N]
 * [--only=blocks|progress|confusion|charts|prediction|frame]` (--only shows one section, so
 * it can be looked at in a small terminal).
 * @module
 */
import {
  type ColorLevel,
  detectColorLevel,
  digitGlyph,
  frame,
  joinColumns,
  lineChart,
  paint,
  renderBigDigit,
  renderBlockArt,
  renderConfidenceBars,
  renderHeatTable,
  renderProgressLine,
  sideBySide,
  sparkline,
} from "./mod.ts";

const flag = (name: string) =>
  Deno.args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const color = (flag("color") as ColorLevel | undefined) ?? detectColorLevel();
const width = Number(flag("width") ?? (Deno.stdout.isTerminal() ? Deno.consoleSize().columns : 80));
const c = paint(color);

/** A soft, slightly slanted 28x28 digit made from the 5x7 font: stands in for an MNIST image. */
function fakeDigit(digit: number, slant: number): Float32Array {
  const glyph = digitGlyph(digit);
  const sharp = new Float32Array(28 * 28);
  const samples = 4;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let ink = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const py = y + (sy + 0.5) / samples;
          const px = x + (sx + 0.5) / samples + slant * (py - 14);
          const gx = Math.floor((px - 7) / 14 * 5);
          const gy = Math.floor((py - 4) / 20 * 7);
          if (glyph[gy]?.[gx] === "#") ink++;
        }
      }
      sharp[y * 28 + x] = ink / (samples * samples);
    }
  }
  // A 3x3 blur, like the anti-aliasing of real MNIST strokes.
  const soft = new Float32Array(28 * 28);
  const kernel = [1, 2, 1];
  for (let y = 1; y < 27; y++) {
    for (let x = 1; x < 27; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          sum += sharp[(y + dy) * 28 + x + dx] * kernel[dy + 1] * kernel[dx + 1];
        }
      }
      soft[y * 28 + x] = Math.min(1, sum / 10);
    }
  }
  return soft;
}

const only = flag("only");
const out: string[] = [c.bold(`TUI widget gallery — color: ${color}, width: ${width}`)];
/** Starts a section; false when --only asks for another one. */
const section = (name: string, title: string) => {
  if (only !== undefined && only !== name) return false;
  out.push("", c.bold.underline(title));
  return true;
};

if (section("blocks", "Block art (digits with predictions)")) {
  const samples: [number, number][] = [[7, 7], [2, 2], [1, 1], [0, 0], [4, 9], [9, 9], [5, 3]];
  const digits = samples.map(([digit], i) =>
    renderBlockArt(fakeDigit(digit, 0.12 * (i % 3)), { color })
  );
  const captions = samples.map(([truth, guess]) =>
    truth === guess ? c.green(`${truth} → ${guess}`) : c.red(`${truth} → ${guess}`)
  );
  out.push(...sideBySide(digits, 2, width, captions));
}

if (section("progress", "Progress lines")) {
  out.push("Epoch 1/3");
  out.push(renderProgressLine({
    step: 938,
    total: 938,
    elapsedMs: 3120,
    done: true,
    metrics: { loss: 0.2871, accuracy: 0.9164 },
    width,
    color,
  }));
  out.push("Epoch 2/3");
  out.push(renderProgressLine({
    step: 612,
    total: 938,
    elapsedMs: 1530,
    done: false,
    metrics: { loss: 0.1234, accuracy: 0.965 },
    width,
    color,
  }));
  out.push(
    renderProgressLine({
      step: 612,
      total: 938,
      elapsedMs: 1530,
      done: false,
      metrics: { loss: 0.1234, accuracy: 0.965 },
      width: 44,
      color,
    }) + c.dim("   ← at width 44"),
  );
}

if (section("confusion", "Confusion matrix (10 000 test images)")) {
  const confusion = Array.from({ length: 10 }, () => Array.from({ length: 10 }, () => 0));
  const classSizes = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
  const mistakes: [number, number, number][] = [
    [4, 9, 14],
    [9, 4, 9],
    [3, 5, 11],
    [5, 3, 12],
    [7, 2, 10],
    [2, 7, 6],
    [8, 3, 7],
    [6, 0, 5],
    [1, 8, 3],
    [0, 6, 2],
    [8, 5, 4],
    [9, 7, 6],
    [7, 9, 5],
    [2, 8, 4],
  ];
  for (const [t, p, n] of mistakes) confusion[t][p] = n;
  classSizes.forEach((size, t) => {
    confusion[t][t] = size - confusion[t].reduce((a, b) => a + b, 0);
  });
  out.push(...renderHeatTable(confusion, { color, totals: true }));
}

if (section("charts", "Charts")) {
  const losses = [0.62, 0.31, 0.24, 0.2, 0.17, 0.15, 0.135, 0.122, 0.113, 0.105];
  const accuracies = [0.91, 0.935, 0.948, 0.955, 0.962, 0.966, 0.969, 0.971, 0.973, 0.974];
  const batchLoss = Array.from(
    { length: 300 },
    (_, i) => 2.3 * Math.exp(-i / 40) + 0.1 + 0.08 * Math.sin(i * 1.7),
  );
  out.push(
    `batch loss ${sparkline(batchLoss, { width: Math.min(60, width - 12), color, tint: "cyan" })}`,
  );
  out.push(...lineChart([
    { label: "loss", values: losses },
    { label: "test accuracy", values: accuracies, format: (v) => `${(v * 100).toFixed(1)}%` },
  ], { width: Math.min(70, width), height: 8, color }));
}

if (section("prediction", "Prediction")) {
  const probabilities = [0.001, 0.002, 0.004, 0.003, 0.001, 0.0005, 0.0002, 0.973, 0.0003, 0.015];
  out.push(...joinColumns([
    renderConfidenceBars(probabilities, { width: Math.min(40, width - 16), color }),
    ["", ...renderBigDigit(7, { color })],
  ], 4));
}

if (section("frame", "Frame")) {
  out.push(
    ...frame(["Train a network", "Test it", "Classify my digits"], {
      title: "Menu",
      width: 32,
      color,
    }),
  );
}

console.log(out.join("\n"));
