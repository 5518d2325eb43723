/**
 * The Inspect screen: look inside the network, in three pages.
 *
 * - Weights: the first layer's weights, one 28x28 tile per hidden unit (or the first conv
 *   layer's filters), orange where ink excites the unit and blue where it inhibits; Enter on a
 *   unit shows the test digits that excite it most. For a CNN, `m` shows the feature maps of
 *   the chosen digit, layer by layer.
 * - Activations and saliency: a test digit (or the one last drawn), each layer's activations
 *   as a heat strip with its strongest units, and which pixels made the network say what it
 *   said.
 * - Health: per layer a histogram of the weights, the units that never fire, how strongly the
 *   loss pulls on each layer, and one sentence on what to worry about.
 *
 * What takes time (the dead units on 1,000 test digits, the first layer's responses to 2,000)
 * is background work that reports once; one digit's explanation is fast and made on demand.
 */
import {
  DigitExplainer,
  digitPixels,
  type DigitReport,
  healthSentence,
  type LayerReport,
  layerReports,
  lossGradientNorms,
  unitValues,
} from "../../app/inspect_model.ts";
import type { MnistData } from "../../data/dataset.ts";
import { type LayerTrainingStats, strongestDigits, unitResponses } from "../../network/inspect.ts";
import type { Network } from "../../network/network.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { halveImage } from "../../text/diverging.ts";
import { count, percent } from "../../text/format.ts";
import { renderHeatStrip, strongestUnits } from "../../text/heat_strip.ts";
import { histogramLine } from "../../text/histogram_line.ts";
import { fitWidth, joinColumns, truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import { renderSaliencyOverlay } from "../../text/saliency_overlay.ts";
import { renderTileGrid } from "../../text/tile_grid.ts";
import type { KeyEvent } from "../terminal/keys.ts";
import { unlessAborted } from "../abortable.ts";
import { editField, renderField, type TextField, textField } from "../widgets/text_input.ts";
import type { AppContext } from "../context.ts";
import { errorLine } from "../page.ts";
import type { Frame, Message, ScreenProgram, Step, Work } from "../screen_loop.ts";

/** The pages, in order (Tab goes to the next, 1-3 to one). */
export const INSPECT_PAGES = ["weights", "activations", "health"] as const;
export type InspectPage = typeof INSPECT_PAGES[number];

const PAGE_TITLES: Record<InspectPage, string> = {
  weights: "Weights",
  activations: "Activations and saliency",
  health: "Health",
};

/** Test digits whose responses rank the first layer's units ("digits that excite it most"). */
export const RANKED_DIGITS = 2000;

/** What the work measured once the data is there. */
export interface Measurements {
  data: MnistData;
  layers: LayerReport[];
  /** The first weighted layer's unit responses to the first RANKED_DIGITS test digits. */
  responses: Float32Array;
  /** The first weighted layer's index and units. */
  firstLayer: number;
  units: number;
  /** The loss's gradient norm per layer on the first 256 test digits, now. */
  gradients: LayerTrainingStats[];
}

/** What the Inspect screen's work sends. */
export type InspectMessage =
  | { type: "measured"; measurements: Measurements }
  | { type: "failed"; message: string };

/** Everything the Inspect screen shows. */
export interface InspectState {
  page: InspectPage;
  measurements?: Measurements;
  problem?: string;
  /** The first layer's selected unit (tile). */
  unit: number;
  /** Weights page: the tiles, one unit with its strongest digits, or (CNN) feature maps. */
  weightsView: "tiles" | "unit" | "maps";
  /** Feature maps: which conv or pool layer (an index into the network's layers). */
  mapLayer: number;
  /** The digit explained: a test digit, or the last drawing. */
  digit: { source: "test"; index: number } | { source: "drawing" };
  /** The test digit's index being typed after `g` or `/`, if any. */
  jump?: TextField;
  /** A one-line note (why a jump went nowhere). */
  note?: string;
  frame?: Frame;
}

/** A new Inspect screen state: the Weights page, first unit, test digit #0. */
export function newInspectState(): InspectState {
  return {
    page: "weights",
    unit: 0,
    weightsView: "tiles",
    mapLayer: 0,
    digit: { source: "test", index: 0 },
  };
}

/** What the views need besides the state. */
export interface InspectView {
  network: Network;
  /** The explanation of the state's digit (cached by the screen). */
  explain: (pixels: Float32Array, key: string) => DigitReport;
  drawing?: Float32Array;
  training?: { model: string; layers: LayerTrainingStats[] };
}

/** The network's layers that produce feature maps (conv and pool), for the maps view. */
function mapLayers(network: Network): number[] {
  return network.layers.flatMap((l, k) => (l.kind === "conv" || l.kind === "pool" ? [k] : []));
}

/** From this width on, the Weights page explains its tiles at length (two lines and a range). */
const WIDE = 120;

/** Rows left for the weight tiles below the Weights page's explanation (see WIDE). */
function tileRows(width: number, height: number): number {
  return height - (width < WIDE ? 1 : 3);
}

/** The first weight tiles' geometry: 28x28 dense units, or k x k conv filters. */
function tileGeometry(network: Network, layer: number): { side: number; isConv: boolean } {
  const spec = network.layers[layer];
  if (spec.kind === "conv") return { side: spec.kernel, isConv: true };
  return { side: Math.round(Math.sqrt(network.layerSizes[0])), isConv: false };
}

/** One unit's incoming weights as a tile: a dense unit's column, a conv filter's first channel. */
export function unitTile(network: Network, layer: number, unit: number): Float32Array {
  const weight = network.parameters.find((p) => p.name === `layers.${layer}.weight`)!;
  const spec = network.layers[layer];
  if (spec.kind === "conv") {
    // [out, k, k, in]: a filter's k x k taps (summed over input channels: one for MNIST)
    const [, k, , channels] = weight.shape;
    const tile = new Float32Array(k * k);
    for (let t = 0; t < k * k; t++) {
      for (let c = 0; c < channels; c++) tile[t] += weight.value[(unit * k * k + t) * channels + c];
    }
    return tile;
  }
  // dense [in x out]: unit u's weights are column u
  const [inputs, outputs] = weight.shape;
  const tile = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) tile[i] = weight.value[i * outputs + unit];
  return tile;
}

