/** Where commands write, and what they know about the terminal they write to. */
import { type ColorLevel, detectColorLevel } from "../text/color.ts";

const encoder = new TextEncoder();

/** The output side of a command: stdout/stderr writers plus terminal facts. */
export interface CommandIo {
  /** Writes text to stdout as is (no newline added). */
  write(text: string): void;
  /** Writes one line to stderr. */
  warn(line: string): void;
  /** Whether stdout is a terminal (live progress bars only then). */
  isTerminal: boolean;
  color: ColorLevel;
  /** Terminal width in columns (80 when unknown). */
  columns: number;
}

/** The real process streams. */
export function processIo(): CommandIo {
  const isTerminal = Deno.stdout.isTerminal();
  let columns = 80;
  if (isTerminal) {
    try {
      columns = Deno.consoleSize().columns || 80;
    } catch { /* not a console after all */ }
  }
  return {
    write: (text) => writeAll(Deno.stdout, text),
    warn: (line) => writeAll(Deno.stderr, line + "\n"),
    isTerminal,
    color: detectColorLevel(),
    columns,
  };
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}
