import assert from "node:assert/strict";
import { Random } from "../network/random.ts";
import { doodleDrawer, doodleExclusion } from "./doodles.ts";

Deno.test("things whose drawings hold or are digits are left out by name, others kept", () => {
  for (const thing of ["clock", "calculator", "circle", "line", "snowman", "swan", "zigzag"]) {
    assert.ok(doodleExclusion(thing), `${thing} should be left out`);
  }
  for (const thing of ["cat", "house", "airplane", "apple", "star", "tree", "The Mona Lisa"]) {
    assert.equal(doodleExclusion(thing), undefined, `${thing} should be kept`);
  }
});

Deno.test("doodles come from many kept things, drawn with a pen, the same for a seed", async () => {
  const draw = await doodleDrawer();
  const rng = new Random(3), again = new Random(3);
  const things = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const doodle = draw(rng);
    const thing = doodle.name.split("#")[0];
    assert.equal(doodleExclusion(thing), undefined, doodle.name);
    things.add(thing);
    // Redrawn with a pen: a stroke is several pixels wide, not the package's 1-pixel line.
    const inked = doodle.ink.filter((v) => v > 0.5).length;
    assert.ok(inked > doodle.width * 2, `${doodle.name}: ${inked} inked pixels`);
    assert.deepEqual(draw(again).ink, doodle.ink);
  }
  assert.ok(things.size > 60, `${things.size} things in 100 doodles`);
});
