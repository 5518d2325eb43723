/** The main menu: its entries, how keys move through them, and how it looks (pure). */
import type { InputEvent } from "../terminal/keys.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { fitWidth, truncate } from "../../text/layout.ts";

/** What a menu entry leads to. */
export type MenuAction =
  | "train"
  | "test"
  | "classify"
  | "draw"
  | "browse"
  | "info"
  | "inspect"
  | "runs"
  /** `m`: the Model screen (which model file the session uses); not an entry of the list. */
  | "model"
  | "quit";

/** One line of the menu. */
export interface MenuEntry {
  action: MenuAction;
  label: string;
  description: string;
}

/** The menu, in order; entry i is also chosen with the digit key i + 1. */
export const MENU_ENTRIES: readonly MenuEntry[] = [
  { action: "train", label: "Train", description: "train the network on MNIST, live progress" },
  {
    action: "test",
    label: "Test",
    description: "accuracy, confusion matrix, the digits it gets wrong",
  },
  {
    action: "classify",
    label: "Classify an image",
    description: "predict the digit in a PNG or JPEG file",
  },
  {
    action: "draw",
    label: "Draw a digit",
    description: "draw with the mouse, watch the prediction change",
  },
  {
    action: "browse",
    label: "Browse digits",
    description: "page through the data set with the network's guesses",
  },
  { action: "info", label: "Model info", description: "layers, training history, how it was made" },
  {
    action: "inspect",
    label: "Inspect",
    description: "look inside: weights, activations, saliency, health",
  },
  { action: "runs", label: "Runs", description: "compare training runs: settings and curves" },
  { action: "quit", label: "Quit", description: "" },
];

/**
 * What a key does on the menu: moves the selection (arrows, j/k, Home/End, wraps around),
 * chooses (Enter, or a digit 1-9 which also selects), or quits (q, Esc, Ctrl-C).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeyParser } from "../terminal/keys.ts";
 * import { menuKey } from "./menu.ts";
 *
 * // The bytes a terminal sends for ↓, Enter and the digit 6.
 * const [down, enter, six] = new KeyParser().feed("\x1b[B\r6");
 * assert.deepEqual(menuKey(0, down), { selected: 1 });
 * assert.deepEqual(menuKey(0, enter), { selected: 0, choose: "train" });
 * assert.deepEqual(menuKey(0, six), { selected: 5, choose: "info" });
 * ```
 */
export function menuKey(
  selected: number,
  event: InputEvent,
): { selected: number; choose?: MenuAction } {
  const count = MENU_ENTRIES.length;
  if (event.type === "mouse") return { selected };
  const key = event.key;
  if (key === "q" || key === "escape" || (event.ctrl && key === "c")) {
    return { selected, choose: "quit" };
  }
  if (key === "up" || key === "k") return { selected: (selected - 1 + count) % count };
  if (key === "down" || key === "j" || key === "tab") return { selected: (selected + 1) % count };
  if (key === "home") return { selected: 0 };
  if (key === "end") return { selected: count - 1 };
  if (key === "enter") return { selected, choose: MENU_ENTRIES[selected].action };
  if (key === "m") return { selected, choose: "model" };
  if (/^[1-9]$/.test(key) && Number(key) <= count) {
    const chosen = Number(key) - 1;
    return { selected: chosen, choose: MENU_ENTRIES[chosen].action };
  }
  return { selected };
}

/**
 * The menu body: a title, then one line per entry (number, label, description), the selected
 * one highlighted (reverse video; a `▸` marker without color) and vertically centred when the
 * terminal is tall.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMenu } from "./menu.ts";
 *
 * const lines = renderMenu({ selected: 0, width: 80, height: 12, color: "none" });
 * assert.deepEqual(lines.slice(0, 4), [
 *   "digits · a neural network written from scratch, trained on MNIST",
 *   "",
 *   " ▸ 1  Train                train the network on MNIST, live progress",
 *   "   2  Test                 accuracy, confusion matrix, the digits it gets wrong",
 * ]);
 * ```
 */
export function renderMenu(
  state: { selected: number; width: number; height: number; color: ColorLevel },
): string[] {
  const c = paint(state.color);
  const labelWidth = Math.max(...MENU_ENTRIES.map((entry) => entry.label.length));
  const lines = [
    truncate(
      c.bold("digits") + c.dim(" · a neural network written from scratch, trained on MNIST"),
      state.width,
      "…",
    ),
    "",
  ];
  MENU_ENTRIES.forEach((entry, i) => {
    const chosen = i === state.selected;
    const marker = chosen ? "▸" : " ";
    const label = fitWidth(entry.label, labelWidth);
    const text = ` ${marker} ${i + 1}  ${label}  `;
    const line = chosen ? c.inverse.bold(text) + "  " + entry.description : c.bold(text) + "  " +
      c.dim(entry.description);
    lines.push(truncate(line, state.width, "…"));
  });
  if (lines.length > state.height) {
    // A short terminal: drop the title, then keep the chosen entry in view.
    const entries = lines.slice(2);
    const first = Math.min(
      Math.max(0, state.selected - state.height + 1),
      Math.max(0, entries.length - state.height),
    );
    return entries.slice(first, first + state.height);
  }
  const top = Math.max(0, Math.floor((state.height - lines.length) / 3));
  return [...new Array<string>(top).fill(""), ...lines];
}
