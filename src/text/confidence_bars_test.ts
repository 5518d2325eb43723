import assert from "node:assert/strict";
import { renderConfidenceBars } from "./confidence_bars.ts";
import { stripAnsi, visibleWidth } from "./layout.ts";

const probabilities = [0.001, 0.002, 0.004, 0.003, 0.001, 0.0005, 0.0002, 0.973, 0.0003, 0.015];

Deno.test("confidence bars: one line per class, the top one marked, percentages printed", () => {
  const lines = renderConfidenceBars(probabilities, { width: 40, color: "none" });
  assert.equal(lines.length, 10);
  assert.ok(lines.every((line) => visibleWidth(line) === 40));
  // Bar area: 40 - "▶ 7 " (4) - " 97.3%" (7) = 29 columns; 0.973 * 29 = 28.2 -> 28 and 2/8.
  assert.equal(lines[7], "▶ 7 " + "█".repeat(28) + "▎" + "  97.3%");
  assert.equal(lines[0], "  0 " + " ".repeat(29) + "   0.1%");
  assert.equal(lines[9], "  9 ▍" + " ".repeat(28) + "   1.5%");
  assert.equal(lines.filter((line) => line.startsWith("▶")).length, 1);
});

Deno.test("confidence bars in color highlight the top class and keep the same text", () => {
  const lines = renderConfidenceBars(probabilities, { width: 40, color: "truecolor" });
  assert.ok(lines[7].includes("\x1b[32m") && lines[7].includes("\x1b[1m"));
  assert.ok(lines[0].includes("\x1b[2m"));
  assert.deepEqual(
    lines.map(stripAnsi),
    renderConfidenceBars(probabilities, { width: 40, color: "none" }),
  );
});

Deno.test("confidence bars: full and empty bars, custom labels", () => {
  const lines = renderConfidenceBars([1, 0], { width: 20, color: "none", labels: ["yes", "no"] });
  assert.deepEqual(lines, [
    "▶ yes " + "█".repeat(7) + " 100.0%",
    "   no " + " ".repeat(7) + "   0.0%",
  ]);
});
