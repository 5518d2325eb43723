import assert from "node:assert/strict";
import { visibleWidth } from "../../text/layout.ts";
import { renderModelChoices } from "./model_choice.ts";

const LONG =
  "conv3x16,bn,conv3x16,bn,pool,conv3x32,bn,conv3x32,bn,pool,dense128,bn,dropout0.3 relu";

Deno.test("a long layer list wraps whole in the Model screen at 80 columns and fits at 160", () => {
  const state = {
    selected: 0,
    choices: [
      {
        path: "models/pretrained.safetensors",
        network: "784-256-10 relu",
        accuracy: 0.99,
        shipped: true,
      },
      { path: "models/many_layers.safetensors", network: LONG, accuracy: 0.7, shipped: false },
    ],
  };
  for (const width of [80, 60]) {
    const lines = renderModelChoices(state, { width, color: "none" });
    const text = lines.join("\n");
    assert.ok(lines.every((line) => visibleWidth(line) <= width), text);
    // the list reads whole, line after line, after the file's row: nothing is cut
    const row = lines.findIndex((line) => line.includes("many_layers"));
    const other = lines.findIndex((line) => line.includes("Other file"));
    assert.ok(!lines.slice(0, other).join("\n").includes("…"), text);
    const network = lines.slice(row, other).join("").replace(/^.*yours\s+/, "").replace(
      /\s+/g,
      " ",
    );
    assert.equal(network.replace(/, ?/g, ",").trim(), LONG);
    assert.match(lines[row - 1], /784-256-10 relu$/);
  }
  const wide = renderModelChoices(state, { width: 160, color: "none" });
  assert.ok(wide.some((line) => line.endsWith(LONG)), "one row each at 160 columns");
});