/** How the tiles of the Weights page are laid out in a body of `width` x `height`. */
export function tileLayout(
  network: Network,
  layer: number,
  width: number,
  height: number,
): {
  perRow: number;
  rows: number;
  half: boolean;
  zoom: number;
  tileWidth: number;
  tileLines: number;
} {
  const { side, isConv } = tileGeometry(network, layer);
  // dense: full 28x28 (28 columns, 14 lines) on large terminals, else half size (14 x 7);
  // conv filters enlarged, each tap 2x2 (a 5x5 filter is 10 columns by 5 lines), 3x3 when large
  const large = height >= 34 && width >= 120;
  const half = !isConv && !large;
  const zoom = isConv ? (large ? 3 : 2) : 1;
  const pixels = half ? Math.ceil(side / 2) : side;
  const tileWidth = pixels * zoom;
  const tileLines = Math.ceil(pixels * zoom / 2) + 1; // + caption
  const perRow = Math.max(1, Math.floor((width + 2) / (tileWidth + 2)));
  const rows = Math.max(1, Math.floor((height + 1) / (tileLines + 1)));
  return { perRow, rows, half, zoom, tileWidth, tileLines };
}

/**
 * The state after a key: Tab / Shift-Tab and 1-3 change the page; each page's own keys
 * (arrows, PgUp/PgDn, Enter, `m`, `l`, `d`, `t`) do the rest. Keys before the measurements are
 * there only change the page.
 */
