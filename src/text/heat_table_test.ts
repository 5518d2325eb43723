import assert from "node:assert/strict";
import { renderHeatTable } from "./heat_table.ts";
import { stripAnsi, visibleWidth } from "./layout.ts";

/** A realistic 10x10 test-set confusion matrix: 4-digit diagonal, a few errors. */
function confusion(): number[][] {
  const sizes = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
  const rows = sizes.map(() => Array.from({ length: 10 }, () => 0));
  rows[4][9] = 14;
  rows[9][4] = 9;
  rows[3][5] = 11;
  rows[7][2] = 10;
  rows[1][8] = 3;
  sizes.forEach((size, t) => rows[t][t] = size - rows[t].reduce((a, b) => a + b, 0));
  return rows;
}

Deno.test("heat table without color brackets the diagonal", () => {
  const lines = renderHeatTable(confusion(), { color: "none", totals: true });
  assert.deepEqual(lines.slice(0, 4), [
    "rows: true digit, columns: predicted",
    "        0     1     2     3     4     5     6     7     8     9  │ total",
    "  0 [ 980]    ·     ·     ·     ·     ·     ·     ·     ·     ·  │   980",
    "  1     · [1132]    ·     ·     ·     ·     ·     ·     3     ·  │  1135",
  ]);
  assert.equal(
    lines[6],
    "  4     ·     ·     ·     · [ 968]    ·     ·     ·     ·    14  │   982",
  );
  assert.equal(lines.length, 12);
  // Exactly one bracketed cell per row, in the row's own column.
  for (let t = 0; t < 10; t++) {
    const row = lines[2 + t];
    assert.equal(row.split("[").length - 1, 1);
    assert.equal(row.indexOf("["), 4 + 6 * t);
  }
  assert.ok(lines.every((line) => !line.includes("\x1b")));
});

Deno.test("heat table fits in 80 columns and lines up in every color level", () => {
  for (const color of ["none", "256", "truecolor"] as const) {
    const lines = renderHeatTable(confusion(), { color, totals: true });
    const widths = new Set(lines.slice(1).map(visibleWidth));
    assert.equal(widths.size, 1, `${color}: ${[...widths]}`);
    assert.ok([...widths][0] <= 80);
  }
});

Deno.test("heat table in color: green diagonal, red errors scaled by count, dim zeros", () => {
  const lines = renderHeatTable(confusion(), { color: "truecolor", legend: false });
  // Escape bytes shown as "^" so the patterns below stay readable.
  const row4 = lines[1 + 4].replaceAll("\x1b", "^");
  // Diagonal: green background (r=0, g>=70), bright bold text.
  assert.match(row4, /\^\[48;2;0;\d+;40m\^\[97m\^\[1m {2}968 /);
  // Error 14 is the largest, so it gets the brightest red; the 3 in row 1 a darker one.
  assert.ok(row4.includes("^[48;2;240;20;0m^[97m   14 "));
  const row1 = lines[1 + 1].replaceAll("\x1b", "^");
  const red3 = Number(/\^\[48;2;(\d+);20;0m\^\[97m {4}3 /.exec(row1)![1]);
  assert.ok(red3 >= 90 && red3 < 240, `red ${red3}`);
  // Zeros are dim dots.
  assert.ok(row4.includes("^[2m   ·^[22m"));
  // Same text as the plain table, apart from the brackets.
  const plain = renderHeatTable(confusion(), { color: "none", legend: false });
  assert.deepEqual(lines.map(stripAnsi), plain.map((line) => line.replace(/\[(.{4})\]/, " $1 ")));
});

Deno.test("heat table accepts a flat row-major array and rejects non-square input", () => {
  const rows = confusion();
  const flat = new Int32Array(rows.flat());
  assert.deepEqual(
    renderHeatTable(flat, { color: "none" }),
    renderHeatTable(rows, { color: "none" }),
  );
  assert.throws(() => renderHeatTable(new Int32Array(99), { color: "none" }), RangeError);
  assert.throws(() => renderHeatTable([[1, 2], [3]], { color: "none" }), RangeError);
});

Deno.test("heat table with small counts keeps cells at least 3 wide", () => {
  assert.deepEqual(renderHeatTable([[5, 1], [0, 7]], { color: "none", legend: false }), [
    "       0    1 ",
    "  0 [  5]   1 ",
    "  1    · [  7]",
  ]);
});
