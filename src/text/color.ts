import { Ansis } from "ansis";

/**
 * How many colors the terminal can show. `"none"` means plain text: no escape codes at all.
 * Every widget takes one of these as a parameter, so rendering stays pure and testable.
 */
export type ColorLevel = "none" | "256" | "truecolor";

/** What `detectColorLevel` looks at; tests pass their own. */
export interface ColorEnvironment {
  /** Reads an environment variable (undefined when unset). */
  env: (name: string) => string | undefined;
  /** Whether the output stream is a terminal. */
  isTerminal: boolean;
}

/**
 * Decides how many colors to use for the output: `"none"` when `NO_COLOR` is set (non-empty),
 * `TERM=dumb`, or the output is not a terminal; `"truecolor"` when `COLORTERM` says so;
 * `"256"` otherwise. `FORCE_COLOR` (1, 2, 3) overrides the terminal check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectColorLevel } from "./color.ts";
 *
 * // Called without an argument it reads Deno.env and asks whether stdout is a terminal.
 * const terminal = (vars: Record<string, string>) => ({
 *   env: (name: string) => vars[name],
 *   isTerminal: true,
 * });
 * assert.equal(detectColorLevel(terminal({ COLORTERM: "truecolor" })), "truecolor");
 * assert.equal(detectColorLevel(terminal({ NO_COLOR: "1" })), "none");
 * assert.equal(detectColorLevel({ env: () => undefined, isTerminal: false }), "none");
 * ```
 */
export function detectColorLevel(
  environment: ColorEnvironment = denoColorEnvironment(),
): ColorLevel {
  const { env } = environment;
  if ((env("NO_COLOR") ?? "") !== "") return "none";
  const force = env("FORCE_COLOR");
  if (force === "0" || force === "false") return "none";
  const forced = force !== undefined;
  if (!forced && (!environment.isTerminal || env("TERM") === "dumb")) return "none";
  if (force === "3") return "truecolor";
  const colorTerm = (env("COLORTERM") ?? "").toLowerCase();
  if (colorTerm === "truecolor" || colorTerm === "24bit") return "truecolor";
  // Every terminal still in use shows 256 colors; 16-color terminals get a close match.
  return "256";
}

/**
 * The real process environment. It never triggers a permission prompt: NO_COLOR comes from
 * `Deno.noColor` (readable without permission), other variables only when env access is
 * already granted; otherwise they count as unset.
 */
function denoColorEnvironment(): ColorEnvironment {
  return {
    env: (name) => {
      if (name === "NO_COLOR" && Deno.noColor) return "1";
      try {
        const granted = Deno.permissions.querySync({ name: "env", variable: name });
        return granted.state === "granted" ? Deno.env.get(name) : undefined;
      } catch {
        return undefined;
      }
    },
    isTerminal: Deno.stdout.isTerminal(),
  };
}

const ansisLevel: Record<ColorLevel, number> = { none: 0, "256": 2, truecolor: 3 };
const painters = new Map<ColorLevel, Ansis>();

/**
 * An `ansis` instance fixed to `level` (not to whatever the process detected), so widgets can
 * be rendered for any terminal in tests. At `"none"` every style returns the text unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paint } from "./color.ts";
 *
 * assert.equal(paint("256").green.bold("ok"), "\x1b[32m\x1b[1mok\x1b[22m\x1b[39m");
 * assert.equal(paint("none").green("ok"), "ok");
 * ```
 */
export function paint(level: ColorLevel): Ansis {
  let painter = painters.get(level);
  if (!painter) {
    painter = new Ansis(ansisLevel[level]);
    painters.set(level, painter);
  }
  return painter;
}

/**
 * The SGR code that sets the foreground (or background) to a gray of brightness `v` in 0..1.
 * Raw codes rather than ansis wrappers, because pixel grids set thousands of colors per frame
 * and must not pay for a reset after each one. Returns "" at level `"none"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graySgr } from "./color.ts";
 *
 * assert.equal(graySgr("truecolor", 1, "fg"), "\x1b[38;2;255;255;255m");
 * assert.equal(graySgr("256", 0, "bg"), "\x1b[48;5;232m");
 * assert.equal(graySgr("none", 0.5, "fg"), "");
 * ```
 */
export function graySgr(level: ColorLevel, v: number, layer: "fg" | "bg"): string {
  const value = v > 1 ? 1 : v > 0 ? v : 0;
  const base = layer === "fg" ? 38 : 48;
  if (level === "truecolor") {
    const g = Math.round(value * 255);
    return `\x1b[${base};2;${g};${g};${g}m`;
  }
  // 232..255 is the 24-step gray ramp of the 256-color palette (rgb 8 .. 238).
  if (level === "256") return `\x1b[${base};5;${232 + Math.round(value * 23)}m`;
  return "";
}