export function inspectKey(
  state: InspectState,
  key: string,
  network: Network,
  drawing?: Float32Array,
): InspectState {
  const pageIndex = INSPECT_PAGES.indexOf(state.page);
  if (key === "tab") {
    return { ...state, page: INSPECT_PAGES[(pageIndex + 1) % INSPECT_PAGES.length] };
  }
  if (key === "shift+tab") {
    return {
      ...state,
      page: INSPECT_PAGES[(pageIndex + INSPECT_PAGES.length - 1) % INSPECT_PAGES.length],
    };
  }
  if (/^[1-3]$/.test(key)) return { ...state, page: INSPECT_PAGES[Number(key) - 1] };
  const m = state.measurements;
  if (!m) return state;
  const testCount = m.data.test.count;
  const stepDigit = (by: number): InspectState => {
    const index = state.digit.source === "test" ? state.digit.index : 0;
    return {
      ...state,
      digit: { source: "test", index: Math.max(0, Math.min(testCount - 1, index + by)) },
    };
  };
  if (state.page === "activations" || (state.page === "weights" && state.weightsView === "maps")) {
    switch (key) {
      case "g":
      case "/":
        return { ...state, jump: textField(), note: undefined };
      case "right":
        return stepDigit(1);
      case "left":
        return stepDigit(-1);
      case "pagedown":
        return stepDigit(10);
      case "pageup":
        return stepDigit(-10);
      case "d":
        return drawing ? { ...state, digit: { source: "drawing" } } : state;
      case "t":
        return stepDigit(0);
    }
  }
  if (state.page !== "weights") return state;
  if (state.weightsView === "maps") {
    const layers = mapLayers(network);
    const at = Math.max(0, layers.indexOf(state.mapLayer));
    if (key === "down" || key === "l") {
      return { ...state, mapLayer: layers[(at + 1) % layers.length] };
    }
    if (key === "up") {
      return { ...state, mapLayer: layers[(at + layers.length - 1) % layers.length] };
    }
    if (key === "m" || key === "enter") return { ...state, weightsView: "tiles" };
    return state;
  }
  if (key === "m" && mapLayers(network).length > 0) {
    return { ...state, weightsView: "maps", mapLayer: mapLayers(network)[0] };
  }
  if (key === "enter") {
    return { ...state, weightsView: state.weightsView === "unit" ? "tiles" : "unit" };
  }
  const frame = state.frame;
  const layout = frame
    ? tileLayout(network, m.firstLayer, frame.columns, tileRows(frame.columns, frame.rows - 1))
    : { perRow: 1, rows: 1 };
  const perPage = layout.perRow * layout.rows;
  const moves: Record<string, number> = {
    right: 1,
    left: -1,
    down: layout.perRow,
    up: -layout.perRow,
    pagedown: perPage,
    pageup: -perPage,
  };
  if (key in moves) {
    return { ...state, unit: Math.max(0, Math.min(m.units - 1, state.unit + moves[key])) };
  }
  if (key === "home") return { ...state, unit: 0 };
  if (key === "end") return { ...state, unit: m.units - 1 };
  return state;
}

/**
 * Typing a test digit's index (after `g` or `/`): digits edit, Enter goes there (or says why
 * not). Esc, which arrives as `back`, cancels.
 */
export function typeDigitIndex(state: InspectState, event: KeyEvent): InspectState {
  const jump = state.jump;
  const m = state.measurements;
  if (!jump || !m) return state;
  if (event.key !== "enter") {
    const edited = editField(jump, event);
    return edited && /^[0-9,_ ]*$/.test(edited.text) ? { ...state, jump: edited } : state;
  }
  const text = jump.text.replaceAll(/[,_ ]/g, "");
  const index = Number(text);
  const last = m.data.test.count - 1;
  if (text === "" || !Number.isInteger(index) || index > last) {
    return {
      ...state,
      jump: undefined,
      note: `no test digit ${jump.text || "(nothing typed)"}: indices go from 0 to ${count(last)}`,
    };
  }
  return { ...state, jump: undefined, note: undefined, digit: { source: "test", index } };
}

/** The tab line: the pages, the current one highlighted. */
function tabLine(page: InspectPage, color: ColorLevel): string {
  const c = paint(color);
  return INSPECT_PAGES.map((p, i) => {
    const label = `${i + 1} ${PAGE_TITLES[p]}`;
    if (p !== page) return c.dim(` ${label} `);
    return color === "none" ? `[${label}]` : c.inverse.bold(` ${label} `);
  }).join(" ");
}

/**
 * The page's body: the tabs, one line saying what the page shows and how to read it, then the
 * page.
 */
export function renderInspectBody(state: InspectState, view: InspectView, frame: Frame): string[] {
  const { columns: width, rows: height, color } = frame;
  const c = paint(color);
  const lines = [truncate(tabLine(state.page, color), width, "…")];
  const m = state.measurements;
  if (!m) {
    lines.push("");
    if (state.problem) {
      lines.push(...wrapText(`Cannot inspect: ${state.problem}`, width).map((l) => c.red(l)));
    } else lines.push("Measuring the network on the test digits…");
    return lines;
  }
  if (state.jump) {
    const prompt = `Go to test digit (0-${count(m.data.test.count - 1)}): `;
    lines.push(
      c.bold(prompt) + renderField(state.jump, Math.max(8, width - prompt.length), true, color),
    );
  } else if (state.note) lines.push(c.yellow(truncate(state.note, width, "…")));
  const page = state.page === "weights"
    ? renderWeightsPage(state, m, view, width, height - lines.length, color)
    : state.page === "activations"
    ? renderActivationsPage(state, m, view, width, height - lines.length, color)
    : renderHealthPage(m, view, width, height - lines.length, color);
  lines.push(...page);
  return lines.slice(0, height).map((line) => truncate(line, width));
}

