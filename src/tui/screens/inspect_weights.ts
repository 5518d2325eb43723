/**
 * Inspect's Weights page: the first layer's units as tiles of their weights, one unit with the
 * test digits that excite it most, or (CNN) the feature maps of a digit, layer by layer.
 *
 * @module
 */
import { digitPixels } from "../../app/inspect_model.ts";
import { strongestDigits } from "../../network/inspect.ts";
import { displayTile, TILE_CLIP, tileGeometry, unitTile } from "../../network/weight_tiles.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { halveImage } from "../../text/diverging.ts";
import { count } from "../../text/format.ts";
import { fitWidth, joinColumns, truncate, visibleWidth } from "../../text/layout.ts";
import { renderTileGrid } from "../../text/tile_grid.ts";
import {
  digitOf,
  explainingLines,
  explainLines,
  type InspectState,
  type InspectView,
  type Measurements,
  RANKED_DIGITS,
  tileLayout,
  tileRows,
  WIDE,
} from "./inspect_state.ts";

export function renderWeightsPage(
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
    const tile = displayTile(unitTile(network, m.firstLayer, state.unit), {
      inked: m.inked,
      clip: TILE_CLIP,
    });
    const top = strongestDigits(m.responses, m.units, state.unit, 24);
    const big = renderTileGrid([tile], {
      tileWidth: side,
      width,
      color,
      zoom: isConv ? 4 : 1,
      scale: 1,
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
      ...explainLines(
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
      explainLines(
        isConv
          ? `${range}, ${side}x${side} weights: orange excites, blue inhibits (m: maps)`
          : `${range}: 784 weights each, as 28x28; orange excites, blue inhibits`,
        width,
        color,
      )[0],
    ]
    : [...explainLines(line, width, color), c.dim(truncate(range, width))];
  return [
    ...head,
    ...renderTileGrid(
      units.map((u) =>
        displayTile(unitTile(network, m.firstLayer, u), { inked: m.inked, clip: TILE_CLIP })
      ),
      {
        tileWidth: side,
        width,
        color,
        scale: 1,
        half: layout.half,
        zoom: layout.zoom,
        captions,
      },
    ),
  ];
}

export function renderFeatureMaps(
  state: InspectState,
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const digit = digitOf(state, m, view);
  const report = view.explain(digit.key);
  if (!report) return explainingLines(digit.caption);
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
    ...explainLines(
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
