/**
 * An error caused by what the user gave us (a bad flag, a missing file, a corrupt model).
 * The command layer prints its message as one line, without a stack trace, and exits 1.
 *
 * @example
 * ```ts
 * throw new UserError(`models/x.safetensors: not a model file (header length 0)`);
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