/** The explanation of a page, dim, in at most two lines (cut with "…" beyond). */
function explain(text: string, width: number, color: ColorLevel): string[] {
  const c = paint(color);
  const lines = wrapText(text, width);
  if (lines.length > 2) lines.splice(1, Infinity, truncate(lines.slice(1).join(" "), width, "…"));
  return lines.map((line) => c.dim(line));
}

function digitOf(state: InspectState, m: Measurements, view: InspectView) {
  if (state.digit.source === "drawing" && view.drawing) {
    return { pixels: view.drawing, key: "drawing", caption: "your drawing", label: undefined };
  }
  const index = state.digit.source === "test" ? state.digit.index : 0;
  return {
    pixels: digitPixels(m.data.test, index),
    key: `test:${index}`,
    caption: `test digit #${count(index)}`,
    label: m.data.test.labels[index],
  };
}

function renderWeightsPage(
  state: InspectState,
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const network = view.network;
  const { isConv, side } = tileGeometry(network, m.firstLayer);
  const layerName = m.layers[m.firstLayer].name;
  if (state.weightsView === "maps") return renderFeatureMaps(state, m, view, width, height, color);
  if (state.weightsView === "unit") {
    const tile = unitTile(network, m.firstLayer, state.unit);
    const top = strongestDigits(m.responses, m.units, state.unit, 24);
    const big = renderTileGrid([tile], {
      tileWidth: side,
      width,
      color,
      zoom: isConv ? 4 : 1,
      captions: [`${isConv ? "filter" : "unit"} #${state.unit}`],
    });
    const thumbWidth = 14;
    const room = Math.max(thumbWidth, width - visibleWidth(big[0]) - 3);
    const perRow = Math.max(1, Math.floor((room + 1) / (thumbWidth + 1)));
    const rowsFit = Math.max(1, Math.floor((height - 2) / 9));
    const shown = top.slice(0, perRow * rowsFit);
    const thumbs = shown.map((i) => [
      ...renderBlockArt(halveImage(digitPixels(m.data.test, i), 28), { color, width: 14 }),
      fitWidth(`#${i}: ${m.data.test.labels[i]}`, thumbWidth),
    ]);
    const grid: string[] = [];
    for (let r = 0; r * perRow < thumbs.length; r++) {
      if (r > 0) grid.push("");
      grid.push(...joinColumns(thumbs.slice(r * perRow, (r + 1) * perRow), 1));
    }
    return [
      ...explain(
        `The test digits (of the first ${
          count(Math.min(RANKED_DIGITS, m.data.test.count))
        }) that make ${
          isConv ? "filter" : "unit"
        } #${state.unit} of ${layerName} fire hardest: its orange parts lie on their ink.`,
        width,
        color,
      ),
      "",
      ...joinColumns([big, grid], 3),
    ];
  }
  const layout = tileLayout(network, m.firstLayer, width, tileRows(width, height));
  const perPage = layout.perRow * layout.rows;
  const first = Math.floor(state.unit / perPage) * perPage;
  const units = Array.from({ length: Math.min(perPage, m.units - first) }, (_, i) => first + i);
  const dead = new Set(m.layers[m.firstLayer].deadUnits ?? []);
  const captions = units.map((u) => {
    const text = `#${u}${dead.has(u) ? " dead" : ""}`;
    if (u !== state.unit) return dead.has(u) ? c.red(text) : c.dim(text);
    return color === "none" ? `[${text}]` : c.inverse(text);
  });
  const line = isConv
    ? `The ${m.units} filters of ${layerName}, ${side}x${side} weights each: orange taps excite, blue inhibit; a filter fires where the digit's ink matches its orange pattern (m: its feature maps).`
    : `Each tile is one of the ${m.units} units of ${layerName}: its 784 input weights as a 28x28 image. Orange pixels excite it, blue inhibit it: it fires for digits whose ink falls on its orange.`;
  const range = `${first}-${first + units.length - 1} of ${m.units} ${
    isConv ? "filters" : "units"
  }`;
  // Narrow terminals get one line, so that two rows of tiles fit at 80x24.
  const head = width < WIDE
    ? [
      explain(
        isConv
          ? `${range}, ${side}x${side} weights: orange excites, blue inhibits (m: maps)`
          : `${range}: 784 weights each, as 28x28; orange excites, blue inhibits`,
        width,
        color,
      )[0],
    ]
    : [...explain(line, width, color), c.dim(truncate(range, width))];
  return [
    ...head,
    ...renderTileGrid(units.map((u) => unitTile(network, m.firstLayer, u)), {
      tileWidth: side,
      width,
      color,
      half: layout.half,
      zoom: layout.zoom,
      captions,
    }),
  ];
}

