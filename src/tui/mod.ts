/**
 * The terminal UI: the terminal layer (key and mouse parsing, the full-screen session) and the
 * interactive menu app built on it. The text it draws comes from `src/text/`.
 *
 * @module
 */
export { type InputEvent, type KeyEvent, KeyParser, type MouseEvent } from "./terminal/keys.ts";
export { frameUpdate, Screen, type ScreenOptions, type ScreenSize } from "./terminal/screen.ts";
export { type MenuOptions, runMenu } from "./app/mod.ts";
