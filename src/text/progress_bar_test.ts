import assert from "node:assert/strict";
import {
  formatDuration,
  formatMetric,
  formatPerStep,
  renderProgressLine,
  ThrottledLine,
} from "./progress_bar.ts";
import { stripAnsi, visibleWidth } from "./layout.ts";

const running = {
  step: 612,
  total: 938,
  elapsedMs: 1530,
  done: false,
  metrics: { loss: 0.1234, accuracy: 0.965 },
  color: "none" as const,
};

Deno.test("progress line at several widths, without color", () => {
  const expected: Record<number, string> = {
    120:
      "  612/938 ━━━━━━━━━━━━━━━━━━━─────────── ETA 1s 3ms/step - loss: 0.1234 - accuracy: 0.9650",
    80: "  612/938 ━━━━━━━━━━━━━─────── ETA 1s 3ms/step - loss: 0.1234 - accuracy: 0.9650",
    70: "  612/938 ━━━━━━──── ETA 1s 3ms/step - loss: 0.1234 - accuracy: 0.9650",
    60: "  612/938 ━━━━━━━━━━━━─────── ETA 1s 3ms/step - loss: 0.1234",
    45: "  612/938 ━━━━━━━━━━━━─────── ETA 1s 3ms/step",
    30: "  612/938 ━━━━━━━━───── ETA 1s",
    20: "  612/938 ━━━━━━────",
  };
  for (const [width, line] of Object.entries(expected)) {
    assert.equal(renderProgressLine({ ...running, width: Number(width) }), line, `width ${width}`);
  }
});

Deno.test("progress line never gets wider than the terminal", () => {
  for (let width = 5; width <= 130; width++) {
    for (const color of ["none", "256", "truecolor"] as const) {
      const line = renderProgressLine({ ...running, width, color });
      assert.ok(visibleWidth(line) <= width, `width ${width} ${color}: ${visibleWidth(line)}`);
    }
  }
});

Deno.test("progress line when done shows elapsed time and a full bar", () => {
  assert.equal(
    renderProgressLine({ ...running, step: 938, elapsedMs: 3100, done: true, width: 80 }),
    "  938/938 ━━━━━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - loss: 0.1234 - accuracy: 0.9650",
  );
  assert.equal(
    renderProgressLine({
      ...running,
      step: 60000,
      total: 60000,
      elapsedMs: 75_000,
      done: true,
      metrics: {},
      width: 60,
    }),
    "  60000/60000 ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1:15 1ms/step",
  );
});

Deno.test("progress line before the first step has no timing, steps are right-aligned", () => {
  assert.equal(
    renderProgressLine({ ...running, step: 0, elapsedMs: 0, metrics: {}, width: 40 }),
    "    0/938 ──────────────────────────────",
  );
  assert.equal(
    renderProgressLine({ ...running, step: 7, elapsedMs: 2, metrics: {}, width: 50 }),
    "    7/938 " + "─".repeat(22) + " ETA 0s 286µs/step",
  );
});

Deno.test("progress line in color has the same text as without", () => {
  for (const color of ["256", "truecolor"] as const) {
    const line = renderProgressLine({ ...running, width: 80, color });
    assert.ok(line.includes("\x1b["));
    assert.equal(stripAnsi(line), renderProgressLine({ ...running, width: 80 }));
  }
});

Deno.test("durations, time per step and metrics are formatted like Keras", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(3400), "3s");
  assert.equal(formatDuration(59_600), "1:00");
  assert.equal(formatDuration(62_000), "1:02");
  assert.equal(formatDuration(3_723_000), "1:02:03");
  assert.equal(formatPerStep(2.4), "2ms/step");
  assert.equal(formatPerStep(0.35), "350µs/step");
  assert.equal(formatPerStep(0.9996), "1ms/step");
  assert.equal(formatPerStep(1500), "2s/step");
  assert.equal(formatMetric(0.123456), "0.1235");
  assert.equal(formatMetric(0), "0.0000");
  assert.equal(formatMetric(0.00001234), "1.2340e-5");
});

Deno.test("ThrottledLine draws at most every 50 ms, but always the final state", () => {
  let now = 1000;
  const throttle = new ThrottledLine(50, () => now);
  assert.equal(throttle.shouldDraw(), true); // first update
  now += 10;
  assert.equal(throttle.shouldDraw(), false);
  now += 39;
  assert.equal(throttle.shouldDraw(), false);
  now += 1;
  assert.equal(throttle.shouldDraw(), true); // 50 ms after the last draw
  now += 1;
  assert.equal(throttle.shouldDraw(true), true); // final
  now += 1;
  assert.equal(throttle.shouldDraw(), false); // the final draw also counts

  // 1000 updates over one second: about 20 draws.
  const fresh = new ThrottledLine(50, () => now);
  let draws = 0;
  for (let i = 0; i < 1000; i++, now += 1) if (fresh.shouldDraw(i === 999)) draws++;
  assert.ok(draws >= 20 && draws <= 21, `${draws} draws`);
});
