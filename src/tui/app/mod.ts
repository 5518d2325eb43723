/**
 * The interactive menu app (`deno task start` in a terminal): menu, Train, Test, Model info,
 * and the Draw, Classify and Browse screens, all sharing one AppContext.
 *
 * @example
 * `runMenu` (what `deno task start` runs) needs a real terminal. The screens run on any
 * `Terminal`: here the Model info screen, under the header every screen shows, on a fake one.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../../app/load_model.ts";
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
 * assert.match(screen, /test accuracy  99\.64%/);
 * ```
 * @module
 */
export { type MenuOptions, runMenu } from "./app.ts";
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
  isBackKey,
  type PageContent,
  renderPage,
  scrollByKey,
  scrollPosition,
  scrollWindow,
} from "./page.ts";
