/** The header lines of the Draw, Classify and Browse screens. */
import { describeModel } from "../../../app/load_model.ts";
import { paint } from "../../../text/color.ts";
import { truncate } from "../../../text/layout.ts";
import type { AppContext } from "../context.ts";

/**
 * The app's shared header (model and data lines) when the menu provides one, else a single
 * line naming the model, cut to `width`.
 *
 * @example
 * ```ts
 * renderPage({ header: headerLines(context, size.columns), title: "Draw a digit", ... });
 * ```
 */
export function headerLines(context: AppContext, width: number): string[] {
  if (context.header) return context.header(width);
  const c = paint(context.color);
  const model = context.model();
  const text = describeModel(model);
  return [truncate(c.dim("model: ") + (model.random ? c.yellow(text) : text), width, "…")];
}
