import assert from "node:assert/strict";
import { divergingSgr } from "./diverging.ts";

/** The RGB of the 256-color palette entry a foreground SGR names (cube entries 16..231). */
function rgbOf(sgr: string): [number, number, number] {
  const index = Number(/\[38;5;(\d+)m/.exec(sgr)![1]) - 16;
  const levels = [0, 95, 135, 175, 215, 255];
  return [levels[Math.floor(index / 36)], levels[Math.floor(index / 6) % 6], levels[index % 6]];
}

Deno.test("in 256 colors the diverging scale stays orange for positive and blue for negative at every brightness", () => {
  for (let k = 1; k <= 100; k++) {
    const v = k / 100;
    const [r, g, b] = rgbOf(divergingSgr("256", v, "fg"));
    assert.ok(r + g + b === 0 || (r > g && b === 0), `+${v}: rgb ${r},${g},${b} is not orange`);
    const [nr, ng, nb] = rgbOf(divergingSgr("256", -v, "fg"));
    assert.ok(nr + ng + nb === 0 || (nb > ng && nr === 0), `-${v}: rgb ${nr},${ng},${nb} not blue`);
  }
  const brightness = (v: number) => rgbOf(divergingSgr("256", v, "fg")).reduce((s, c) => s + c);
  assert.ok(brightness(1) > brightness(0.3) && brightness(-1) > brightness(-0.3));
});
