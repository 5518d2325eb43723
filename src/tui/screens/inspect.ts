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
 * is background work that reports once; each digit shown is explained by work too, and its
 * explanation kept in the state.
 *
 * This file is the screen program and the frame of the pages; the state and its keys are
 * inspect_state.ts, each page its own file (inspect_weights.ts, inspect_activations.ts,
 * inspect_health.ts).
 */
import { DigitExplainer, layerReports, lossGradientNorms } from "../../app/inspect_model.ts";
import { unitResponses } from "../../network/inspect.ts";
import { inkedPixels } from "../../network/weight_tiles.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { count } from "../../text/format.ts";
import { truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import { unlessAborted } from "../abortable.ts";
import type { AppContext } from "../context.ts";
import { errorLine } from "../page.ts";
import type { Frame, Message, ScreenProgram, Step, Work } from "../screen_loop.ts";
import { renderField } from "../widgets/text_input.ts";
import { renderActivationsPage } from "./inspect_activations.ts";
import { renderHealthPage } from "./inspect_health.ts";
import {
  digitOf,
  INSPECT_PAGES,
  inspectKey,
  type InspectMessage,
  type InspectPage,
  type InspectState,
  type InspectView,
  mapLayers,
  newInspectState,
  PAGE_TITLES,
  RANKED_DIGITS,
  typeDigitIndex,
} from "./inspect_state.ts";
import { renderWeightsPage } from "./inspect_weights.ts";

export { type InspectMessage, type InspectState, newInspectState } from "./inspect_state.ts";

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

const FOOTERS: Record<InspectPage, string[]> = {
  weights: [
    "Tab page · arrows choose a unit · PgUp/PgDn page · Enter digits that excite it · m feature maps · Esc back",
    "Tab page · arrows unit · PgUp/PgDn · Enter its digits · m maps · Esc back",
  ],
  activations: [
    "Tab page · ←/→ digit · PgUp/PgDn by 10 · g go to index · d your drawing · t test digits · r gradient/attribution · Esc back",
    "Tab page · ←/→ digit · g go to · d drawing · t test · r gradient · Esc back",
    "←/→ digit · d drawing · r gradient · Esc back",
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
            inked: inkedPixels(data.train),
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
  return {
    title: "Inspect",
    init: () => {
      const network = context.model().network;
      const { drawing, training } = context.memory ?? {};
      const explainer = new DigitExplainer(network);
      return {
        state: newInspectState({ network, explainer, drawing, training }),
        work: [measureWork(context)],
      };
    },
    update: (state, message) => withExplanation(updateInspect(state, message)),
    // q is a letter (refused: not a digit) while an index is typed
    typing: (state) => state.jump !== undefined,
    view: (state, frame) => ({
      body: renderInspectBody(state, {
        network: state.network,
        explain: (key) => state.reports.get(key),
        drawing: state.drawing,
        training: state.training,
      }, frame),
      footer: state.measurements
        ? footerFor(state, frame.columns, mapLayers(state.network).length > 0)
        : "Esc back",
      title: `Inspect · ${PAGE_TITLES[state.page]}`,
    }),
  };
}

/** The Inspect screen's update: pages and keys (inspect_state.ts), and what its work sends. */
function updateInspect(
  state: InspectState,
  message: Message<InspectMessage>,
): Step<InspectState, InspectMessage, void> {
  switch (message.type) {
    case "back":
      if (state.jump) return { state: { ...state, jump: undefined } };
      if (state.page === "weights" && state.weightsView !== "tiles") {
        return { state: { ...state, weightsView: "tiles" } };
      }
      return { state, exit: { value: undefined } };
    case "resize":
      return { state: { ...state, frame: message.frame } };
    case "work": {
      const sent = message.message;
      if (sent.type === "failed") return { state: { ...state, problem: sent.message } };
      if (sent.type === "measured") return { state: { ...state, measurements: sent.measurements } };
      // The last few dozen digits explained are kept: stepping back shows them at once.
      const reports = new Map(state.reports);
      if (reports.size >= MAX_REPORTS) reports.delete(reports.keys().next().value!);
      reports.set(sent.key, sent.report);
      const explaining = state.explaining === sent.key ? undefined : state.explaining;
      return { state: { ...state, reports, explaining } };
    }
    case "work-failed":
      return { state: { ...state, problem: errorLine(message.error) } };
    case "input": {
      const event = message.event;
      if (event.type !== "key") return { state };
      if (state.jump) return { state: typeDigitIndex(state, event) };
      const name = event.shift && event.key === "tab" ? "shift+tab" : event.key;
      return { state: inspectKey(state, name) };
    }
  }
  return { state };
}

/** Explanations kept in the state. */
const MAX_REPORTS = 64;

/**
 * Adds the work that explains the digit the page now shows (Activations, feature maps), when
 * it is not explained yet nor being explained.
 */
function withExplanation(
  step: Step<InspectState, InspectMessage, void>,
): Step<InspectState, InspectMessage, void> {
  const state = step.state;
  const m = state.measurements;
  const shows = state.page === "activations" ||
    (state.page === "weights" && state.weightsView === "maps");
  if (!m || !shows || !state.explainer || step.exit) return step;
  const digit = digitOf(state, m, { drawing: state.drawing });
  if (state.reports.has(digit.key) || state.explaining === digit.key) return step;
  const explainer = state.explainer;
  const work: Work<InspectMessage> = {
    // One at a time: a new digit replaces the explanation of the one stepped past.
    id: "explain",
    async run(send, signal) {
      await new Promise((resolve) => setTimeout(resolve, 0)); // keys first
      if (signal.aborted) return;
      send({ type: "explained", key: digit.key, report: explainer.digit(digit.pixels) });
    },
  };
  return {
    ...step,
    state: { ...state, explaining: digit.key },
    work: [...(step.work ?? []), work],
  };
}
