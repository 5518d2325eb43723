/**
 * The terminal UI: the interactive menu app (`deno task start` in a terminal) with its Train,
 * Test, Model info, Draw, Classify, Browse and Inspect screens, all sharing one AppContext.
 *
 * - `terminal/`: key and mouse parsing, the full-screen session (no app knowledge).
 * - `screen_loop.ts`, `context.ts`, `header.ts`, `page.ts`: the one loop every screen runs on,
 *   what screens get from the app, and the frame they are drawn in; `run_menu.ts` runs it all.
 * - `screens/`: one screen per file (state, update, view). `widgets/`: the canvas and the text
 *   input, which know nothing of networks. The text they draw comes from `src/text/`.
 *
 * @example
 * `runMenu` (what `deno task start` runs) needs a real terminal. The screens run on any
 * `Terminal`: here the Model info screen, under the header every screen shows, on a fake one.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../app/load_model.ts";
 * import { type AppContext, dataLabelFor, renderHeader, ScreenLoop } from "./mod.ts";
 * import { fakeTerminal } from "./screen_loop_testing.ts";
 * import { infoScreen } from "./screens/info.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained.safetensors");
 * const context: Pick<AppContext, "model"> = { model: () => model };
 * const terminal = fakeTerminal({ columns: 80, rows: 24 });
 * const loop = new ScreenLoop(terminal, {
 *   color: "none",
 *   header: (width) => renderHeader(model, dataLabelFor({ sample: true }), width, "none"),
 * });
 * const done = loop.run(infoScreen(context));
 * terminal.type("escape"); // Esc backs out of every screen
 * await done;
 * loop.close();
 * const screen = terminal.lastFrame().join("\n");
 * assert.match(screen, /^model: shipped pretrained model/);
 * assert.match(screen, /test accuracy  99\.\d\d%/);
 * ```
 * @module
 */
export { type InputEvent, type KeyEvent, KeyParser, type MouseEvent } from "./terminal/keys.ts";
export { frameUpdate, Screen, type ScreenOptions, type ScreenSize } from "./terminal/screen.ts";
export { type MenuOptions, runMenu } from "./run_menu.ts";
export type { AppContext, ScreenFactory } from "./context.ts";
export {
  type Frame,
  isBack,
  type Message,
  ScreenLoop,
  type ScreenProgram,
  type Step,
  type Terminal,
  type View,
  type Work,
} from "./screen_loop.ts";
export { dataLabelFor, dataLabelOf, describeModelShort, renderHeader } from "./header.ts";
export {
  bodyRows,
  errorLine,
  type PageContent,
  renderPage,
  scrollByKey,
  scrollPosition,
  scrollWindow,
} from "./page.ts";
