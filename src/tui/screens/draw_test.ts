import assert from "node:assert/strict";
import { loadNetworkModel } from "../../train/checkpoint.ts";
import { SHIPPED_MODEL } from "../../../tests/env.ts";
import { centerOfMass } from "../../image/mod.ts";
import { Network } from "../../network/network.ts";
import type { MouseEvent } from "../terminal/keys.ts";
import { visibleWidth } from "../../text/layout.ts";
import { renderPage } from "../page.ts";
import type { Message } from "../screen_loop.ts";
import { frameOf, simulate, simulateWork } from "../screen_loop_testing.ts";
import { CANVAS_SIDE, type CanvasPoint, DrawingCanvas } from "../widgets/canvas.ts";
import { analyzeCanvas } from "../../app/canvas_analysis.ts";
import { DigitExplainer, type DigitLook } from "../../app/inspect_model.ts";
import type { AttributionOptions } from "../../network/attribution.ts";
import { drawScreen, type DrawState, type DrawWork, newDrawState } from "./draw.ts";
import { cellOnCanvas, drawLayout } from "./draw_layout.ts";

const randomNetwork = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
const pretrainedNetwork = (await loadNetworkModel(SHIPPED_MODEL, { maxBatch: 1 })).network;
const screenWith = (network: Network) => drawScreen({ model: () => ({ network, random: false }) });
const GUESS = /It's an? \d|Probably an? \d|Not sure: \d/;

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

const mouse = (
  action: MouseEvent["action"],
  x: number,
  y: number,
  button: MouseEvent["button"] = "left",
): Message<DrawWork> => ({
  type: "input",
  event: { type: "mouse", action, button, x, y, ctrl: false, alt: false, shift: false },
});

/** Press at the first cell, drag through the others, release at the last (as a terminal does). */
function stroke(cells: [number, number][], button: MouseEvent["button"] = "left") {
  const [first, ...rest] = cells;
  const last = cells[cells.length - 1];
  return [
    mouse("press", first[0], first[1], button),
    ...rest.map(([x, y]) => mouse("drag", x, y, button)),
    mouse("release", last[0], last[1], button),
  ];
}

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
  fn: () => {
    const network = pretrainedNetwork;
    const one = new DrawingCanvas();
    drawOne(one);
    const zero = new DrawingCanvas();
    drawZero(zero);
    assert.equal(analyzeCanvas(one, network).prediction?.digit, 1);
    assert.equal(analyzeCanvas(zero, network).prediction?.digit, 0);
  },
});

Deno.test("a blank canvas asks for a digit instead of guessing; the mouse is on; back leaves", () => {
  const screen = screenWith(randomNetwork);
  const run = simulate(screen, []);
  const text = run.view.body.join("\n");
  assert.match(text, /Drag with the left mouse button/);
  assert.doesNotMatch(text, GUESS);
  assert.equal(screen.mouse?.(run.state), true);
  assert.equal(screen.typing?.(run.state) ?? false, false, "q backs out: nothing is typed");
  assert.ok(simulate(screen, ["back"]).exit);
});

Deno.test("layout: the canvas grows with the terminal and stays beside the panel", () => {
  const small = drawLayout(frameOf({ columns: 80, rows: 24 }));
  assert.equal(small.side, 36);
  assert.equal(small.fits, true);
  assert.ok(small.panelLeft + 27 <= 80);
  const big = drawLayout(frameOf({ columns: 160, rows: 50 }));
  assert.equal(big.side, 88);
  assert.ok(big.panelWidth >= 41);
  assert.equal(drawLayout(frameOf({ columns: 40, rows: 10 })).fits, false);
});

Deno.test("a mouse stroke draws where the cells are, from press to release; right erases", () => {
  const screen = screenWith(randomNetwork);
  // Outside the canvas (the header) nothing starts, and a drag without a press draws nothing.
  let run = simulate(screen, [...stroke([[10, 0], [10, 10]]), mouse("drag", 30, 10)]);
  assert.equal(run.state.canvas.blank, true);
  // A vertical drag down column 18 of the screen, rows 5 to 18 (0-based cells).
  const column = 18;
  const cells: [number, number][] = [];
  for (let y = 5; y <= 18; y++) cells.push([column, y]);
  run = simulate(screen, [...stroke(cells), mouse("drag", 30, 10)]);
  const state = run.state;
  const layout = state.layout!;
  assert.equal(state.canvas.drawing, false);
  const pixels = state.canvas.downsample(layout.side);
  for (const [x, y] of cells) {
    assert.ok(cellOnCanvas(layout, x, y));
    const row = y - layout.top;
    assert.ok(pixels[2 * row * layout.side + x - layout.left] > 0.5, `ink under (${x}, ${y})`);
  }
  assert.equal(pixels[2 * 2 * layout.side + 30], 0, "nothing far from the stroke (nor the drag)");
  assert.match(run.view.body.join("\n"), GUESS);
  // Each step left the state before it as it was: the stroke is in the last state only.
  assert.equal(run.steps[1].state.canvas.blank, true);
  // The right button erases the same stroke.
  const erased = screen.update(state, stroke(cells, "right")[0]).state;
  const rubbed = [...stroke(cells, "right")].slice(1).reduce(
    (s: DrawState, m) => screen.update(s, m).state,
    erased,
  );
  assert.equal(rubbed.canvas.blank, true);
  assert.equal(state.canvas.blank, false);
  assert.doesNotMatch(screen.view(rubbed, frameOf({ columns: 80, rows: 24 })).body.join(), GUESS);
});

