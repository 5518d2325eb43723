/**
 * The interactive app: enters the full-screen terminal, shows the menu, runs the chosen
 * screen, and always gives the terminal back as it was, whatever happens in a screen.
 */
import { type LoadedModel, loadModelOrRandom } from "../app/load_model.ts";
import type { MnistData } from "../data/dataset.ts";
import { loadMnist } from "../data/load.ts";
import { Network } from "../network/mod.ts";
import { selectKernels } from "../network/select_kernels.ts";
import { DEFAULT_RECIPE } from "../train/recipe.ts";
import { type ColorLevel, detectColorLevel } from "../text/color.ts";
import { Screen } from "./terminal/screen.ts";
import type { AppContext, ScreenFactory, ScreenMemory } from "./context.ts";
import { type DataLabel, dataLabelFor, dataLabelOf, renderHeader } from "./header.ts";
import { MENU_ENTRIES, type MenuAction, menuKey, renderMenu } from "./screens/menu.ts";
import { errorLine } from "./page.ts";
import { dataPromptScreen } from "./screens/data_prompt.ts";
import { resolveDataDir } from "../data/locate.ts";
import { ScreenLoop, type ScreenProgram } from "./screen_loop.ts";
import { browseScreen } from "./screens/browse.ts";
import { classifyScreen } from "./screens/classify.ts";
import { drawScreen } from "./screens/draw.ts";
import { infoScreen } from "./screens/info.ts";
import { runsScreen } from "./screens/runs.ts";
import { modelChoiceScreen } from "./screens/model_choice.ts";
import { UserError } from "../errors.ts";
import { inspectScreen } from "./screens/inspect.ts";
import { testScreen } from "./screens/test.ts";
import { trainScreen } from "./screens/train.ts";

/** What `runMenu` is started with (the command line's `--model`, `--data-dir`, `--sample`). */
export interface MenuOptions {
  model?: string;
  dataDir?: string;
  sample?: boolean;
  /** Color level; detected from the environment when absent. */
  color?: ColorLevel;
}

/**
 * Runs the menu until the user quits; returns the exit status (0, or 130/143 after a signal).
 * The terminal is restored on every way out: quitting, an error, a signal.
 *
 * @example
 * ```ts ignore
 * // Needs a terminal: `deno task start` runs this.
 * import { runMenu } from "./run_menu.ts";
 * Deno.exit(await runMenu({ model: "models/mine.safetensors" }));
 * ```
 */
export async function runMenu(options: MenuOptions = {}): Promise<number> {
  let model = await loadModelOrFallback(options.model);
  let data: Promise<MnistData> | undefined;
  let dataLabel: DataLabel = dataLabelFor(options);
  // SIGINT/SIGTERM from outside (kill, a closing terminal): the screen restores the terminal at
  // once, which ends the input; the screen in front then aborts its work (a running training
  // stops after its batch and saves), and only then does the app exit, with the signal's status.
  let signalled: "SIGINT" | "SIGTERM" | undefined;
  const screen = Screen.enter({
    mouse: false,
    onSignal: (signal) => {
      signalled = signal;
      // A screen stuck in a long computation must not keep a killed app alive.
      Deno.unrefTimer(setTimeout(() => Deno.exit(exitStatusOf(signal)), 30_000));
    },
  });
  const color = options.color ?? detectColorLevel();
  const memory: ScreenMemory = {};
  const loop = new ScreenLoop(screen, {
    color,
    header: (width) => renderHeader(model, dataLabel, width, color),
    memory,
  });
  try {
    const context: AppContext = {
      color,
      modelFlag: options.model,
      dataDir: options.dataDir,
      sample: options.sample,
      memory,
      model: () => model,
      reloadModel: async () => (model = await loadModelOrFallback(options.model)),
      useModel: async (path) => {
        const loaded = await loadModelOrRandom(path);
        if (loaded.random) throw new UserError(`${path}: ${loaded.randomReason ?? "no model"}`);
        return (model = loaded);
      },
      data: () => {
        data ??= loadMnist({ dataDir: options.dataDir, sample: options.sample }).then(
          (loaded) => {
            dataLabel = dataLabelOf(loaded);
            return loaded;
          },
          (error) => {
            data = undefined; // let the next screen try again (e.g. after fetch-data)
            throw error;
          },
        );
        return data;
      },
      useSample: () => {
        options.sample = context.sample = true;
        data = undefined;
        dataLabel = dataLabelFor(options);
      },
    };
    await menuLoop(loop, context);
  } finally {
    loop.close();
    screen.leave();
    // What a screen had to say when a signal ended it (where a training saved), now readable.
    for (const line of loop.farewells) console.log(line);
  }
  return signalled ? exitStatusOf(signalled) : 0;
}

