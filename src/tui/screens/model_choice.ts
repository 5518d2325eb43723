/**
 * The Model screen (`m` on the menu): which model Test, Classify, Draw, Browse and Inspect use.
 * It lists the model files in `models/` (yours and the shipped ones) with their network and test
 * accuracy, and takes the path of any other file; choosing one makes it the session's model.
 *
 * @module
 */
import { loadModelOrRandom } from "../../app/load_model.ts";
import { isShippedModel } from "../../app/model_paths.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent } from "../../text/format.ts";
import { truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import { describeArchitecture } from "../../train/architecture.ts";
import type { AppContext } from "../context.ts";
import { errorLine } from "../page.ts";
import type { Frame, ScreenProgram, Work } from "../screen_loop.ts";
import { editField, renderField, type TextField, textField } from "../widgets/text_input.ts";

/** A model file offered. */
export interface ModelChoice {
  path: string;
  /** "cnn: conv5x32,...", or why the file cannot be used. */
  network: string;
  accuracy: number | null;
  shipped: boolean;
  broken?: boolean;
  /** The file the session uses now (the same file, however its path was written). */
  inUse?: boolean;
}

/** What the Model screen knows. */
export interface ModelChoiceState {
  /** The path of the model in use. */
  current?: string;
  choices?: ModelChoice[];
  /** The highlighted row; choices.length is "Other file…". */
  selected: number;
  /** The path being typed for "Other file…". */
  typing?: TextField;
  /** Loading the chosen file. */
  switching?: string;
  error?: string;
}

/** What the screen's work sends. */
export type ModelChoiceMessage =
  | { type: "listed"; choices: ModelChoice[] }
  | { type: "switched"; path: string }
  | { type: "failed"; message: string };

/** The model files in `dir`, shipped ones first, each read for its network and accuracy. */
export async function modelChoices(dir = "models", current?: string): Promise<ModelChoice[]> {
  const real = (path: string | undefined) => {
    try {
      return path === undefined ? undefined : Deno.realPathSync(path);
    } catch {
      return path;
    }
  };
  const currentFile = real(current);
  const paths: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".safetensors")) paths.push(`${dir}/${entry.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const choices: ModelChoice[] = [];
  for (const path of paths) {
    try {
      const loaded = await loadModelOrRandom(path, 1);
      const info = loaded.info;
      choices.push({
        path,
        network: info ? describeArchitecture(info) : describeArchitecture(loaded.network),
        accuracy: info?.testAccuracy ?? null,
        shipped: isShippedModel(path),
        inUse: currentFile !== undefined && real(path) === currentFile,
      });
    } catch (error) {
      choices.push({
        path,
        network: errorLine(error),
        accuracy: null,
        shipped: false,
        broken: true,
      });
    }
  }
  return choices.sort((a, b) =>
    Number(b.shipped) - Number(a.shipped) || a.path.localeCompare(b.path)
  );
}

// Narrower than this, the network's column is too thin to read: it goes on lines of its own.
const MIN_NETWORK_COLUMN = 30;

/** The screen's lines: one row per model file, the one in use marked, then "Other file…". */
export function renderModelChoices(
  state: ModelChoiceState,
  options: { width: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const { width } = options;
  if (!state.choices) return ["Reading the model files in models/ …"];
  const lines = [
    // Wrapped: at 80 columns "Enter chooses" was cut off.
    ...wrapText(
      "The model Test, Classify, Draw, Browse and Inspect use in this session. Enter chooses.",
      width,
    ),
    "",
  ];
  const pathWidth = Math.min(40, Math.max(...state.choices.map((m) => m.path.length), 10));
  state.choices.forEach((m, i) => {
    const marker = i === state.selected ? "▸" : " ";
    const inUse = m.inUse ? "in use" : "      ";
    const kind = m.shipped ? "shipped" : "yours";
    const accuracy = m.accuracy === null ? "   -   " : percent(m.accuracy).padStart(7);
    const row = `${marker} ${m.path.padEnd(pathWidth)}  ${accuracy}  ${kind.padEnd(7)}  ${inUse}  `;
    // A long layer list wraps under itself, or on lines of its own when its column is narrow.
    const room = width - visibleWidth(row);
    const rows = visibleWidth(m.network) <= room
      ? [row + m.network]
      : room >= MIN_NETWORK_COLUMN
      ? wrapText(m.network, room).map((line, k) =>
        (k === 0 ? row : " ".repeat(visibleWidth(row))) + line
      )
      : [row.trimEnd(), ...wrapText(m.network, width - 4).map((line) => `    ${line}`)];
    for (const line of rows) {
      const text = truncate(line, width, "…");
      lines.push(
        m.broken
          ? c.red(text)
          : i === state.selected
          ? c.bold(text)
          : m.inUse
          ? c.green(text)
          : text,
      );
    }
  });
  const other = state.choices.length;
  const marker = state.selected === other ? "▸" : " ";
  if (state.typing) {
    const room = Math.max(10, width - 10);
    lines.push(`${marker} Path: ${renderField(state.typing, room, true, options.color)}`);
  } else {
    lines.push(
      (state.selected === other ? c.bold : c.dim)(`${marker} Other file… (type its path)`),
    );
  }
  return lines;
}

/**
 * The Model screen. `context.useModel` loads the chosen file and makes it the session's model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { modelChoiceScreen } from "./model_choice.ts";
 *
 * const screen = modelChoiceScreen({
 *   model: () => ({ network: undefined as never, random: true }),
 *   useModel: () => Promise.resolve(),
 * });
 * const run = simulate(screen, []);
 * assert.equal(run.state.selected, 0);
 * ```
 */
export function modelChoiceScreen(
  context: Pick<AppContext, "model"> & { useModel(path: string): Promise<unknown> },
): ScreenProgram<ModelChoiceState, ModelChoiceMessage, void> {
  const listWork: Work<ModelChoiceMessage> = {
    id: "list",
    run: async (send) => {
      try {
        send({ type: "listed", choices: await modelChoices("models", context.model().path) });
      } catch (error) {
        send({ type: "failed", message: errorLine(error) });
      }
    },
  };
  const switchWork = (path: string): Work<ModelChoiceMessage> => ({
    id: "switch",
    run: async (send) => {
      try {
        await context.useModel(path);
        send({ type: "switched", path });
      } catch (error) {
        send({ type: "failed", message: errorLine(error) });
      }
    },
  });
  return {
    title: "Model",
    init: () => ({
      state: { current: context.model().path, selected: 0 },
      work: [listWork],
    }),
    typing: (state) => state.typing !== undefined,
    update(state, message) {
      if (message.type === "back") {
        if (state.typing) return { state: { ...state, typing: undefined } };
        return { state, exit: { value: undefined } };
      }
      if (message.type === "work") {
        const sent = message.message;
        if (sent.type === "listed") {
          const at = sent.choices.findIndex((m) => m.inUse);
          return { state: { ...state, choices: sent.choices, selected: Math.max(0, at) } };
        }
        if (sent.type === "switched") return { state, exit: { value: undefined } };
        return { state: { ...state, switching: undefined, error: sent.message } };
      }
      if (message.type !== "input" || message.event.type !== "key" || !state.choices) {
        return { state };
      }
      const event = message.event;
      const rows = state.choices.length + 1;
      if (state.typing) {
        if (event.key === "enter") {
          const path = state.typing.text.trim();
          if (path === "") return { state };
          return {
            state: { ...state, switching: path, error: undefined },
            work: [switchWork(path)],
          };
        }
        const typed = editField(state.typing, event);
        return typed ? { state: { ...state, typing: typed } } : { state };
      }
      if (event.key === "up" || event.key === "k") {
        return {
          state: { ...state, selected: (state.selected + rows - 1) % rows, error: undefined },
        };
      }
      if (event.key === "down" || event.key === "j") {
        return { state: { ...state, selected: (state.selected + 1) % rows, error: undefined } };
      }
      if (event.key !== "enter") return { state };
      if (state.selected === state.choices.length) {
        return { state: { ...state, typing: textField("") } };
      }
      const chosen = state.choices[state.selected];
      return {
        state: { ...state, switching: chosen.path, error: undefined },
        work: [switchWork(chosen.path)],
      };
    },
    view(state: ModelChoiceState, frame: Frame) {
      return {
        body: renderModelChoices(state, { width: frame.columns, color: frame.color }),
        footer: state.typing
          ? "type a path · Enter use it · Esc cancel"
          : "↑/↓ choose · Enter use this model · Esc back",
        ...(state.error
          ? { status: { text: state.error, error: true } }
          : state.switching
          ? { status: { text: `Loading ${state.switching}…` } }
          : {}),
      };
    },
  };
}