Deno.test("keyboard: arrows move the cursor, space lowers and lifts the pen, u undoes, c clears", () => {
  const screen = screenWith(randomNetwork);
  const down = Array(6).fill("down");
  let run = simulate(screen, ["up", "up", " ", ...down]);
  assert.equal(run.state.penDown, true);
  assert.match(run.view.body[0], /Canvas · pen down/);
  run = simulate(screen, ["up", "up", " ", ...down, " "]);
  const { state } = run;
  assert.equal(state.penDown, false);
  assert.match(run.view.body.join("\n"), /◇/, "the cursor shows");
  const start = run.steps[3].state.cursor;
  assert.ok(state.cursor.y > start.y + 30, "moved down 6 rows of cells");
  const midY = Math.floor((start.y + state.cursor.y) / 2);
  assert.equal(state.canvas.ink[midY * CANVAS_SIDE + Math.floor(start.x)], 1);
  assert.match(run.view.body.join("\n"), GUESS);
  // Moving with the pen up draws nothing.
  const moved = screen.update(state, { type: "input", event: key("right") }).state;
  assert.equal(moved.canvas.version, state.canvas.version);
  run = simulate(screen, ["up", "up", " ", ...down, " ", "u"]);
  assert.equal(run.state.canvas.blank, true, "undo takes back the keyboard stroke");
  assert.match(run.view.body.join("\n"), /Drag with the left mouse button/);
  run = simulate(screen, [" ", "down", "c"]);
  assert.equal(run.state.canvas.blank, true);
  assert.equal(run.state.penDown, false);
});

function key(name: string) {
  return { type: "key" as const, key: name, ctrl: false, alt: false, shift: false, sequence: name };
}

