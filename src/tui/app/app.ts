/**
 * The interactive app: enters the full-screen terminal, shows the menu, runs the chosen
 * screen, and always gives the terminal back as it was, whatever happens in a screen.
 */
import { type LoadedModel, loadModelOrRandom } from "../../app/load_model.ts";
import type { MnistData } from "../../data/dataset.ts";
import { loadMnist } from "../../data/load.ts";
import { Network } from "../../network/mod.ts";
import { selectKernels } from "../../network/select_kernels.ts";
import { DEFAULT_RECIPE } from "../../train/recipe.ts";
import { type ColorLevel, detectColorLevel } from "../../text/color.ts";
import { Screen } from "../terminal/screen.ts";
import type { AppContext, ScreenRunner } from "./context.ts";
import { type DataLabel, dataLabelFor, dataLabelOf, renderHeader } from "./header.ts";
import { MENU_ENTRIES, type MenuAction, menuKey, renderMenu } from "./menu.ts";
import { bodyRows, errorLine, renderPage } from "./page.ts";
import { runDataPrompt } from "./data_prompt.ts";
import { resolveDataDir } from "../../data/locate.ts";
import { runBrowseScreen } from "./screens/browse.ts";
import { runClassifyScreen } from "./screens/classify.ts";
import { runDrawScreen } from "./screens/draw.ts";
import { runInfoScreen } from "./screens/info.ts";
import { runTestScreen } from "./screens/test.ts";
import { runTrainScreen } from "./screens/train.ts";

/** What `runMenu` is started with (the command line's `--model`, `--data-dir`, `--sample`). */
export interface MenuOptions {
  model?: string;
  dataDir?: string;
  sample?: boolean;
  /** Color level; detected from the environment when absent. */
  color?: ColorLevel;
}

/**
 * Runs the menu until the user quits; returns the exit status (0). The terminal is restored on
 * every way out: quitting, an error, a signal.
 *
 * @example
 * ```ts
 * Deno.exit(await runMenu({ model: "models/mine.safetensors" }));
 * ```
 */
export async function runMenu(options: MenuOptions = {}): Promise<number> {
  let model = await loadModelOrFallback(options.model);
  let data: Promise<MnistData> | undefined;
  let dataLabel: DataLabel = dataLabelFor(options);
  // SIGINT/SIGTERM from outside (kill, a closing terminal): the screen restores the terminal at
  // once, every screen's input loop then ends, a running training stops after its batch and
  // saves, and only then does the app exit, with the signal's status.
  let signalled: "SIGINT" | "SIGTERM" | undefined;
  const screen = Screen.enter({
    mouse: false,
    onSignal: (signal) => {
      signalled = signal;
      // A screen stuck in a long computation must not keep a killed app alive.
      Deno.unrefTimer(setTimeout(() => Deno.exit(exitStatusOf(signal)), 30_000));
    },
  });
  try {
    const context: AppContext = {
      screen,
      color: options.color ?? detectColorLevel(),
      modelFlag: options.model,
      dataDir: options.dataDir,
      sample: options.sample,
      model: () => model,
      reloadModel: async () => (model = await loadModelOrFallback(options.model)),
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
      header: (width) => renderHeader(model, dataLabel, width, context.color),
      useSample: () => {
        options.sample = context.sample = true;
        data = undefined;
        dataLabel = dataLabelFor(options);
      },
    };
    await menuLoop(context);
  } finally {
    screen.leave();
  }
  return signalled ? exitStatusOf(signalled) : 0;
}

/** The status shells report for a process ended by `signal`. */
function exitStatusOf(signal: "SIGINT" | "SIGTERM"): number {
  return signal === "SIGINT" ? 130 : 143;
}

/** Shows the menu and runs screens until Quit. */
async function menuLoop(context: AppContext): Promise<void> {
  const { screen } = context;
  let selected = 0;
  let status: { text: string; error?: boolean } | undefined;
  const draw = () => {
    const size = screen.size();
    const body = renderMenu({
      selected,
      width: size.columns,
      height: bodyRows(size, 2, status !== undefined),
      color: context.color,
    });
    screen.draw(renderPage(
      {
        header: context.header!(size.columns),
        title: "Menu",
        body,
        footer: "↑/↓ j/k move · Enter or 1-7 choose · q quit",
        status,
      },
      size,
      context.color,
    ));
  };
  while (true) {
    draw();
    const unsubscribe = screen.onResize(draw);
    let choice: MenuAction | undefined;
    try {
      for await (const event of screen.events()) {
        const result = menuKey(selected, event);
        selected = result.selected;
        if (result.choose) {
          choice = result.choose;
          break;
        }
        draw();
      }
    } finally {
      unsubscribe();
    }
    if (choice === undefined || choice === "quit") return;
    status = undefined;
    try {
      if (NEEDS_DATA.has(choice) && !(await offerData(context))) {
        screen.invalidate();
        continue;
      }
      await SCREENS[choice](context);
    } catch (error) {
      status = { text: `${labelOf(choice)}: ${errorLine(error)}`, error: true };
    }
    screen.setMouse(false); // a screen may have turned it on
    screen.invalidate();
  }
}

/** The screens that cannot start without MNIST. */
const NEEDS_DATA = new Set<MenuAction>(["train", "test", "browse"]);

/**
 * Makes sure the data loads before a screen that needs it. When no MNIST is found, offers to
 * download it now or to use the offline sample; false when the user backs out instead. Other
 * failures (a damaged file) are left to the screen, which shows them in place.
 */
async function offerData(context: AppContext): Promise<boolean> {
  try {
    await context.data();
    return true;
  } catch (error) {
    const status = resolveDataDir(context.dataDir);
    if (context.sample || status.complete) return true;
    const { screen, color } = context;
    const choice = await runDataPrompt(
      {
        color,
        size: () => screen.size(),
        events: () => screen.events(),
        draw: (body, footer) => {
          const size = screen.size();
          screen.draw(renderPage(
            { header: context.header!(size.columns), title: "MNIST data", body, footer },
            size,
            color,
          ));
        },
      },
      errorLine(error),
      status.dir,
    );
    if (choice === "sample") context.useSample();
    return choice !== "back";
  }
}

function labelOf(action: MenuAction): string {
  return MENU_ENTRIES.find((entry) => entry.action === action)?.label ?? action;
}

/** The screen behind each menu entry (Quit has none). */
const SCREENS: Record<Exclude<MenuAction, "quit">, ScreenRunner> = {
  train: runTrainScreen,
  test: runTestScreen,
  classify: runClassifyScreen,
  draw: runDrawScreen,
  browse: runBrowseScreen,
  info: runInfoScreen,
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