/** The status shells report for a process ended by `signal`. */
function exitStatusOf(signal: "SIGINT" | "SIGTERM"): number {
  return signal === "SIGINT" ? 130 : 143;
}

/** Shows the menu and runs screens until Quit (or the input ends). */
async function menuLoop(loop: ScreenLoop, context: AppContext): Promise<void> {
  let selected = 0;
  let status: { text: string; error?: boolean } | undefined;
  while (!loop.inputEnded) {
    const chosen = await loop.run(menuScreen(selected, status));
    if (chosen === undefined || chosen.action === "quit") return;
    selected = chosen.selected;
    status = undefined;
    const action = chosen.action;
    try {
      if (NEEDS_DATA.has(action) && !(await offerData(loop, context))) continue;
      await loop.run(SCREENS[action](context));
    } catch (error) {
      status = { text: `${labelOf(action)}: ${errorLine(error)}`, error: true };
    }
  }
}

/** The menu as a screen: it ends with the entry chosen (and where the selection was). */
export function menuScreen(
  selected: number,
  status?: { text: string; error?: boolean },
): ScreenProgram<number, never, { action: MenuAction; selected: number }> {
  return {
    title: "Menu",
    init: () => ({ state: selected }),
    update(state, message) {
      if (message.type === "back") {
        return { state, exit: { value: { action: "quit", selected: state } } };
      }
      if (message.type !== "input") return { state };
      const result = menuKey(state, message.event);
      if (result.choose) {
        return {
          state: result.selected,
          exit: { value: { action: result.choose, selected: result.selected } },
        };
      }
      return { state: result.selected };
    },
    view: (state, frame) => ({
      body: renderMenu({
        selected: state,
        width: frame.columns,
        height: frame.rows - (status ? 1 : 0),
        color: frame.color,
      }),
      footer: `↑/↓ j/k move · Enter or 1-${MENU_ENTRIES.length} choose · m model · q quit`,
      status,
    }),
  };
}

/** The screens that cannot start without MNIST. */
const NEEDS_DATA = new Set<MenuAction>(["train", "test", "browse", "inspect"]);

/**
 * Makes sure the data loads before a screen that needs it. When no MNIST is found, offers to
 * download it now or to use the offline sample; false when the user backs out instead. Other
 * failures (a damaged file) are left to the screen, which shows them in place.
 */
async function offerData(loop: ScreenLoop, context: AppContext): Promise<boolean> {
  try {
    await context.data();
    return true;
  } catch (error) {
    const status = resolveDataDir(context.dataDir);
    if (context.sample || status.complete) return true;
    const choice = await loop.run(dataPromptScreen(errorLine(error), status.dir));
    if (choice === "sample") context.useSample();
    return choice === "sample" || choice === "download";
  }
}

function labelOf(action: MenuAction): string {
  return MENU_ENTRIES.find((entry) => entry.action === action)?.label ?? action;
}

/** The screen behind each menu entry (Quit has none). */
const SCREENS: Record<Exclude<MenuAction, "quit">, ScreenFactory> = {
  train: trainScreen,
  test: testScreen,
  classify: classifyScreen,
  draw: drawScreen,
  browse: browseScreen,
  info: infoScreen,
  inspect: inspectScreen,
  runs: runsScreen,
  model: modelChoiceScreen,
};

/**
 * The model to start with. A broken model file does not stop the app: it starts with a random
 * network and says why in the header (training fresh replaces the file).
 */
async function loadModelOrFallback(flag: string | undefined): Promise<LoadedModel> {
  try {
    return await loadModelOrRandom(flag);
  } catch (error) {
    const network = new Network(
      { layerSizes: [784, ...DEFAULT_RECIPE.hidden, 10], activation: DEFAULT_RECIPE.activation },
      { seed: DEFAULT_RECIPE.seed, maxBatch: 500, kernels: selectKernels() },
    );
    return { network, random: true, randomReason: errorLine(error) };
  }
}
