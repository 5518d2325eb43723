/**
 * The Draw screen: draw a digit with the mouse or the keyboard and watch the network's guess
 * change with every stroke. The drawing goes through the same normalizing and classifying as
 * an image file (src/app/canvas_analysis.ts); this file holds the screen's state, its keys and
 * mouse, the layout and the view.
 */
import {
  analyzeCanvas,
  attributeInsight,
  type CanvasAnalysis,
  type CanvasInsight,
  explainAnalysis,
  saliencyOnCanvas,
} from "../../app/canvas_analysis.ts";
import { percent } from "../../text/format.ts";
import { resize } from "../../image/mod.ts";
import type { Network } from "../../network/network.ts";
import { DigitExplainer } from "../../app/inspect_model.ts";
import { renderHeatStrip, strongestUnits } from "../../text/heat_strip.ts";
import { renderSaliencyOverlay } from "../../text/saliency_overlay.ts";
import { type ColorLevel, graySgr, paint } from "../../text/color.ts";
import type { InputEvent } from "../terminal/keys.ts";
import { renderBigDigit } from "../../text/big_digit.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { renderConfidenceBars } from "../../text/confidence_bars.ts";
import { fitWidth, joinColumns, truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import type { AppContext } from "../context.ts";
import type { Frame, Message, ScreenProgram, Step, Work } from "../screen_loop.ts";
import { pause } from "../abortable.ts";
import { CANVAS_SIDE, type CanvasPoint, DrawingCanvas } from "../widgets/canvas.ts";
import {
  cellOnCanvas,
  cellToCanvas,
  type DrawLayout,
  drawLayout,
  MIN_SIDE,
  PANEL_GAP,
  PANEL_MIN_WIDTH,
  WIDE_FACTOR,
} from "./draw_layout.ts";
import { captionLines, digitShareLines, guessTint } from "./guess_caption.ts";

/** Everything the Draw screen remembers. */
export interface DrawState {
  /** The network that guesses (the model in use when the screen opened). */
  network: Network;
  canvas: DrawingCanvas;
  /** The guess for `canvas` as it is now. */
  analysis: CanvasAnalysis;
  /** The keyboard cursor, in canvas units. */
  cursor: CanvasPoint;
  /** The keyboard pen is down: moving the cursor draws. */
  penDown: boolean;
  /** Show the cursor (after the keyboard was used; hidden again by the mouse). */
  showCursor: boolean;
  /** Where the canvas is on the terminal, from the last frame (mouse cells to canvas points). */
  layout?: DrawLayout;
  /** Explains guesses (saliency, activations) on a copy of `network`. */
  explainer?: DigitExplainer;
  /**
   * What made the network guess what it guesses, for `analysis.version` (older ones are not
   * shown): computed by the screen's work once the pen stops, not on every stroke.
   */
  insight?: CanvasInsight;
  /** What the running work is explaining (the version, with the attribution or not). */
  explaining?: Explanation;
  /**
   * What is drawn over the canvas (`s` steps through them): the attribution of the guess (which
   * ink made it, the default), the raw gradient (where more ink would change it), or nothing.
   * Not while the keyboard's cursor is in use (the overlay would hide it): `s` shows it then.
   */
  overlay: DrawOverlay;
}

/** What the Draw screen's work sends: the guess explained, in one or two steps. */
export type DrawWork = { type: "insight"; insight: CanvasInsight };

/** What is to be explained of a version of the canvas. */
interface Explanation {
  version: number;
  /** The attribution too (16 forward and backward passes): only while it is shown. */
  attribution: boolean;
}

// How long the pen rests before the guess is explained: drawing is not slowed by it.
const EXPLAIN_AFTER_MS = 80;

/** What Draw shows over the canvas. */
export type DrawOverlay = "attribution" | "gradient" | "none";
const NEXT_OVERLAY: Record<DrawOverlay, DrawOverlay> = {
  attribution: "gradient",
  gradient: "none",
  none: "attribution",
};

/** A fresh, blank Draw screen with the cursor in the middle. */
export function newDrawState(network: Network, explainer?: DigitExplainer): DrawState {
  const canvas = new DrawingCanvas();
  const middle = CANVAS_SIDE / 2;
  return {
    network,
    canvas,
    analysis: analyzeCanvas(canvas, network),
    cursor: { x: middle, y: middle },
    penDown: false,
    showCursor: false,
    explainer,
    overlay: "attribution",
  };
}

/**
 * The state after one key or mouse event (the state given is left as it was).
 *
 * Mouse: left button draws, right button erases, press-drag-release. Keyboard: arrows move the
 * cursor one cell, space (or Enter) puts the pen down or lifts it, u undoes, c clears.
 */
export function handleDrawEvent(state: DrawState, event: InputEvent): DrawState {
  const layout = state.layout;
  if (!layout?.fits) return state;
  const next = { ...state };
  // Strokes go to a copy of the canvas, made on the first change: the old state stays intact.
  let changed: DrawingCanvas | undefined;
  const edit = () => (changed ??= state.canvas.clone());
  if (event.type === "mouse") {
    const point = cellToCanvas(layout, event.x, event.y);
    if (event.action === "press" && event.button !== "middle" && event.button !== "none") {
      if (!cellOnCanvas(layout, event.x, event.y)) return state;
      next.penDown = false;
      next.showCursor = false;
      edit().beginStroke(point, event.button === "right");
      next.cursor = clampToCanvas(point, state.canvas.width);
    } else if (event.action === "drag" && state.canvas.drawing) {
      edit().strokeTo(point);
      next.cursor = clampToCanvas(point, state.canvas.width);
    } else if (event.action === "release" && state.canvas.drawing) {
      edit().endStroke();
    } else return state;
  } else {
    const unit = CANVAS_SIDE / layout.side;
    const moves: Record<string, [number, number]> = {
      left: [-unit, 0],
      right: [unit, 0],
      up: [0, -2 * unit],
      down: [0, 2 * unit],
    };
    const move = moves[event.key];
    if (move) {
      next.showCursor = true;
      const moved = { x: state.cursor.x + move[0], y: state.cursor.y + move[1] };
      next.cursor = clampToCanvas(moved, state.canvas.width);
      if (state.penDown) edit().strokeTo(next.cursor);
    } else if (event.key === " " || event.key === "enter") {
      next.showCursor = true;
      next.penDown = !state.penDown;
      if (next.penDown) edit().beginStroke(state.cursor);
      else edit().endStroke();
    } else if (event.key === "c" || event.key === "delete") {
      edit().clear();
      next.penDown = false;
    } else if (event.key === "u" || event.key === "backspace") {
      edit().undo();
      next.penDown = false;
    } else if (event.key === "s") {
      // With the keyboard's cursor on the canvas the overlay is hidden (it would cover the
      // cursor): s first shows it, then steps through the overlays.
      if (state.showCursor && state.overlay !== "none" && !state.penDown) next.showCursor = false;
      else next.overlay = NEXT_OVERLAY[state.overlay];
    } else if (event.key === "w") {
      return toggleWide(state);
    } else return state;
  }
  if (changed) next.canvas = changed;
  if (next.canvas.version !== state.analysis.version) {
    // The verdict follows the pen; why it says so waits for the pen to stop (`explainWork`).
    next.analysis = analyzeCanvas(next.canvas, state.network);
  }
  return next;
}

function clampToCanvas(point: CanvasPoint, width = CANVAS_SIDE): CanvasPoint {
  const clamp = (v: number, end: number) => Math.min(end - 0.5, Math.max(0.5, v));
  return { x: clamp(point.x, width), y: clamp(point.y, CANVAS_SIDE) };
}

/** `w`: a fresh canvas of the other shape (a digit's square, a number's wide strip). */
function toggleWide(state: DrawState): DrawState {
  const wide = state.canvas.width === CANVAS_SIDE;
  const canvas = new DrawingCanvas(wide ? WIDE_FACTOR * CANVAS_SIDE : CANVAS_SIDE);
  const analysis = analyzeCanvas(canvas, state.network);
  return {
    ...state,
    canvas,
    analysis,
    insight: undefined,
    penDown: false,
    cursor: { x: canvas.width / 2, y: CANVAS_SIDE / 2 },
    // The same terminal, laid out for the other shape (drawLayout reads only these fields).
    layout: state.layout && drawLayout(
      {
        terminal: state.layout.size,
        rows: state.layout.bodyHeight,
        columns: state.layout.size.columns,
        color: "none",
        headerLines: state.layout.top - 2,
      },
      wide,
    ),
  };
}

// The key hints, longest first: the first that fits the width is shown.
const HELPS = [
  "mouse: draw (right: erase) · arrows+space: pen · u undo · c clear · s overlay · w number · Esc back",
  "mouse draw/erase · arrows+space pen · u undo · c clear · s overlay · w number · Esc back",
  "mouse · arrows+space · u undo · c clear · s overlay · w number · Esc",
  "mouse · arrows+space · u · c · s · w number · Esc",
];

/**
 * The Draw screen: a canvas as large as the terminal allows, drawn on with the mouse (the right
 * button erases) or the arrows and space; u undoes, c clears, Esc or q goes back. The guess,
 * its caption and ten confidence bars follow every stroke.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { drawScreen } from "./draw.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const screen = drawScreen({ model: () => ({ network, random: true }) });
 * // Pen down, four cells down, pen up: a short vertical stroke.
 * const run = simulate(screen, [" ", "down", "down", "down", "down", " "]);
 * assert.match(run.view.body.join("\n"), /It's an? \d|Probably an? \d|Not sure: \d/);
 * assert.ok(simulate(screen, ["back"]).exit);
 * ```
 */
export function drawScreen(
  context: Pick<AppContext, "model">,
): ScreenProgram<DrawState, DrawWork, void> {
  return {
    title: "Draw a digit",
    init: () => {
      const network = context.model().network;
      return { state: newDrawState(network, new DigitExplainer(network)) };
    },
    update: updateDraw,
    view: (state, frame) => ({
      body: renderDrawBody(state, frame),
      footer: HELPS.find((help) => visibleWidth(help) <= frame.columns) ?? HELPS[HELPS.length - 1],
    }),
    mouse: () => true,
  };
}

/**
 * The Draw screen's update: back leaves, a resize moves the canvas, input draws (and a new
 * guess is remembered for Inspect), and the work explains the guess once the pen stops.
 */
export function updateDraw(
  state: DrawState,
  message: Message<DrawWork>,
): Step<DrawState, DrawWork, void> {
  switch (message.type) {
    case "back":
      return { state, exit: { value: undefined } };
    case "resize":
      return {
        state: { ...state, layout: drawLayout(message.frame, state.canvas.width > CANVAS_SIDE) },
      };
    case "input": {
      const step = explainWork(handleDrawEvent(state, message.event));
      // Inspect explains the last drawing: what the network saw of it.
      const analysis = step.state.analysis;
      if (analysis === state.analysis || !analysis.prediction) return step;
      return { ...step, remember: { drawing: analysis.pixels } };
    }
    case "work": {
      const insight = message.message.insight;
      if (insight.version !== state.analysis.version) return { state };
      const next = { ...state, insight };
      return explainWork(explained(next) ? { ...next, explaining: undefined } : next);
    }
    case "work-failed":
      // no explanation for this version (the verdict stands); the next change tries again
      return { state: { ...state, explaining: undefined } };
    default:
      return { state };
  }
}

/** What the screen shows of why it guesses: the look always, the attribution while shown. */
function explanationWanted(state: DrawState): Explanation | undefined {
  if (!state.explainer || !state.analysis.prediction) return undefined;
  const attribution = overlaid(state) && state.overlay === "attribution";
  return { version: state.analysis.version, attribution };
}

/** Whether the state holds all the explanation it shows (or there is none to show). */
function explained(state: DrawState): boolean {
  const wanted = explanationWanted(state);
  const insight = state.insight;
  return !wanted ||
    insight?.version === wanted.version &&
      (!wanted.attribution || insight.attribution !== undefined);
}

/**
 * The state, with the work that explains its guess when the view wants more than it has and no
 * running work brings it: after `EXPLAIN_AFTER_MS` of rest (a stroke in the meantime restarts
 * it), the look (saliency and the hidden layer), then the attribution if it is shown.
 */
function explainWork(state: DrawState): Step<DrawState, DrawWork, void> {
  const wanted = explanationWanted(state);
  const explainer = state.explainer;
  if (!wanted || !explainer || explained(state)) return { state };
  const running = state.explaining;
  if (running?.version === wanted.version && running.attribution === wanted.attribution) {
    return { state };
  }
  const analysis = state.analysis;
  const known = state.insight?.version === wanted.version ? state.insight : undefined;
  const work: Work<DrawWork> = {
    // one at a time: a newer version replaces the explanation of the older one
    id: "explain",
    async run(send, signal) {
      await pause(known ? 0 : EXPLAIN_AFTER_MS, signal);
      if (signal.aborted) return;
      const insight = known ?? explainAnalysis(analysis, explainer);
      if (!insight) return;
      if (!known) send({ type: "insight", insight });
      if (!wanted.attribution) return;
      await pause(0, signal); // the look is drawn first, and a key can still come in between
      if (signal.aborted) return;
      send({ type: "insight", insight: attributeInsight(insight, explainer) });
    },
  };
  return { state: { ...state, explaining: wanted }, work: [work] };
}

/**
 * The Draw screen's body as lines: the framed canvas on the left, the guess (big digit, what
 * the network saw, a caption, ten confidence bars) on the right.
 */
export function renderDrawBody(state: DrawState, frame: Frame): string[] {
  const wide = state.canvas.width > CANVAS_SIDE;
  const layout = drawLayout(frame, wide);
  const color = frame.color;
  const c = paint(color);
  if (!layout.fits) {
    const columns = MIN_SIDE + 2 + PANEL_GAP + PANEL_MIN_WIDTH;
    const rows = MIN_SIDE / 2 + 2 + frame.headerLines + 2;
    const text = `The terminal is too small to draw in: make it at least ${columns}x${rows}.`;
    return wrapText(text, frame.columns).map((line) => c.yellow(line));
  }
  const canvas = renderCanvasBox(state, layout, color);
  if (wide) return [...canvas, ...renderNumberPanel(state.analysis, layout.panelWidth, color)];
  const panel = renderGuessPanel(state.analysis, layout.panelWidth, layout.bodyHeight, color);
  const insight = state.insight?.version === state.analysis.version ? state.insight : undefined;
  if (insight) {
    // the watched hidden layer, under the bars, while there is room
    const strip = [
      "",
      truncate(`${insight.layer} (brighter = fires harder):`, layout.panelWidth, "…"),
      renderHeatStrip(insight.units, { width: Math.min(64, layout.panelWidth), color }),
      c.dim(truncate(`strongest: ${strongestUnits(insight.units, 3)}`, layout.panelWidth, "…")),
      ...(overlayMap(state)
        ? [c.dim(truncate(overlayLegend(state.overlay, color), layout.panelWidth, "…"))]
        : []),
    ];
    if (panel.length + strip.length <= layout.bodyHeight) panel.push(...strip);
    else {
      // No room below the bars: one line in place of the blank line above them, the overlay's
      // legend while there is one (what the colors mean comes before the hidden layer).
      const blank = panel.lastIndexOf("");
      const label = `${insight.layer} `;
      const cells = Math.max(8, Math.min(64, layout.panelWidth - label.length));
      const line = overlayMap(state)
        ? c.dim(truncate(overlayLegend(state.overlay, color), layout.panelWidth, "…"))
        : label + renderHeatStrip(insight.units, { width: cells, color });
      if (blank > 0) panel[blank] = line;
    }
  }
  const lines: string[] = [];
  const leftWidth = layout.side + 2;
  for (let row = 0; row < layout.bodyHeight; row++) {
    const left = fitWidth(canvas[row] ?? "", leftWidth);
    lines.push(left + " ".repeat(PANEL_GAP) + truncate(panel[row] ?? "", layout.panelWidth));
  }
  return lines;
}

/** Whether the overlay is to be drawn: chosen, a guess to explain, no keyboard cursor in use. */
function overlaid(state: DrawState): boolean {
  return overlayChosen(state) && state.analysis.prediction !== undefined;
}

/**
 * [28 x 28] what is drawn over the canvas now: the chosen overlay's map, once the screen's work
 * has computed it for this version of the canvas.
 */
function overlayMap(state: DrawState): Float32Array | undefined {
  const insight = state.insight;
  if (!overlaid(state) || insight?.version !== state.analysis.version) return undefined;
  return state.overlay === "attribution" ? insight.attribution : insight.look.saliency;
}

/** Whether an overlay is chosen and would be drawn now, given a guess to explain. */
function overlayChosen(state: DrawState): boolean {
  return state.overlay !== "none" && !state.showCursor && state.canvas.width === CANVAS_SIDE;
}

/** The overlay's legend: which color (or mark) speaks for the guess, which against. */
function overlayLegend(overlay: DrawOverlay, color: ColorLevel): string {
  const [up, down] = color === "none" ? ["+", "-"] : ["orange", "blue"];
  return overlay === "attribution"
    ? `${up} ink for the guess, ${down} against it`
    : `${up} more ink raises it, ${down} lowers it`;
}

/** The canvas in a border, the cursor drawn when the keyboard is in use. */
function renderCanvasBox(state: DrawState, layout: DrawLayout, color: ColorLevel): string[] {
  const c = paint(color);
  const side = layout.side, across = layout.across;
  const title = state.canvas.width > CANVAS_SIDE
    ? " Canvas · write a number "
    : overlayMap(state) && state.overlay === "attribution"
    ? " Canvas · what made the guess "
    : overlayMap(state)
    ? " Canvas · where ink would change it "
    : overlaid(state)
    ? " Canvas · explaining the guess "
    : overlayChosen(state) && !state.analysis.blank
    ? " Canvas · no guess to explain "
    : state.penDown
    ? " Canvas · pen down "
    : " Canvas ";
  const top = "┌─" + title + "─".repeat(Math.max(0, across - 1 - title.length)) + "┐";
  const pixels = state.canvas.downsample(side, across);
  const unit = CANVAS_SIDE / side;
  const cursor = state.showCursor
    ? {
      column: Math.min(across - 1, Math.floor(state.cursor.x / unit)),
      row: Math.min(side / 2 - 1, Math.floor(state.cursor.y / (2 * unit))),
      glyph: state.penDown ? "◆" : "◇",
    }
    : undefined;
  const map = overlayMap(state);
  const body = map
    ? renderSaliencyOverlay(
      pixels,
      saliencyOnCanvas(pixels, side, state.analysis.pixels, map),
      { width: side, color },
    )
    : renderCanvasPixels(pixels, side, cursor, color, across);
  return [
    c.dim(state.penDown ? top.replace(title, c.yellow(title)) : top),
    ...body.map((line) => c.dim("│") + line + c.dim("│")),
    c.dim("└" + "─".repeat(across) + "┘"),
  ];
}

// The canvas is a touch lighter than black, so its extent shows on a black terminal.
const CANVAS_FLOOR = 0.1;
const CURSOR_SGR: Record<ColorLevel, string> = {
  none: "",
  "256": "\x1b[38;5;214m",
  truecolor: "\x1b[38;2;255;175;0m",
};
// For terminals without color: the brighter pixel of each cell, dark to light.
const RAMP = " .:-=+*#%@";

/**
 * Draws `side` x `side` ink pixels two rows per line with `▀` (upper pixel as foreground,
 * lower as background), like renderBlockArt, plus an optional cursor glyph in one cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCanvasPixels } from "./draw.ts";
 *
 * const pixels = new Float32Array(16);
 * pixels[5] = 1; // row 1, column 1: the lower half of the first line's second cell
 * const cursor = { column: 3, row: 1, glyph: "◇" };
 * assert.deepEqual(renderCanvasPixels(pixels, 4, cursor, "none"), [" @  ", "   ◇"]);
 * ```
 */
export function renderCanvasPixels(
  pixels: Float32Array,
  side: number,
  cursor: { column: number; row: number; glyph: string } | undefined,
  color: ColorLevel,
  across = side,
): string[] {
  const lines: string[] = [];
  const shade = (v: number) => CANVAS_FLOOR + (1 - CANVAS_FLOOR) * v;
  for (let row = 0; row < side / 2; row++) {
    const upperRow = 2 * row * across, lowerRow = (2 * row + 1) * across;
    let line = "";
    let fg = "";
    let bg = "";
    for (let x = 0; x < across; x++) {
      const upper = pixels[upperRow + x], lower = pixels[lowerRow + x];
      const isCursor = cursor !== undefined && cursor.row === row && cursor.column === x;
      if (color === "none") {
        line += isCursor ? cursor.glyph : RAMP[Math.round(Math.min(1, Math.max(upper, lower)) * 9)];
        continue;
      }
      const nextBg = graySgr(color, shade(isCursor ? (upper + lower) / 2 : lower), "bg");
      const nextFg = isCursor ? CURSOR_SGR[color] : graySgr(color, shade(upper), "fg");
      if (nextFg !== fg) line += fg = nextFg;
      if (nextBg !== bg) line += bg = nextBg;
      line += isCursor ? cursor.glyph : "▀";
    }
    if (color !== "none") line += "\x1b[39;49m";
    lines.push(line);
  }
  return lines;
}

/** Under the wide canvas: the number read so far and each digit's guess. */
function renderNumberPanel(analysis: CanvasAnalysis, width: number, color: ColorLevel): string[] {
  const c = paint(color);
  if (analysis.blank) {
    return wrapText("Write a number across the canvas; w goes back to one digit.", width);
  }
  if (!analysis.number) {
    return [
      c.yellow(
        truncate(`${analysis.reason ?? "no digit found"}: write bigger or bolder.`, width, "…"),
      ),
    ];
  }
  const guesses = analysis.number.digits
    .map((d) => `${d.prediction.digit} (${percent(d.prediction.confidence, 0)})`).join(" · ");
  return [
    `Number: ${c.bold(analysis.number.text)}`,
    truncate(guesses, width, "…"),
  ];
}

/**
 * The right-hand panel: how to start while the canvas is blank, else the guess. Text wraps
 * to the panel's width, so it reads whole however narrow the panel gets.
 */
function renderGuessPanel(
  analysis: CanvasAnalysis,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const wrap = (text: string) => wrapText(text, width);
  if (analysis.blank) {
    return [
      c.bold("Draw a digit"),
      "",
      ...wrap("Drag with the left mouse button on the canvas (the right button erases)."),
      "",
      ...wrap("Or move with the arrow keys and press space to put the pen down or lift it."),
      "",
      ...wrap("The network guesses as you draw."),
    ];
  }
  if (analysis.notDigit) {
    // An answer, not a failure: the ink is there, it is not a digit.
    return [
      c.bold("Guess"),
      "",
      c.yellow.bold("Doesn't look like a digit"),
      "",
      ...wrap(analysis.reason ?? "").map((line) => c.dim(line)),
      "",
      ...wrap("Draw one digit, 0 to 9; c clears the canvas."),
    ];
  }
  if (!analysis.found || !analysis.prediction) {
    return [
      c.bold("Guess"),
      "",
      ...wrap(`${analysis.reason ?? "no digit found"}: draw it bigger or bolder.`)
        .map((line) => c.yellow(line)),
    ];
  }
  const prediction = analysis.prediction;
  const big = [
    "Guess",
    ...renderBigDigit(prediction.digit, { color, tint: guessTint(prediction) }),
  ];
  const bars = renderConfidenceBars(prediction.probabilities, {
    width: Math.min(width, 50),
    color,
  });
  const caption = captionLines(prediction, width, color);
  // The network's 28x28 input: full size when the panel has room, else at half size.
  const fullView = width >= 10 + 3 + 28 && height >= 15 + 1 + caption.length + 1 + bars.length;
  const view = fullView
    ? ["Network input 28x28", ...renderBlockArt(analysis.pixels, { color })]
    : ["Input ½", ...renderBlockArt(resize(analysis.pixels, 28, 28, 14, 14), { color })];
  const top = joinColumns([big, view], 3);
  const roomy = height >= top.length + 2 + caption.length + bars.length;
  // How much it looks like a digit at all, where it fits without pushing a bar off the panel.
  const share = digitShareLines(prediction, width, color);
  const shown = height >= top.length + 1 + caption.length + share.length + bars.length ? share : [];
  return [...top, ...(roomy ? [""] : []), ...caption, ...shown, "", ...bars];
}
