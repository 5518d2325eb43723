import assert from "node:assert/strict";
import { KeyParser } from "./terminal/keys.ts";
import { visibleWidth } from "../text/layout.ts";
import { bodyRows, renderPage, scrollByKey, scrollPosition, scrollWindow } from "./page.ts";

const key = (text: string) => new KeyParser().feed(text)[0];

Deno.test("renderPage: exactly the terminal's rows, none wider than its columns", () => {
  const body = Array.from({ length: 40 }, (_, i) => `line ${i} ${"x".repeat(100)}`);
  for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 50 }]) {
    const lines = renderPage(
      {
        header: ["model: m", "data: d"],
        title: "Test",
        body,
        footer: "Esc back",
        status: { text: "oops", error: true },
      },
      size,
      "256",
    );
    assert.equal(lines.length, size.rows);
    for (const line of lines) assert.ok(visibleWidth(line) <= size.columns);
    assert.match(lines[2], /Test/);
    assert.match(lines[size.rows - 2], /oops/);
    assert.match(lines[size.rows - 1], /Esc back/);
    assert.equal(bodyRows(size, 2, true), size.rows - 5);
  }
});

Deno.test("renderPage: without color there is no escape code", () => {
  const lines = renderPage({ header: ["h"], title: "T", body: ["b"], footer: "f" }, {
    columns: 20,
    rows: 5,
  }, "none");
  assert.ok(lines.every((line) => !line.includes("\x1b")));
});

Deno.test("scrollWindow and scrollByKey: pages through and stops at both ends", () => {
  const lines = Array.from({ length: 10 }, (_, i) => String(i));
  assert.deepEqual(scrollWindow(lines, 99, 4), { lines: ["6", "7", "8", "9"], offset: 6 });
  assert.deepEqual(scrollWindow(lines, -3, 4).offset, 0);
  assert.equal(scrollByKey(key("\x1b[6~"), 0, 4), 4);
  assert.equal(scrollByKey(key("\x1b[5~"), 2, 4), 0);
  assert.equal(scrollByKey(key("\x1b[A"), 0, 4), 0);
  assert.equal(scrollByKey(key("j"), 1, 4), 2);
  assert.equal(scrollByKey(key("x"), 1, 4), undefined);
  assert.equal(scrollPosition(10, 6, 4), "lines 7-10 of 10");
  assert.equal(scrollPosition(3, 0, 4), "");
});

Deno.test("renderPage: a status longer than the width wraps (up to three lines) instead of being cut", () => {
  const text =
    "Stopped after 1 epoch + 312 batches; saved to models/default.safetensors (Train resumes it)";
  const lines = renderPage(
    { header: ["h1", "h2"], title: "Train", body: ["a", "b", "c", "d"], footer: "Esc back" },
    { columns: 80, rows: 10 },
    "none",
  );
  assert.equal(lines.length, 10);
  const withStatus = renderPage(
    {
      header: ["h1", "h2"],
      title: "Train",
      body: ["a", "b", "c", "d"],
      footer: "Esc back",
      status: { text },
    },
    { columns: 80, rows: 10 },
    "none",
  );
  assert.equal(withStatus.length, 10);
  assert.equal(
    withStatus.at(-3),
    "Stopped after 1 epoch + 312 batches; saved to models/default.safetensors (Train",
  );
  assert.equal(withStatus.at(-2), "resumes it)");
  assert.equal(withStatus.at(-1), "Esc back");
});
