/** Runs one command line and turns every failure into one clear line and an exit status. */
import { UserError } from "../errors.ts";
import { type CommandIo, processIo } from "./io.ts";
import { buildProgram, CommanderError } from "./program.ts";

/** Exit status for usage errors (unknown flag, bad value, missing argument). */
export const EXIT_USAGE = 2;

/**
 * Parses `args` (without the program name) and runs the command. Returns the exit status:
 * 0 success, 1 bad input or failure, 2 usage error, 130 interrupted training.
 */
export async function runCli(args: string[], io: CommandIo = processIo()): Promise<number> {
  const result = { status: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(args, { from: "user" });
    return result.status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its one-line message (or the help text).
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      if (error.code === "commander.help") return error.exitCode === 0 ? 0 : EXIT_USAGE;
      return EXIT_USAGE;
    }
    if (error instanceof UserError) {
      io.warn(`error: ${error.message}`);
      return error.exitCode;
    }
    if (isFileSystemError(error)) {
      io.warn(`error: ${error.message.split("\n")[0]}`);
      return 1;
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    io.warn(`error: unexpected failure: ${message} (set DIGITS_DEBUG=1 for details)`);
    if (Deno.env.get("DIGITS_DEBUG")) console.error(error);
    return 1;
  }
}

/**
 * Errors the operating system or Deno's path checks raise for a path the user gave (missing,
 * not allowed, too long, a NUL byte, empty, in /proc): the message names the path and the
 * reason, which is all a user needs.
 */
function isFileSystemError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (Object.values(Deno.errors).some((kind) => error instanceof kind)) return true;
  return /\(os error \d+\)|unexpected NUL byte|Empty path|Requires \w+ access/.test(error.message);
}
