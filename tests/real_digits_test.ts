/**
 * Issue 11's single digits: the shipped model on every image of ../shared/real_digits (real
 * people's photos and drawings, read from there, never copied here), through the path of
 * `classify`. No clear digit is refused. The floors are today's figures with either the dense
 * or the CNN model (the issue's target is 99%, every kind at 97%).
 */
import assert from "node:assert/strict";
import { evaluateRealDigits, realDigits } from "./real_digits_accuracy.ts";
import { PROJECT_ROOT } from "./run_app.ts";

Deno.test("real people's digits are read, none refused", async () => {
  const report = await evaluateRealDigits(
    `${PROJECT_ROOT}/models/pretrained.safetensors`,
    await realDigits(),
  );
  const summary = Object.entries(report.byKind)
    .map(([kind, t]) => `${kind} ${t.right}/${t.total} (${t.refused} refused)`).join(", ");
  console.log(summary);
  const all = report.byKind.all;
  assert.ok(all.total >= 225, summary);
  assert.equal(all.refused, 0, summary);
  assert.ok(all.right >= 0.965 * all.total, summary);
  for (const kind of ["photo", "drawing", "unknown"]) {
    const t = report.byKind[kind];
    assert.ok(t.right >= 0.95 * t.total, `${kind}: ${summary}`);
  }
});
