/** Runs the real app (main.ts) in a subprocess, as `deno task start` would, for end-to-end tests. */
import assert from "node:assert/strict";
import { spawnApp } from "./env.ts";

/** What a finished app process left behind. */
export interface AppResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main.ts` with `args` from `cwd` (default: the project root), stdin closed, color off.
 * Extra environment variables are merged in; MNIST_DIR defaults to the full MNIST (tests/env.ts).
 */
export async function runApp(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: Uint8Array } = {},
): Promise<AppResult> {
  const child = spawnApp(args, { ...options, stdin: options.stdin !== undefined });
  if (options.stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(options.stdin);
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Parses JSON lines output. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

/** A failed run that says why in one line on stderr: non-zero exit, no stack trace. */
export function assertOneLineError(result: { code: number; stderr: string }, pattern: RegExp) {
  assert.notEqual(result.code, 0, "exit status should be non-zero");
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\bat .*:\d+:\d+/, "no stack trace");
}
