/** TEMPORARY while the screens move to the screen loop: a screen that only says so. Delete. */
import type { ScreenProgram } from "../screen_loop.ts";

export function pendingScreen<R>(title: string): ScreenProgram<null, never, R> {
  return {
    title,
    init: () => ({ state: null }),
    update: (state, message) =>
      message.type === "back" ? { state, exit: { value: undefined as R } } : { state },
    view: () => ({ body: [`${title}: moving to the screen loop`], footer: "Esc back" }),
  };
}
