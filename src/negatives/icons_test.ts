import assert from "node:assert/strict";
import { iconExclusion, loadIcons } from "./icons.ts";

Deno.test("icons that are digits or read as one are left out by name, things are kept", () => {
  const excluded = [
    ...Array.from({ length: 10 }, (_, d) => `number-${d}`),
    "square-number-7",
    "tally-3",
    "clock-12",
    "number",
    "numbers",
    "zero-config",
    "binary",
    "circle",
    "circle-dashed",
    "circle-dotted",
    "circle-off",
    "oval-vertical",
    "egg",
    "point",
    "player-record",
    "player-pause",
    "square",
    "square-rounded",
    "minus",
    "minus-vertical",
    "slash",
    "line",
    "line-dashed",
    "separator-vertical",
    "pause",
    "hash",
    "infinity",
    "ampersand",
    "quote",
    "brackets",
    "italic",
    "currency-dollar",
    "exclamation-mark",
    "question-mark",
    "letter-o",
    "letter-s",
    "letter-z",
    "circle-letter-o",
    "square-letter-b",
    "letter-p-small",
    "line-dot-top-vertical",
  ];
  for (const name of excluded) assert.ok(iconExclusion(name), `${name} should be left out`);
  const kept = [
    "home",
    "house",
    "cat",
    "car",
    "circle-check",
    "circle-x",
    "square-check",
    "mood-smile",
    "arrow-right",
    "line-chart",
    "chart-line",
    "heart",
    "bell-minus",
  ];
  for (const name of kept) assert.equal(iconExclusion(name), undefined, `${name} should stay`);
});

Deno.test("both npm icon sets load, most icons kept, every left-out one with a reason", async () => {
  const { kept, excluded } = await loadIcons();
  const tabler = kept.filter((icon) => icon.set === "tabler").length;
  const filled = kept.filter((icon) => icon.set === "tabler-filled").length;
  assert.ok(filled > 700, `tabler filled icons kept: ${filled}`);
  const lucide = kept.filter((icon) => icon.set === "lucide").length;
  assert.ok(tabler > 4000, `tabler icons kept: ${tabler}`);
  assert.ok(lucide > 1500, `lucide icons kept: ${lucide}`);
  assert.ok(excluded.length > 200 && excluded.length < 0.2 * (kept.length + excluded.length));
  for (const icon of kept) {
    assert.doesNotMatch(icon.name, /\d|number/);
    assert.ok(!["circle", "minus", "slash", "line", "hash"].includes(icon.name), icon.name);
    assert.match(icon.elements, /^<(path|circle|rect|line|polyline|polygon|ellipse)\b/);
  }
  for (const [icon, why] of excluded) assert.ok(why.length > 0, icon.name);
  for (let d = 0; d <= 9; d++) {
    assert.ok(excluded.some(([icon]) => icon.set === "tabler" && icon.name === `number-${d}`));
  }
});
