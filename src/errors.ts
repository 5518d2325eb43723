/**
 * An error caused by what the user gave us (a bad flag, a missing file, a corrupt model).
 * The command layer prints its message as one line, without a stack trace, and exits 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UserError } from "./errors.ts";
 *
 * const error = new UserError("--epochs: expected a whole number from 1 to 1000, got 0", 2);
 * assert.equal(error.exitCode, 2); // a usage error; bad input or files exit with 1 (the default)
 * assert.equal(error.message, "--epochs: expected a whole number from 1 to 1000, got 0");
 * ```
 */
export class UserError extends Error {
  /** Process exit status to use: 1 for bad input, 2 for usage errors. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/**
 * A thrown value as one line (the first of its message), for a status row or a JSON error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorLine } from "./errors.ts";
 *
 * assert.equal(errorLine(new Error("no such file\n  at read")), "no such file");
 * assert.equal(errorLine("stopped"), "stopped");
 * ```
 */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
