import assert from "node:assert/strict";
import type { KeyEvent } from "../terminal/keys.ts";
import { visibleWidth } from "../../text/layout.ts";
import { editField, renderField, type TextField, textField } from "./text_input.ts";

const key = (name: string, options: Partial<KeyEvent> = {}): KeyEvent => ({
  type: "key",
  key: name,
  ctrl: false,
  alt: false,
  shift: false,
  sequence: name.length === 1 ? name : `<${name}>`,
  ...options,
});
const type = (field: TextField, ...keys: KeyEvent[]) =>
  keys.reduce((f, k) => editField(f, k) ?? f, field);

Deno.test("typing inserts at the cursor; arrows, Home/End move it", () => {
  let field = type(textField(), key("a"), key("c"), key("left"), key("b"));
  assert.deepEqual(field, { text: "abc", cursor: 2 });
  field = type(field, key("home"), key("/"), key("end"), key("."));
  assert.deepEqual(field, { text: "/abc.", cursor: 5 });
  // A pasted run of characters arrives as one event.
  field = editField(field, key("p", { sequence: "png" }))!;
  assert.deepEqual(field, { text: "/abc.png", cursor: 8 });
});

Deno.test("Backspace, Delete and the Ctrl shortcuts delete", () => {
  let field = type(textField("digits/seven.png"), key("backspace"), key("backspace"));
  assert.equal(field.text, "digits/seven.p");
  field = type(field, key("w", { ctrl: true }));
  assert.deepEqual(field, { text: "digits/", cursor: 7 });
  field = type(field, key("home"), key("delete"));
  assert.equal(field.text, "igits/");
  field = type(field, key("right"), key("right"), key("k", { ctrl: true }));
  assert.deepEqual(field, { text: "ig", cursor: 2 });
  field = type(field, key("u", { ctrl: true }));
  assert.deepEqual(field, { text: "", cursor: 0 });
  assert.deepEqual(editField(field, key("backspace")), field);
});

Deno.test("keys that do not edit are left to the screen", () => {
  for (const name of ["enter", "tab", "up", "down", "escape", "pagedown"]) {
    assert.equal(editField(textField("x"), key(name)), undefined, name);
  }
  assert.equal(editField(textField("x"), key("c", { ctrl: true })), undefined);
});

Deno.test("the field scrolls to keep the cursor visible within the width", () => {
  const long = textField("some/very/long/folder/name/with/an/image.png");
  const shown = renderField(long, 20, true, "none");
  assert.equal(visibleWidth(shown), 20);
  assert.ok(shown.startsWith("…") && shown.endsWith("image.png▏"), shown);
  const atStart = renderField({ ...long, cursor: 0 }, 20, true, "none");
  assert.ok(atStart.startsWith("▏some/very/long/"), atStart);
  assert.equal(visibleWidth(atStart), 20);
  assert.equal(renderField(textField("ab"), 20, false, "none"), "ab");
  const colored = renderField(textField("ab"), 20, true, "256");
  assert.ok(colored.includes("\x1b[7m"), "reverse-video cursor");
  assert.equal(visibleWidth(colored), 3);
});
