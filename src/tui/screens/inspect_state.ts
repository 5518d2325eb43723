/**
 * The Inspect screen's state and what keys do to it (pure), and what its three pages share:
 * the measurements, the digit explained, the tiles' layout. The pages are inspect_weights.ts,
 * inspect_activations.ts and inspect_health.ts; the screen program is inspect.ts.
 *
 * @module
 */
import {
  type DigitExplainer,
  digitPixels,
  type DigitReport,
  type LayerReport,
} from "../../app/inspect_model.ts";
import { article } from "../../app/predict.ts";
import type { MnistData } from "../../data/dataset.ts";
import type { LayerTrainingStats } from "../../network/inspect.ts";
import { tileGeometry } from "../../network/weight_tiles.ts";
import type { Network } from "../../network/network.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { count } from "../../text/format.ts";
import { truncate, wrapText } from "../../text/layout.ts";
import type { KeyEvent } from "../terminal/keys.ts";
import { editField, type TextField, textField } from "../widgets/text_input.ts";
import type { Frame } from "../screen_loop.ts";

/** The pages, in order (Tab goes to the next, 1-3 to one). */
export const INSPECT_PAGES = ["weights", "activations", "health"] as const;
export type InspectPage = typeof INSPECT_PAGES[number];

export const PAGE_TITLES: Record<InspectPage, string> = {
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
  /** Which pixels the training digits ink (inkedPixels): the others are marked on tiles. */
  inked: Uint8Array;
}

/** What the Inspect screen's work sends. */
export type InspectMessage =
  | { type: "measured"; measurements: Measurements }
  | { type: "failed"; message: string }
  /** One digit explained (activations, saliency), under `digitOf`'s key. */
  | { type: "explained"; key: string; report: DigitReport };

/** Everything the Inspect screen shows. */
export interface InspectState {
  /** The network inspected (the model in use when the screen opened). */
  network: Network;
  /** Explains digits on a copy of `network` (used by the screen's work, never by a view). */
  explainer?: DigitExplainer;
  /** [784] the last digit drawn on the Draw screen, if any. */
  drawing?: Float32Array;
  /** The Train screen's last measurements of this session, if any. */
  training?: { model: string; layers: LayerTrainingStats[] };
  /** The digits explained so far, by `digitOf`'s key (filled by the screen's work). */
  reports: ReadonlyMap<string, DigitReport>;
  /** The key of the digit being explained by the work, if any. */
  explaining?: string;
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
  /**
   * Activations page: the raw gradient ("where more ink would change the answer") instead of
   * the attribution (integrated gradients: which ink made the guess), shown by default.
   */
  showGradient?: boolean;
  /** The test digit's index being typed after `g` or `/`, if any. */
  jump?: TextField;
  /** A one-line note (why a jump went nowhere). */
  note?: string;
  frame?: Frame;
}

/**
 * A new Inspect screen state: the Weights page, first unit, test digit #0 (the drawing, when
 * there is one).
 */
export function newInspectState(
  from: Pick<InspectState, "network" | "explainer" | "drawing" | "training">,
): InspectState {
  return {
    ...from,
    reports: new Map(),
    page: "weights",
    unit: 0,
    weightsView: "tiles",
    mapLayer: 0,
    digit: from.drawing ? { source: "drawing" } : { source: "test", index: 0 },
  };
}

/** What the pages read of the state, besides the measurements. */
export interface InspectView {
  network: Network;
  /** The explanation of the digit under `key`, once the work has made it. */
  explain: (key: string) => DigitReport | undefined;
  drawing?: Float32Array;
  training?: { model: string; layers: LayerTrainingStats[] };
}

/** The network's layers that produce feature maps (conv and pool), for the maps view. */
export function mapLayers(network: Network): number[] {
  return network.layers.flatMap((l, k) => (l.kind === "conv" || l.kind === "pool" ? [k] : []));
}

/** From this width on, the Weights page explains its tiles at length (two lines and a range). */
export const WIDE = 120;

/** Rows left for the weight tiles below the Weights page's explanation (see WIDE). */
export function tileRows(width: number, height: number): number {
  return height - (width < WIDE ? 1 : 3);
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
export function inspectKey(state: InspectState, key: string): InspectState {
  const { network, drawing } = state;
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
        return drawing ? { ...state, digit: { source: "drawing" }, note: undefined } : {
          ...state,
          note: "Nothing drawn yet in this session: draw a digit in Draw (menu 4) first.",
        };
      case "r":
        return state.page === "activations"
          ? { ...state, showGradient: !state.showGradient }
          : state;
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

/** The explanation of a page, dim, in at most `maxLines` lines (cut with "…" beyond). */
export function explainLines(
  text: string,
  width: number,
  color: ColorLevel,
  maxLines = 2,
): string[] {
  const c = paint(color);
  const lines = wrapText(text, width);
  if (lines.length > maxLines) {
    lines.splice(maxLines - 1, Infinity, truncate(lines.slice(maxLines - 1).join(" "), width, "…"));
  }
  return lines.map((line) => c.dim(line));
}

/** The digit the state explains: a test digit or the last drawing, with its caption. */
export function digitOf(
  state: InspectState,
  m: Measurements,
  view: Pick<InspectView, "drawing">,
) {
  if (state.digit.source === "drawing" && view.drawing) {
    return { pixels: view.drawing, key: "drawing", caption: "your drawing", label: undefined };
  }
  const index = state.digit.source === "test" ? state.digit.index : 0;
  const label = m.data.test.labels[index];
  return {
    pixels: digitPixels(m.data.test, index),
    key: `test:${index}`,
    // What the digit is, beside its number: "test digit #3, a 0".
    caption: `test digit #${count(index)}, ${article(label)} ${label}`,
    label,
  };
}

/** What a page shows while its digit is being explained (a moment; a CNN takes longest). */
export function explainingLines(caption: string): string[] {
  return ["", `Explaining ${caption}…`];
}
