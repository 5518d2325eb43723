import assert from "node:assert/strict";
import { lineChart, sparkline } from "./chart.ts";
import { stripAnsi, visibleWidth } from "./layout.ts";

Deno.test("sparkline maps the lowest value to ▁ and the highest to █", () => {
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8], { color: "none" }), "▁▂▃▄▅▆▇█");
  assert.equal(sparkline([0.5, 0.5], { color: "none" }), "▅▅"); // flat: middle
  assert.equal(sparkline([0, NaN, 1], { color: "none" }), "▁ █");
  assert.equal(sparkline([0.5], { min: 0, max: 1, color: "none" }), "▅");
  assert.equal(sparkline([2, -1], { min: 0, max: 1, color: "none" }), "█▁"); // clamped
});

Deno.test("sparkline averages long series into buckets to fit the width", () => {
  // 8 values into 4 buckets: means 0.5, 2.5, 4.5, 6.5.
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], { width: 4, color: "none" }), "▁▃▆█");
  assert.equal(
    visibleWidth(sparkline(new Float32Array(1000).map(Math.random), {
      width: 60,
      color: "none",
    })),
    60,
  );
});

Deno.test("sparkline tint adds color only when there is color", () => {
  assert.equal(sparkline([1, 2], { color: "256", tint: "cyan" }), "\x1b[36m▁█\x1b[39m");
  assert.equal(sparkline([1, 2], { color: "none", tint: "cyan" }), "▁█");
});

Deno.test("line chart has the requested size, axis labels and a legend", () => {
  const lines = lineChart([{ label: "loss", values: [1, 0.5, 0.25] }], {
    width: 30,
    height: 5,
    color: "none",
  });
  assert.equal(lines.length, 6);
  for (const line of lines.slice(0, 5)) assert.equal(visibleWidth(line), 30);
  assert.match(lines[0], /^ {4}1┤/);
  assert.match(lines[2], /^0\.625┤/);
  assert.match(lines[4], /^ 0\.25┤/);
  assert.match(lines[1], /^ {5}│/);
  assert.equal(lines[5], "      ── loss");
});

Deno.test("line chart puts a rising series from bottom left to top right", () => {
  const [top, , bottom] = lineChart([{ label: "acc", values: [0, 1] }], {
    width: 12,
    height: 3,
    color: "none",
  });
  // Labels "1", "0.5", "0" take 3 columns, then "┤", then 8 plot cells (16x12 dots).
  const plot = (line: string) => [...line.slice(4)].map((ch) => ch.codePointAt(0)! - 0x2800);
  assert.equal(top.slice(0, 4), "  1┤");
  assert.equal(bottom.slice(0, 4), "  0┤");
  // Braille bit 0x40 is the bottom-left dot of a cell, 0x08 the top-right one.
  assert.equal(plot(bottom)[0] & 0x40, 0x40);
  assert.equal(plot(top)[7] & 0x08, 0x08);
  assert.equal(plot(top)[0], -0x2800 + 0x20); // a space: nothing at the top left
  assert.equal(plot(bottom)[7], -0x2800 + 0x20); // nothing at the bottom right
});

Deno.test("line chart with two series labels the second on the right, dotted without color", () => {
  const series = [
    { label: "loss", values: [0.6, 0.3, 0.2, 0.15] },
    { label: "accuracy", values: [0.9, 0.95, 0.97, 0.98], format: (v: number) => `${v * 100}%` },
  ];
  const plain = lineChart(series, { width: 40, height: 6, color: "none" });
  assert.ok(plain.slice(0, 6).every((line) => visibleWidth(line) === 40));
  assert.match(plain[0], /├98%$/);
  assert.match(plain[5], /├90%$/);
  assert.equal(plain[6], "      ── loss (left)   ·· accuracy (right)");
  assert.ok(plain.every((line) => !line.includes("\x1b")));

  const colored = lineChart(series, { width: 40, height: 6, color: "256" });
  assert.ok(colored[0].includes("\x1b[36m") && colored[0].includes("\x1b[33m"));
  assert.ok(colored.slice(0, 6).every((line) => visibleWidth(line) === 40));
  // The color version draws the second line solid: more dots than the dotted plain one.
  const dots = (lines: string[]) =>
    [...stripAnsi(lines.join(""))].reduce((n, ch) => {
      const code = ch.codePointAt(0)! - 0x2800;
      return code > 0 && code < 256 ? n + code.toString(2).split("1").length - 1 : n;
    }, 0);
  assert.ok(dots(colored) > dots(plain));
});

Deno.test("line chart rejects zero or five series", () => {
  assert.throws(() => lineChart([], { width: 20, height: 3, color: "none" }), RangeError);
  const one = { label: "x", values: [1] };
  assert.throws(
    () => lineChart([one, one, one, one, one], { width: 20, height: 3, color: "none" }),
    RangeError,
  );
});

Deno.test("on an epoch axis each point sits at its epoch: one epoch's accuracy is visible, two epochs' are not both at the right edge", () => {
  const range = { min: 0, max: 2, unit: "epoch" };
  const accuracyColumns = (xs: number[], values: number[]) => {
    const lines = lineChart([
      { label: "loss", values: [0.4, 0.2], xs: [1, 2] },
      { label: "acc", values, xs, marks: true, min: 0.9, max: 1 },
    ], { width: 43, height: 6, color: "256", xRange: range });
    // the accuracy series is drawn in yellow (33m): find the columns where it shows
    const columns = new Set<number>();
    for (const line of lines.slice(0, 6)) {
      const plain = stripAnsi(line);
      // the plot's cells: between the left axis and the right one (its labels are yellow too)
      const right = Math.max(plain.lastIndexOf("├"), plain.lastIndexOf("│"));
      let at = 0;
      // the text after each color code, in that color
      for (const [i, part] of line.split("\x1b[").entries()) {
        const code = i === 0 ? "" : part.slice(0, part.indexOf("m") + 1);
        for (const char of stripAnsi(i === 0 ? part : part.slice(code.length))) {
          if (code === "33m" && char.trim() && at < right) columns.add(at);
          at++;
        }
      }
    }
    return [...columns].sort((a, b) => a - b);
  };
  const one = accuracyColumns([1], [0.97]);
  assert.ok(one.length > 0, "one epoch's accuracy point is drawn");
  // at epoch 1 of 0..2: the middle of the plot, not its right edge
  assert.ok(one.every((col) => col > 10 && col < 35), `columns ${one}`);
  const two = accuracyColumns([1, 2], [0.95, 0.97]);
  assert.ok(two[0] < 30 && two.at(-1)! > 35, `columns ${two}: spread from epoch 1 to 2`);
  const plain = lineChart([{ label: "loss", values: [1, 0.5], xs: [0.5, 2] }], {
    width: 40,
    height: 3,
    color: "none",
    xRange: range,
  });
  assert.match(plain[3], /└┬─+┬─+┬/);
  assert.match(plain[4], /0 +1 +2/);
  assert.match(plain.join("\n"), /epochs/);
});
