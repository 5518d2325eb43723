/** What every menu screen gets from the app: colors, the model and the data. */
import type { LoadedModel } from "../app/load_model.ts";
import type { MnistData } from "../data/dataset.ts";
import type { LayerTrainingStats } from "../network/inspect.ts";
import type { ColorLevel } from "../text/color.ts";
import type { ScreenProgram } from "./screen_loop.ts";

/**
 * Shared services of one interactive session. Screens do not touch the terminal: they are
 * programs for the screen loop (see screen_loop.ts), built from this context.
 */
export interface AppContext {
  /** How much color the terminal shows ("none" under NO_COLOR or TERM=dumb). */
  color: ColorLevel;
  /** `--model` as given on the command line, if any (else the default/pretrained lookup). */
  modelFlag?: string;
  /** `--data-dir` / `--sample` as given on the command line. */
  dataDir?: string;
  sample?: boolean;
  /** The model in use now (the trained one, the shipped one, or a random network). */
  model(): LoadedModel;
  /** Reloads the model from disk (after training saved it) and returns it. */
  reloadModel(): Promise<LoadedModel>;
  /**
   * Makes the model file at `path` the one this session uses (the Model screen); rejects with a
   * UserError when it cannot be read. Training still saves where `--model` (or the default) says.
   */
  useModel(path: string): Promise<LoadedModel>;
  /**
   * The MNIST data, loaded once on first use. Rejects with a UserError (no data found) that a
   * screen shows in place instead of crashing.
   */
  data(): Promise<MnistData>;
  /** Switches this session to the offline sample (when the user chose it for lack of MNIST). */
  useSample(): void;
  /**
   * What screens remember from one visit to the next in this session (screens keep no state
   * of their own between runs). Absent: nothing is remembered.
   */
  memory?: ScreenMemory;
}

/** What screens remember between visits (see AppContext.memory). */
export interface ScreenMemory {
  /** The path the Classify screen last opened, typed in again when it comes back. */
  classifyPath?: string;
  /** Where Browse was left (set, digit filter, position), to come back there. */
  browse?: { set: "train" | "test"; filter?: number; position: number };
  /** [784] the last digit drawn on the Draw screen, as the network saw it (Inspect explains it). */
  drawing?: Float32Array;
  /** Per layer, the gradient norm and update ratio last measured by the Train screen. */
  training?: { model: string; layers: LayerTrainingStats[] };
}

/** A menu entry's screen, built for this session; its result is ignored. */
// deno-lint-ignore no-explicit-any
export type ScreenFactory = (context: AppContext) => ScreenProgram<any, any, unknown>;