function renderFeatureMaps(
  state: InspectState,
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const digit = digitOf(state, m, view);
  const report = view.explain(digit.pixels, digit.key);
  const layer = state.mapLayer;
  const activation = report.activations[layer];
  const [h, w, channels] = activation.shape;
  const half = h > 14;
  const tileW = half ? Math.ceil(w / 2) : w;
  const tileLines = Math.ceil((half ? Math.ceil(h / 2) : h) / 2) + 1;
  const perRow = Math.max(1, Math.floor((width - 30 + 2) / (tileW + 2)));
  const rows = Math.max(1, Math.floor((height - 2 + 1) / (tileLines + 1)));
  const shown = Math.min(channels, perRow * rows);
  const maps = Array.from({ length: shown }, (_, ch) => {
    const map = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) map[p] = activation.values[p * channels + ch];
    return map;
  });
  let scale = 0;
  for (const v of activation.values) scale = Math.max(scale, v);
  const art = [
    ...renderBlockArt(digit.pixels, { color }),
    fitWidth(digit.caption, 28),
  ];
  return [
    ...explain(
      `Feature maps of ${activation.name} (layer ${
        layer + 1
      }) for ${digit.caption}: one small image per filter, bright where it found its pattern.${
        shown < channels ? ` First ${shown} of ${channels}.` : ""
      }`,
      width,
      color,
    ),
    "",
    ...joinColumns([
      art,
      renderTileGrid(maps, {
        tileWidth: w,
        width: width - 30,
        color,
        half,
        scale: scale || 1,
        captions: maps.map((_, ch) => `#${ch}`),
      }),
    ], 2),
  ];
}

function renderActivationsPage(
  state: InspectState,
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const digit = digitOf(state, m, view);
  const report = view.explain(digit.pixels, digit.key);
  const { digit: guess, confidence } = report.prediction;
  const right = digit.label === undefined
    ? ""
    : digit.label === guess
    ? " ✓"
    : ` ✗ (it is a ${digit.label})`;
  const saliencyWord = color === "none"
    ? "+ where more ink raises it, - where it lowers it"
    : "orange where more ink raises it, blue where it lowers it";
  const left = [
    ...(width >= 110
      ? joinColumns([
        renderBlockArt(digit.pixels, { color }),
        renderSaliencyOverlay(digit.pixels, report.saliency, { color }),
      ], 2)
      : renderSaliencyOverlay(digit.pixels, report.saliency, { color })),
  ];
  const leftWidth = width >= 110 ? 58 : 28;
  left.push(
    fitWidth(
      width >= 110 ? fitWidth("the digit", 30) + `saliency of ${guess}` : `saliency of ${guess}`,
      leftWidth,
    ),
  );
  const stripWidth = Math.max(10, width - leftWidth - 3 - 1);
  const strips: string[] = [
    c.bold(
      truncate(
        `${digit.caption}: the network says ${guess} (${percent(confidence, 1)})${right}`,
        stripWidth,
        "…",
      ),
    ),
    "",
  ];
  const layers = report.activations.filter((a) => !/^(pool|dropout|flatten)/.test(a.name));
  const nameWidth = Math.max(...layers.map((l) => l.name.length));
  const perLayer = layers.length * 3 + 2 <= height - 2 ? 3 : 2;
  for (const layer of layers) {
    const units = unitValues(layer.values, layer.shape);
    const last = layer === layers[layers.length - 1];
    const strip = renderHeatStrip(units, { width: Math.max(8, stripWidth - nameWidth - 1), color });
    strips.push(`${fitWidth(layer.name, nameWidth)} ${strip}`);
    const strongest = last
      ? `by probability: ${strongestUnits(units, 3).replaceAll("#", "")}`
      : `strongest: ${strongestUnits(units, 3)}`;
    strips.push(c.dim(truncate(`${" ".repeat(nameWidth)} ${strongest}`, stripWidth, "…")));
    if (perLayer === 3) strips.push("");
  }
  return [
    ...explain(
      `Left: which pixels made it say ${guess} (${saliencyWord}). Right: each layer, one cell per unit, brighter = fires harder.`,
      width,
      color,
    ),
    "",
    ...joinColumns([left, strips], 3),
  ];
}