Deno.test("the screen reads whole at 80x24, 110x30, 110x44 and 160x50, without escapes sans color", () => {
  const screen = screenWith(randomNetwork);
  const blank = simulate(screen, []).state;
  const drawn = { ...blank, canvas: new DrawingCanvas() };
  drawOne(drawn.canvas);
  drawn.analysis = analyzeCanvas(drawn.canvas, randomNetwork);
  const sizes = [[80, 24], [110, 30], [110, 44], [160, 50]].map(([columns, rows]) => ({
    columns,
    rows,
  }));
  for (const size of sizes) {
    const frame = frameOf(size);
    for (const state of [blank, drawn]) {
      const view = screen.view({ ...state, layout: drawLayout(frame) }, frame);
      const lines = renderPage(
        { header: ["model: x", "data: y"], title: "Draw a digit", ...view },
        size,
        "none",
      );
      assert.equal(lines.length, size.rows);
      for (const line of lines) assert.ok(visibleWidth(line) <= size.columns, line);
      const text = lines.join("\n");
      assert.ok(!text.includes("\x1b"), "no escape codes");
      assert.ok(!text.includes("…"), `nothing is cut at ${size.columns}x${size.rows}:\n${text}`);
      if (state === blank) {
        // The help reads whole, however it wraps.
        const words = text.split("\n").map((l) => l.slice(drawLayout(frame).panelLeft)).join(" ");
        assert.match(
          words.replace(/\s+/g, " "),
          /the right button erases\)\. .*put the pen down or lift it\./,
        );
        continue;
      }
      assert.match(text, GUESS);
      assert.equal(lines.filter((line) => /▶? \d .*\d+\.\d%$/.test(line.trimEnd())).length, 10);
      // The canvas shows the stroke in ramp characters.
      assert.match(text, /│[ .:=+*#%@-]*[#%@]+[ .:=+*#%@-]*│/);
      assert.match(text, size.columns === 160 ? /Network input 28x28/ : /Input ½|Network input/);
    }
  }
  const colored = screen.view(drawn, frameOf({ columns: 80, rows: 24 }, "256"));
  assert.ok(colored.body.join("\n").includes("\x1b["), "colors");
});

Deno.test("the attribution of the guess is drawn over the canvas by default; s steps to the raw gradient, then off; the hidden layer's strip follows the drawing", async () => {
  const screen = drawScreen({ model: () => ({ network: randomNetwork, random: false }) });
  const column = 18;
  const cells: [number, number][] = [];
  for (let y = 5; y <= 18; y++) cells.push([column, y]);
  const frame = frameOf({ columns: 160, rows: 50 });
  // the screen's work explains the guess (in the app, once the pen rests)
  const run = ["explain"];
  const drawn = await simulateWork(screen, [...stroke(cells)], { run });
  assert.equal(drawn.state.overlay, "attribution");
  const attributed = screen.view(drawn.state, frame).body.join("\n");
  assert.match(attributed, /dense16 \(brighter = fires harder\):/);
  assert.match(attributed, /strongest: (#\d+ \d+\.\d\d|none fires)/);
  assert.match(attributed, /Canvas · what made the guess/);
  assert.match(attributed, /\+ ink for the guess, - against it/);
  // Inspect gets what the network saw of the drawing
  assert.deepEqual(drawn.remembered.drawing, drawn.state.analysis.pixels);
  // the attribution and the gradient come from the same pixels as the guess
  assert.equal(drawn.state.insight?.version, drawn.state.analysis.version);
  assert.equal(drawn.state.insight?.attribution?.length, 784);
  assert.ok(drawn.state.insight!.attribution!.some((v) => v !== 0));
  assert.ok(drawn.state.insight!.look.saliency.some((v) => v !== 0));

  const gradient = screen.update(drawn.state, { type: "input", event: key("s") }).state;
  assert.equal(gradient.overlay, "gradient");
  const withGradient = screen.view(gradient, frame).body.join("\n");
  assert.match(withGradient, /Canvas · where ink would change it/);
  assert.match(withGradient, /\+ more ink raises it, - lowers it/);
  assert.notEqual(withGradient, attributed);
  // a longer stroke changes the strip's activations
  const longer = await simulateWork(
    screen,
    [...stroke([...cells, [column + 6, 18], [column + 12, 18]])],
    { run },
  );
  assert.notDeepEqual(longer.state.insight?.units, drawn.state.insight?.units);
  // s again hides it
  const hidden = screen.update(gradient, { type: "input", event: key("s") }).state;
  const plain = screen.view(hidden, frame).body.join("\n");
  assert.doesNotMatch(plain, /what made the guess|where ink would change it|ink for the guess/);
});

Deno.test("without color the saliency on the canvas is + and - marks", async () => {
  const screen = screenWith(randomNetwork);
  const cells: [number, number][] = [];
  for (let y = 5; y <= 18; y++) cells.push([18, y]);
  const run = await simulateWork(screen, [...stroke(cells), "s"], { run: ["explain"] });
  const canvasRows = run.view.body.slice(1, 18).map((line) => line.slice(1, 37)).join("\n");
  assert.match(canvasRows, /[+-]/);
});

Deno.test("w switches to a wide canvas that reads a number, drawn with the mouse; w again is one digit", () => {
  const screen = screenWith(pretrainedNetwork);
  for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 50 }]) {
    let run = simulate(screen, ["w"], size);
    const layout = run.state.layout!;
    assert.equal(run.state.canvas.width, 3 * CANVAS_SIDE);
    assert.ok(layout.fits && layout.across === 3 * layout.side);
    assert.match(run.view.body.join("\n"), /write a number/);
    // A "1" in the left third and another in the right third, with the mouse.
    const column = (third: number) => layout.left + Math.round(((third + 0.5) * layout.across) / 3);
    const cells = (x: number): [number, number][] => {
      const out: [number, number][] = [];
      for (let y = layout.top + 1; y < layout.top + layout.side / 2 - 1; y++) out.push([x, y]);
      return out;
    };
    run = simulate(screen, ["w", ...stroke(cells(column(0))), ...stroke(cells(column(2)))], size);
    const number = run.state.analysis.number;
    assert.equal(number?.digits.length, 2, run.view.body.join("\n"));
    assert.equal(number?.text, "11");
    const page = renderPage(
      { header: ["model: x", "data: y"], title: "Draw a digit", ...run.view },
      size,
      "none",
    );
    assert.equal(page.length, size.rows);
    for (const line of page) assert.ok(visibleWidth(line) <= size.columns, line);
    assert.match(page.join("\n"), /Number: \d\d/);
    // Back to one digit: a fresh square canvas.
    const back = simulate(screen, ["w", ...stroke(cells(column(0))), "w"], size);
    assert.equal(back.state.canvas.width, CANVAS_SIDE);
    assert.equal(back.state.canvas.blank, true);
  }
});

