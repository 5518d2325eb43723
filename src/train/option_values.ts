/**
 * Parsers of option values typed by a user (command-line flags, the Train form). Each throws
 * an OptionValueError whose message says what was expected; the front ends show it as one line.
 * Which option uses which parser and range is written once, in `options.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integerIn, OptionValueError } from "./option_values.ts";
 * assert.equal(integerIn(1, 10)("7"), 7);
 * assert.throws(() => integerIn(1, 10)("11"), OptionValueError);
 * ```
 */

import { parseLayerSpec } from "../network/layer_spec.ts";

/** A typed value out of range or malformed; the message says what was expected. */
export class OptionValueError extends Error {
  override name = "OptionValueError";
}

/**
 * A whole number in [min, max].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integerIn } from "./option_values.ts";
 * assert.equal(integerIn(1, 4096)("64"), 64);
 * assert.throws(() => integerIn(1, 4096)("6.4"), /expected a whole number from 1 to 4,096/);
 * ```
 */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    const n = /^[+]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new OptionValueError(
        `expected a whole number from ${min} to ${max.toLocaleString("en-US")}, got "${value}".`,
      );
    }
    return n;
  };
}

/**
 * A finite number in [min, max] (decimal or exponent notation, e.g. 0.001 or 1e-3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberIn } from "./option_values.ts";
 * assert.equal(numberIn(0, 1)("1e-3"), 0.001);
 * assert.throws(() => numberIn(0, 1)("two"), /expected a number from 0 to 1, got "two"/);
 * ```
 */
export function numberIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new OptionValueError(`expected a number from ${min} to ${max}, got "${value}".`);
    }
    return n === 0 ? 0 : n; // "-0" is 0 (else it would print, and compare, as -0)
  };
}

/**
 * A comma-separated list of hidden layer widths, e.g. "128,64"; "" or "none" for no hidden layer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hiddenLayers } from "./option_values.ts";
 * assert.deepEqual(hiddenLayers("128, 64"), [128, 64]);
 * assert.deepEqual(hiddenLayers("none"), []);
 * ```
 */
export function hiddenLayers(value: string): number[] {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed === "none") return [];
  const parts = trimmed.split(",").map((part) => part.trim());
  const widths = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  if (widths.some((w) => !Number.isSafeInteger(w) || w < 1 || w > 4096) || widths.length > 8) {
    throw new OptionValueError(
      `expected up to 8 comma-separated layer widths from 1 to 4096 (e.g. 128,64), got "${value}".`,
    );
  }
  return widths;
}

/**
 * One of a fixed set of words, exactly as listed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneOf } from "./option_values.ts";
 * assert.equal(oneOf(["sgd", "adam"] as const)("adam"), "adam");
 * assert.throws(() => oneOf(["sgd", "adam"] as const)("Adam"), /expected one of sgd, adam/);
 * ```
 */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new OptionValueError(`expected one of ${choices.join(", ")}, got "${value}".`);
    }
    return value as T;
  };
}

/**
 * "all", or a whole number in [min, max]: a count that may be left unlimited.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allOrIntegerIn } from "./option_values.ts";
 * assert.equal(allOrIntegerIn(1, 100)(" all "), "all");
 * assert.equal(allOrIntegerIn(1, 100)("30"), 30);
 * ```
 */
export function allOrIntegerIn(min: number, max: number): (value: string) => number | "all" {
  return (value) => {
    if (value.trim() === "all") return "all";
    try {
      return integerIn(min, max)(value);
    } catch {
      throw new OptionValueError(
        `expected all or a whole number from ${min} to ${
          max.toLocaleString("en-US")
        }, got "${value}".`,
      );
    }
  };
}

/**
 * "off" or a number from `min` to `max`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offOrNumberIn } from "./option_values.ts";
 * assert.equal(offOrNumberIn(0, 1)("off"), "off");
 * assert.equal(offOrNumberIn(0, 1)("0.99"), 0.99);
 * assert.throws(() => offOrNumberIn(0, 1)("99"), /expected off or a number from 0 to 1/);
 * ```
 */
export function offOrNumberIn(min: number, max: number): (value: string) => number | "off" {
  return (value) => {
    if (value.trim() === "off") return "off";
    try {
      return numberIn(min, max)(value);
    } catch {
      throw new OptionValueError(`expected off or a number from ${min} to ${max}, got "${value}".`);
    }
  };
}

/**
 * "auto" or a whole number from `min` to `max`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { autoOrIntegerIn } from "./option_values.ts";
 * assert.equal(autoOrIntegerIn(1, 2)("auto"), "auto");
 * assert.equal(autoOrIntegerIn(1, 2)("2"), 2);
 * assert.throws(() => autoOrIntegerIn(1, 2)("3"), /expected auto or a whole number from 1 to 2/);
 * ```
 */
export function autoOrIntegerIn(min: number, max: number): (value: string) => number | "auto" {
  return (value) => {
    if (value.trim() === "auto") return "auto";
    try {
      return integerIn(min, max)(value);
    } catch {
      throw new OptionValueError(
        `expected auto or a whole number from ${min} to ${max}, got "${value}".`,
      );
    }
  };
}

/**
 * A network as a layer spec or preset name (see `parseLayerSpec` in src/network/layer_spec.ts),
 * checked and kept as text; "" stays "" (no layer list: the network comes from --hidden).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerSpecText } from "./option_values.ts";
 * assert.equal(layerSpecText(" cnn "), "cnn");
 * assert.equal(layerSpecText("conv5x8, pool, dense32"), "conv5x8,pool,dense32");
 * assert.throws(() => layerSpecText("conv5x8,pol"), /at 9: expected/);
 * ```
 */
export function layerSpecText(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "") return "";
  try {
    parseLayerSpec(trimmed);
  } catch (error) {
    throw new OptionValueError(`${(error as Error).message.replace(/\.$/, "")}.`);
  }
  return trimmed.split(",").map((item) => item.trim()).join(",");
}

/**
 * A comma-separated list of kinds out of `known`; "all" gives `all`, "none" (or nothing) [].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindList } from "./option_values.ts";
 * const parse = kindList(["icons", "shapes", "textures"], ["shapes", "textures"]);
 * assert.deepEqual(parse("shapes, icons"), ["shapes", "icons"]);
 * assert.deepEqual(parse("all"), ["shapes", "textures"]);
 * assert.deepEqual(parse("none"), []);
 * assert.throws(() => parse("dogs"), /expected none, all or kinds from icons, shapes, textures/);
 * ```
 */
export function kindList(
  known: readonly string[],
  all: readonly string[],
): (value: string) => string[] {
  return (value) => {
    const trimmed = value.trim().toLowerCase();
    if (trimmed === "" || trimmed === "none") return [];
    if (trimmed === "all") return [...all];
    const kinds = trimmed.split(",").map((kind) => kind.trim()).filter((kind) => kind !== "");
    if (kinds.length === 0 || !kinds.every((kind) => known.includes(kind))) {
      throw new OptionValueError(
        `expected none, all or kinds from ${known.join(", ")} (comma-separated), got "${value}".`,
      );
    }
    return [...new Set(kinds)];
  };
}
