import assert from "node:assert/strict";
import { loadModelOrRandom } from "../../../app/load_model.ts";
import { PRETRAINED_MODEL_PATH } from "../../../app/model_paths.ts";
import { centerOfMass } from "../../../image/mod.ts";
import { Network } from "../../../network/network.ts";
import type { InputEvent, KeyEvent, MouseEvent } from "../../terminal/keys.ts";
import { visibleWidth } from "../../../text/layout.ts";
import { CANVAS_SIDE, type CanvasPoint, DrawingCanvas } from "./canvas.ts";
import {
  analyzeCanvas,
  cellOnCanvas,
  drawLayout,
  handleDrawEvent,
  newDrawState,
  renderDrawScreen,
} from "./draw.ts";

const hasPretrained = await Deno.stat(PRETRAINED_MODEL_PATH).then(() => true, () => false);
const randomNetwork = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });

/** A "1": one slightly slanted vertical stroke. */
function drawOne(canvas: DrawingCanvas): void {
  canvas.stroke([{ x: 62, y: 14 }, { x: 54, y: 98 }]);
}

/** A "0": an upright ellipse, off-centre on purpose (normalizing must centre it). */
function drawZero(canvas: DrawingCanvas): void {
  const points: CanvasPoint[] = [];
  for (let i = 0; i <= 48; i++) {
    const angle = (i / 48) * 2 * Math.PI;
    points.push({ x: 40 + 22 * Math.sin(angle), y: 50 - 34 * Math.cos(angle) });
  }
  canvas.stroke(points);
}

const key = (name: string, ctrl = false): KeyEvent => ({
  type: "key",
  key: name,
  ctrl,
  alt: false,
  shift: false,
  sequence: name,
});
const mouse = (
  action: MouseEvent["action"],
  x: number,
  y: number,
  button = "left",
): MouseEvent => ({
  type: "mouse",
  action,
  button: button as MouseEvent["button"],
  x,
  y,
  ctrl: false,
  alt: false,
  shift: false,
});

Deno.test("the drawing reaches the network as a centred, non-empty 28x28 digit", () => {
  for (const draw of [drawOne, drawZero]) {
    const canvas = new DrawingCanvas();
    draw(canvas);
    const analysis = analyzeCanvas(canvas, randomNetwork);
    assert.equal(analysis.found, true);
    assert.equal(analysis.pixels.length, 784);
    const ink = analysis.pixels.reduce((sum, v) => sum + v, 0);
    assert.ok(ink > 30, `ink ${ink}`);
    assert.ok(Math.max(...analysis.pixels) > 0.9, "strokes keep full ink");
    // MNIST style: the centre of mass at the centre of the 28x28 (pixel centres at +0.5).
    const center = centerOfMass({ width: 28, height: 28, pixels: analysis.pixels });
    assert.ok(Math.abs(center.x - 14) < 1 && Math.abs(center.y - 14) < 1, JSON.stringify(center));
    // The 20x20 box: nothing in the outer 3 rows and columns.
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        if (x < 3 || x > 24 || y < 3 || y > 24) assert.equal(analysis.pixels[y * 28 + x], 0);
      }
    }
  }
});

Deno.test({
  name: "the trained network reads a drawn 1 and a drawn 0",
  ignore: !hasPretrained,
  fn: async () => {
    const { network } = await loadModelOrRandom(PRETRAINED_MODEL_PATH, 1);
    const one = new DrawingCanvas();
    drawOne(one);
    const zero = new DrawingCanvas();
    drawZero(zero);
    assert.equal(analyzeCanvas(one, network).prediction?.digit, 1);
    assert.equal(analyzeCanvas(zero, network).prediction?.digit, 0);
  },
});

