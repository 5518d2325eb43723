/**
 * The interactive menu app (`deno task start` in a terminal): menu, Train, Test, Model info,
 * and the Draw, Classify and Browse screens, all sharing one AppContext.
 *
 * @example
 * ```ts
 * import { runMenu } from "./src/tui/app/mod.ts";
 * Deno.exit(await runMenu({ model: "models/mine.safetensors", sample: false }));
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