/** A DigitExplainer that counts what it is asked: the real one, watched. */
class CountingExplainer extends DigitExplainer {
  looks = 0;
  attributions = 0;
  override look(pixels: Float32Array): DigitLook {
    this.looks++;
    return super.look(pixels);
  }
  override attribution(look: DigitLook, options?: AttributionOptions): Float32Array {
    this.attributions++;
    return super.attribution(look, options);
  }
}

/** The Draw screen with a counting explainer. */
function countingScreen() {
  const explainer = new CountingExplainer(randomNetwork);
  const screen = {
    ...drawScreen({ model: () => ({ network: randomNetwork, random: false }) }),
    init: () => ({ state: newDrawState(randomNetwork, explainer) }),
  };
  return { screen, explainer };
}

const verticalStroke = () => {
  const cells: [number, number][] = [];
  for (let y = 5; y <= 18; y++) cells.push([18, y]);
  return stroke(cells);
};

Deno.test("a stroke is judged at once but explained by the screen's work, not in update", () => {
  const { screen, explainer } = countingScreen();
  const run = simulate(screen, verticalStroke());
  // the verdict follows the pen ...
  assert.ok(run.state.analysis.prediction);
  assert.match(run.view.body.join("\n"), GUESS);
  // ... but nothing was explained on the key path: every change hands that to the work
  assert.equal(explainer.looks + explainer.attributions, 0);
  assert.equal(run.state.insight, undefined);
  const changes = run.steps.filter((step, i) =>
    i > 0 && step.state.analysis !== run.steps[i - 1].state.analysis &&
    step.state.analysis.prediction
  );
  assert.ok(changes.length > 5);
  for (const step of changes) assert.deepEqual(step.work?.map((work) => work.id), ["explain"]);
  assert.match(run.view.body.join("\n"), /Canvas · explaining the guess /);
});

Deno.test("the attribution is computed only while the overlay shows it", async () => {
  const run = ["explain"];
  const cases: [string[], string][] = [
    [["s"], "where ink would change it"],
    [["s", "s"], "Canvas ─"],
  ];
  for (const [keys, title] of cases) {
    const { screen, explainer } = countingScreen();
    // the raw gradient, or no overlay, then a stroke
    const drawn = await simulateWork(screen, [...keys, ...verticalStroke()], { run });
    assert.ok(explainer.looks > 0, "the guess is looked at (the hidden layer's strip)");
    assert.equal(explainer.attributions, 0, `no attribution with ${keys.length} s`);
    assert.equal(drawn.state.insight?.attribution, undefined);
    const body = screen.view(drawn.state, frameOf({ columns: 160, rows: 50 })).body.join("\n");
    assert.ok(body.includes(title), body);
    assert.match(body, /dense16 \(brighter = fires harder\):/);
    // s on to the attribution: now it is computed, once, from the look already there
    const looks = explainer.looks;
    const shown = await simulateWork(screen, [
      ...keys,
      ...verticalStroke(),
      ...(keys.length === 1 ? ["s", "s"] : ["s"]),
    ], { run });
    assert.equal(shown.state.overlay, "attribution");
    assert.equal(explainer.attributions, 1);
    assert.equal(explainer.looks, 2 * looks, "the same looks as before: none for the s");
    assert.equal(shown.state.insight?.attribution?.length, 784);
    assert.match(shown.view.body.join("\n"), /Canvas · what made the guess/);
  }
  // drawn with the overlay on the attribution (the default), each version's explanation
  // computes it
  const { screen, explainer } = countingScreen();
  const drawn = await simulateWork(screen, verticalStroke(), { run });
  assert.equal(explainer.attributions, explainer.looks);
  assert.ok(drawn.state.insight?.attribution);
});

Deno.test("an explanation that fails leaves the verdict, and the next change tries again", () => {
  const { screen } = countingScreen();
  const drawn = simulate(screen, verticalStroke());
  assert.ok(drawn.state.explaining);
  const failed = screen.update(drawn.state, { type: "work-failed", id: "explain", error: "x" });
  assert.equal(failed.state.explaining, undefined);
  assert.equal(failed.state.analysis, drawn.state.analysis);
  // the next key that wants an explanation (s: the raw gradient) starts the work again
  const again = screen.update(failed.state, { type: "input", event: key("s") });
  assert.deepEqual(again.work?.map((work) => work.id), ["explain"]);
});