Deno.test("a blank canvas asks for a digit instead of guessing", () => {
  const analysis = analyzeCanvas(new DrawingCanvas(), randomNetwork);
  assert.equal(analysis.blank, true);
  assert.equal(analysis.prediction, undefined);
  const layout = drawLayout({ columns: 80, rows: 24 }, 2);
  const lines = renderDrawScreen(newDrawState(), analysis, layout, ["model", "data"], "none");
  assert.match(lines.join("\n"), /Draw a digit/);
  assert.doesNotMatch(lines.join("\n"), /It's a|Probably|Not sure/);
});

Deno.test("layout: the canvas grows with the terminal and stays beside the panel", () => {
  const small = drawLayout({ columns: 80, rows: 24 }, 2);
  assert.equal(small.side, 36);
  assert.equal(small.fits, true);
  assert.ok(small.panelLeft + 27 <= 80);
  const big = drawLayout({ columns: 160, rows: 50 }, 2);
  assert.equal(big.side, 88);
  assert.ok(big.panelWidth >= 41);
  assert.equal(drawLayout({ columns: 40, rows: 10 }, 2).fits, false);
});

Deno.test("a mouse stroke draws where the cells are, from press to release", () => {
  const state = newDrawState();
  const layout = drawLayout({ columns: 80, rows: 24 }, 2);
  // Outside the canvas (the header) nothing starts.
  handleDrawEvent(state, mouse("press", 10, 0), layout);
  handleDrawEvent(state, mouse("drag", 10, 10), layout);
  assert.equal(state.canvas.blank, true);
  handleDrawEvent(state, mouse("release", 10, 10), layout);
  // A vertical drag down column 18 of the screen, rows 5 to 18.
  const column = 18;
  handleDrawEvent(state, mouse("press", column, 5), layout);
  for (let y = 6; y <= 18; y++) handleDrawEvent(state, mouse("drag", column, y), layout);
  handleDrawEvent(state, mouse("release", column, 18), layout);
  assert.equal(state.canvas.drawing, false);
  const pixels = state.canvas.downsample(layout.side);
  const x = column - layout.left;
  for (let y = 5; y <= 18; y++) {
    assert.ok(cellOnCanvas(layout, column, y));
    const row = y - layout.top;
    assert.ok(pixels[2 * row * layout.side + x] > 0.5, `ink under cell (${column}, ${y})`);
  }
  assert.equal(pixels[2 * 2 * layout.side + 30], 0, "nothing far from the stroke");
  // A drag after the release draws nothing more.
  const before = state.canvas.version;
  handleDrawEvent(state, mouse("drag", 30, 10), layout);
  assert.equal(state.canvas.version, before);
  // The right button erases.
  handleDrawEvent(state, mouse("press", column, 5, "right"), layout);
  for (let y = 6; y <= 18; y++) handleDrawEvent(state, mouse("drag", column, y, "right"), layout);
  handleDrawEvent(state, mouse("release", column, 18, "right"), layout);
  assert.equal(state.canvas.blank, true);
});

Deno.test("keyboard: arrows move the cursor, space lowers and lifts the pen, c clears", () => {
  const state = newDrawState();
  const layout = drawLayout({ columns: 80, rows: 24 }, 2);
  const events: InputEvent[] = [key("up"), key("up"), key(" ")];
  for (const event of events) assert.equal(handleDrawEvent(state, event, layout), undefined);
  assert.equal(state.penDown, true);
  const start = { ...state.cursor };
  for (let i = 0; i < 6; i++) handleDrawEvent(state, key("down"), layout);
  handleDrawEvent(state, key(" "), layout);
  assert.equal(state.penDown, false);
  assert.ok(state.cursor.y > start.y + 30, "moved down 6 rows of cells");
  const midY = Math.floor((start.y + state.cursor.y) / 2);
  assert.equal(state.canvas.ink[midY * CANVAS_SIDE + Math.floor(start.x)], 1);
  // Moving with the pen up draws nothing.
  const version = state.canvas.version;
  handleDrawEvent(state, key("right"), layout);
  assert.equal(state.canvas.version, version);
  handleDrawEvent(state, key("u"), layout);
  assert.equal(state.canvas.blank, true, "undo takes back the keyboard stroke");
  handleDrawEvent(state, key(" "), layout);
  handleDrawEvent(state, key("c"), layout);
  assert.equal(state.canvas.blank, true);
  assert.equal(state.penDown, false);
  assert.equal(handleDrawEvent(state, key("escape"), layout), "leave");
  assert.equal(handleDrawEvent(state, key("c", true), layout), "leave");
});

Deno.test("the screen fits 80x24 and 160x50 and has no escapes without color", () => {
  const state = newDrawState();
  drawOne(state.canvas);
  const analysis = analyzeCanvas(state.canvas, randomNetwork);
  for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 50 }]) {
    const layout = drawLayout(size, 2);
    const lines = renderDrawScreen(state, analysis, layout, ["model: x", "data: y"], "none");
    assert.equal(lines.length, size.rows);
    for (const line of lines) assert.ok(visibleWidth(line) <= size.columns, line);
    const text = lines.join("\n");
    assert.ok(!text.includes("\x1b"), "no escape codes");
    assert.match(text, /It's a \d|Probably a \d|Not sure: \d/);
    assert.match(text, /▶ \d/, "confidence bars");
    // The canvas shows the stroke in ramp characters.
    assert.match(text, /│[ .:=+*#%@-]*[#%@]+[ .:=+*#%@-]*│/);
    if (size.columns === 160) assert.match(text, /Network input 28x28/);
    else assert.match(text, /Input ½/);
  }
  const colored = renderDrawScreen(
    state,
    analysis,
    drawLayout({ columns: 80, rows: 24 }, 2),
    ["m", "d"],
    "256",
  );
  assert.ok(colored.join("\n").includes("\x1b["), "colors");
});
