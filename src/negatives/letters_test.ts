import assert from "node:assert/strict";
import { Random } from "../network/random.ts";
import {
  DRAWN_LETTERS,
  LETTER_FONTS,
  letterDrawer,
  letterExclusion,
  PEN_FONTS,
} from "./letters.ts";

Deno.test("letters that read as digits are never drawn, the others are", () => {
  for (const c of "0123456789OoIilZzSsbBgq") {
    assert.ok(letterExclusion(c), `${c} should be left out`);
    assert.ok(!DRAWN_LETTERS.includes(c), `${c} is drawn`);
  }
  for (const c of "ACDEFGHJKMNPQRTUVWXYacdefhjkmnprtuvwxy") {
    assert.equal(letterExclusion(c), undefined, `${c} should be drawn`);
    assert.ok(DRAWN_LETTERS.includes(c));
  }
});

Deno.test("every handwriting and pen font draws, and only the letters allowed", async () => {
  assert.equal(LETTER_FONTS.length, 10);
  const draw = await letterDrawer();
  const rng = new Random(8);
  const fonts = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const drawing = draw(rng);
    const [font, text] = drawing.name.split(":");
    fonts.add(font);
    assert.ok(text.length >= 1 && text.length <= 6, drawing.name);
    for (const c of text) assert.ok(DRAWN_LETTERS.includes(c), `${drawing.name} has ${c}`);
    assert.ok(drawing.ink.some((v) => v > 0.9), `${drawing.name} drew nothing`);
  }
  // Half the letters are written with a pen along a Hershey font, half in a handwriting font.
  const pens = PEN_FONTS.map((font) => `hershey-${font}`);
  assert.deepEqual([...fonts].sort(), [...LETTER_FONTS, ...pens].sort());
});