function renderHealthPage(
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const trained = view.training;
  const lines = [
    ...explain(
      "Per layer: the weights' histogram (a bell around 0 is normal), units that never fire on 1,000 test digits (dead: they cannot learn), and how strongly the loss still pulls on it (gradient norm).",
      width,
      color,
    ),
    "",
  ];
  const nameWidth = Math.max(...m.layers.map((l) => l.name.length));
  for (const layer of m.layers) {
    if (layer.histogram === null && layer.units === null) continue;
    const grad = m.gradients.find((g) => g.layer === layer.index);
    const fromTraining = trained?.layers.find((g) => g.layer === layer.index);
    const dead = layer.deadFraction === null
      ? ""
      : (layer.deadFraction >= 0.1 ? c.red : (s: string) => s)(
        `${layer.deadUnits!.length}/${layer.units} dead`,
      );
    const histogram = layer.histogram
      ? histogramLine(layer.histogram, {
        color,
        min: layer.min!,
        max: layer.max!,
        format: (v) => v.toFixed(2),
      })
      : "";
    const parts = [
      c.bold(fitWidth(layer.name, nameWidth)),
      histogram,
      dead,
      grad ? c.dim(`grad ${grad.gradientNorm.toPrecision(2)}`) : "",
      fromTraining && Number.isFinite(fromTraining.updateRatio)
        ? c.dim(`update/weight ${fromTraining.updateRatio.toExponential(1)}`)
        : "",
    ].filter((p) => p !== "");
    lines.push(truncate(parts.join("  "), width, "…"));
  }
  lines.push("");
  const sentence = healthSentence(m.layers);
  const worry = !sentence.startsWith("Nothing");
  lines.push(...wrapText(sentence, width).map((l) => (worry ? c.yellow.bold(l) : c.green(l))));
  lines.push(
    "",
    ...wrapText(
      trained
        ? `Gradient norms: now, on 256 test digits; update/weight: the last training of ${trained.model} in this session (about 1e-3 while it learns fast, smaller as the learning rate decays).`
        : "Gradient norms: now, on 256 test digits. Train in this session to see how much each update moves each layer (update/weight).",
      width,
    ).map((l) => c.dim(l)),
  );
  return lines.slice(0, height);
}

const FOOTERS: Record<InspectPage, string[]> = {
  weights: [
    "Tab page · arrows choose a unit · PgUp/PgDn page · Enter digits that excite it · m feature maps · Esc back",
    "Tab page · arrows unit · PgUp/PgDn · Enter its digits · m maps · Esc back",
  ],
  activations: [
    "Tab page · ←/→ digit · PgUp/PgDn by 10 · g go to index · d your drawing · t test digits · Esc back",
    "Tab page · ←/→ digit · g go to · d drawing · t test · Esc back",
  ],
  health: ["Tab page · 1-3 page · Esc back", "Tab page · Esc back"],
};

function footerFor(state: InspectState, width: number, cnn: boolean): string {
  if (state.jump) return "type an index · Enter go · Esc cancel";
  let options = FOOTERS[state.page];
  if (state.page === "weights" && !cnn) {
    options = options.map((f) => f.replace(/ · m (feature )?maps/, ""));
  }
  if (state.page === "weights" && state.weightsView === "maps") {
    options = [
      "Tab page · ↑/↓ or l layer · ←/→ digit · d your drawing · m back to the weights · Esc back",
      "↑/↓ layer · ←/→ digit · m weights · Esc back",
    ];
  }
  return options.find((f) => visibleWidth(f) <= width) ?? options[options.length - 1];
}

