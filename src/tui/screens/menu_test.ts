import assert from "node:assert/strict";
import { KeyParser } from "../terminal/keys.ts";
import { stripAnsi } from "../../text/layout.ts";
import { MENU_ENTRIES, menuKey, renderMenu } from "./menu.ts";

const key = (text: string) => new KeyParser().feed(text)[0];

Deno.test("menuKey: arrows and j/k move with wrap-around, Enter and digits choose", () => {
  assert.equal(menuKey(0, key("\x1b[B")).selected, 1);
  assert.equal(menuKey(0, key("k")).selected, MENU_ENTRIES.length - 1);
  assert.equal(menuKey(MENU_ENTRIES.length - 1, key("j")).selected, 0);
  assert.deepEqual(menuKey(1, key("\r")), { selected: 1, choose: "test" });
  assert.deepEqual(menuKey(0, key("6")), { selected: 5, choose: "info" });
  assert.deepEqual(menuKey(0, key("8")), { selected: 7, choose: "runs" });
  assert.deepEqual(menuKey(0, key("0")), { selected: 0 });
});

Deno.test("menuKey: q, Esc and Ctrl-C quit", () => {
  for (const text of ["q", "\x03"]) assert.equal(menuKey(2, key(text)).choose, "quit");
  const parser = new KeyParser();
  parser.feed("\x1b");
  assert.equal(menuKey(2, parser.flush()[0]).choose, "quit");
});

Deno.test("renderMenu: every entry numbered, the selected one marked, within the width", () => {
  const lines = renderMenu({ selected: 3, width: 60, height: 20, color: "none" });
  const text = lines.join("\n");
  for (const [i, entry] of MENU_ENTRIES.entries()) {
    assert.match(text, new RegExp(`${i + 1} {2}${entry.label}`));
  }
  assert.match(text, /▸ 4 {2}Draw a digit/);
  assert.equal(lines.filter((line) => line.includes("▸")).length, 1);
  for (const line of lines) assert.ok(stripAnsi(line).length <= 60, line);
  const colored = renderMenu({ selected: 0, width: 80, height: 20, color: "256" });
  assert.ok(colored.some((line) => line.includes("\x1b[7m")), "selection in reverse video");
});

Deno.test("renderMenu: in a short terminal the chosen entry stays in view", () => {
  for (let selected = 0; selected < MENU_ENTRIES.length; selected++) {
    const lines = renderMenu({ selected, width: 40, height: 6, color: "none" });
    assert.ok(lines.length <= 6);
    assert.ok(lines.some((line) => line.includes(`▸ ${selected + 1}`)), `entry ${selected + 1}`);
  }
});
