import assert from "node:assert/strict";
import type { Component } from "./components.ts";
import type { InkMap } from "./normalize.ts";
import { withoutRules } from "./page_rules.ts";

/** A piece spanning x0..x1, y0..y1, its box half full of ink. */
function piece(x0: number, y0: number, x1: number, y1: number): Component {
  const area = Math.ceil(((x1 - x0 + 1) * (y1 - y0 + 1)) / 2);
  return { label: 0, area, mass: area, peak: 1, x0, y0, x1, y1 };
}

/** What `withoutRules` reads of a map: its size. */
function mapOf(width: number, height: number): InkMap {
  return { width, height } as InkMap;
}

Deno.test("an upright rule broken into dashes beside the digits is left out, each dash with it", () => {
  // As in a register's scan of "14": the page's edge at the left in four dashes, one of them
  // 67 pixels tall beside 38-pixel digits (alone, not long enough to be a rule).
  const dashes = [
    piece(1, 0, 2, 39),
    piece(2, 69, 7, 135),
    piece(0, 136, 0, 150),
    piece(4, 166, 6, 202),
  ];
  const digits = [piece(24, 83, 40, 118), piece(40, 81, 56, 118)];
  assert.deepEqual(withoutRules([...dashes, ...digits], mapOf(83, 203)), digits);
});

Deno.test("a 1 broken in two beside its neighbours is a digit, not a rule", () => {
  const one = [piece(10, 2, 12, 20), piece(11, 22, 13, 44)];
  const digits = [piece(20, 2, 40, 44), piece(45, 3, 65, 43)];
  assert.deepEqual(withoutRules([...one, ...digits], mapOf(70, 47)), [...one, ...digits]);
});

Deno.test("1s under each other, one per row of a form, are digits: they stand clear of the edges", () => {
  // Rows "11" and "111" (as tests/classify_test.ts draws them): the first 1 of each row in one
  // column, together three digits' heights long, but not from the top edge to the bottom one.
  const rows = [
    piece(20, 10, 23, 40),
    piece(40, 10, 43, 40), // 11
    piece(21, 70, 24, 100),
    piece(41, 70, 44, 100),
    piece(61, 70, 64, 100), // 111
  ];
  assert.deepEqual(withoutRules(rows, mapOf(90, 112)), rows);
});