/** Measures the network on the test digits (once per visit), in the background. */
function measureWork(context: Pick<AppContext, "model" | "data">): Work<InspectMessage> {
  return {
    id: "measure",
    async run(send, signal) {
      try {
        const data = await unlessAborted(context.data(), signal);
        if (!data) return;
        // Each step yields first, so that the loading line shows and Esc is taken between
        // steps (a CNN's measurements take a second or two).
        const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
        await pause();
        if (signal.aborted) return;
        const network = context.model().network;
        const layers = layerReports(network, data.test);
        const firstLayer = layers.find((l) => l.units !== null)!;
        await pause();
        if (signal.aborted) return;
        const ranked = Math.min(RANKED_DIGITS, data.test.count);
        const responses = unitResponses(network, {
          pixels: data.test.pixels.subarray(0, ranked * 784),
          count: ranked,
        }, firstLayer.index);
        await pause();
        if (signal.aborted) return;
        const gradients = lossGradientNorms(network, data.test);
        send({
          type: "measured",
          measurements: {
            data,
            layers,
            responses,
            firstLayer: firstLayer.index,
            units: firstLayer.units!,
            gradients,
          },
        });
      } catch (error) {
        send({ type: "failed", message: errorLine(error) });
      }
    },
  };
}

/**
 * The Inspect screen (see the module doc). Esc or q go back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { inspectScreen } from "./inspect.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { seed: 1 });
 * const screen = inspectScreen({
 *   model: () => ({ network, random: true }),
 *   data: () => new Promise(() => {}),
 * });
 * const run = simulate(screen, ["tab"]);
 * assert.match(run.view.body[0], /\[2 Activations and saliency\]/);
 * assert.deepEqual(run.steps[0].work?.map((w) => w.id), ["measure"]);
 * ```
 */
export function inspectScreen(
  context: Pick<AppContext, "model" | "data" | "memory">,
): ScreenProgram<InspectState, InspectMessage, void> {
  // One explainer and the digits explained, for this visit (the model does not change meanwhile).
  let explainer: DigitExplainer | undefined;
  const explained = new Map<string, DigitReport>();
  const explain = (pixels: Float32Array, key: string): DigitReport => {
    explainer ??= new DigitExplainer(context.model().network);
    let report = explained.get(key);
    if (!report) {
      if (explained.size > 64) explained.clear();
      report = explainer.digit(pixels);
      explained.set(key, report);
    }
    return report;
  };
  const update = (
    state: InspectState,
    message: Message<InspectMessage>,
  ): Step<InspectState, InspectMessage, void> => {
    switch (message.type) {
      case "back":
        if (state.jump) return { state: { ...state, jump: undefined } };
        if (state.page === "weights" && state.weightsView !== "tiles") {
          return { state: { ...state, weightsView: "tiles" } };
        }
        return { state, exit: { value: undefined } };
      case "resize":
        return { state: { ...state, frame: message.frame } };
      case "work":
        if (message.message.type === "failed") {
          return { state: { ...state, problem: message.message.message } };
        }
        return { state: { ...state, measurements: message.message.measurements } };
      case "work-failed":
        return { state: { ...state, problem: errorLine(message.error) } };
      case "input": {
        const event = message.event;
        if (event.type !== "key") return { state };
        if (state.jump) return { state: typeDigitIndex(state, event) };
        const name = event.shift && event.key === "tab" ? "shift+tab" : event.key;
        return { state: inspectKey(state, name, context.model().network, context.memory?.drawing) };
      }
    }
    return { state };
  };
  return {
    title: "Inspect",
    init: () => ({
      state: context.memory?.drawing
        ? { ...newInspectState(), digit: { source: "drawing" } }
        : newInspectState(),
      work: [measureWork(context)],
    }),
    update,
    // q is a letter (refused: not a digit) while an index is typed
    typing: (state) => state.jump !== undefined,
    view: (state, frame) => ({
      body: renderInspectBody(state, {
        network: context.model().network,
        explain,
        drawing: context.memory?.drawing,
        training: context.memory?.training,
      }, frame),
      footer: state.measurements
        ? footerFor(state, frame.columns, mapLayers(context.model().network).length > 0)
        : "Esc back",
      title: `Inspect · ${PAGE_TITLES[state.page]}`,
    }),
  };
}
