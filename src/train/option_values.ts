/**
 * Parsers of option values typed by a user (command-line flags, the Train form). Each throws
 * an OptionValueError whose message says what was expected; the front ends show it as one line.
 */

/** A typed value out of range or malformed; the message says what was expected. */
export class OptionValueError extends Error {
  override name = "OptionValueError";
}

/** A whole number in [min, max]. */
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

/** A finite number in [min, max] (decimal or exponent notation, e.g. 0.001 or 1e-3). */
export function numberIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new OptionValueError(`expected a number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

/** A comma-separated list of hidden layer widths, e.g. "128,64"; "" or "none" for no hidden layer. */
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
