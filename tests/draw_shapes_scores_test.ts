/**
 * The Draw screen's answers for the keyboard drawings, offline (no tmux, no MNIST): the shipped
 * model refuses the smiley, the X, the house and the dash and reads every digit 0-9, as
 * tests/tui_refusal_test.ts checks in the real app.
 */
import assert from "node:assert/strict";
import { drawShapeAnswers } from "./draw_shapes_scores.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";

Deno.test("Draw's keyboard drawings, read offline: the non-digits refused, the digits read", async () => {
  const answers = drawShapeAnswers(await loadShippedNetwork());
  assert.equal(answers.length, 14);
  for (const answer of answers) {
    assert.ok(answer.asTheTestAsks, JSON.stringify(answer));
  }
  // the drawings that are not digits come first, refused
  assert.deepEqual(answers.slice(0, 4).map((a) => [a.name, a.digit]), [
    ["smiley", null],
    ["x", null],
    ["house", null],
    ["dash", null],
  ]);
});
