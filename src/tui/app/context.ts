/** What every menu screen gets from the app: the terminal, colors, the model and the data. */
import type { MnistData } from "../../data/dataset.ts";
import type { LoadedModel } from "../../app/load_model.ts";
import type { ColorLevel } from "../../text/color.ts";
import type { Screen } from "../terminal/screen.ts";

/**
 * Shared state of one interactive session. A screen owns the terminal (draws and reads
 * `screen.events()`) from the moment its runner is called until the promise it returns
 * resolves; then the menu takes over again and repaints everything.
 */
export interface AppContext {
  /** The full-screen terminal session, already entered (alternate screen, raw mode). */
  screen: Screen;
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
   * The MNIST data, loaded once on first use. Rejects with a UserError (no data found) that a
   * screen shows in place instead of crashing.
   */
  data(): Promise<MnistData>;
  /** Switches this session to the offline sample (when the user chose it for lack of MNIST). */
  useSample(): void;
  /**
   * The header lines for a screen `width` columns wide: the model in use and the data (set by
   * the menu; see src/tui/app/page.ts renderPage for the whole frame).
   */
  header?: (width: number) => string[];
}

/** A menu entry's screen: runs until the user leaves it (Esc, Ctrl-C or its own quit key). */
export type ScreenRunner = (context: AppContext) => Promise<void>;
