/**
 * A short, seeded run of the fuzzer (tests/fuzz.ts) as `deno task fuzz` runs it: a separate
 * process with the task's permissions, so a hang or a memory blow-up fails the test instead of
 * taking the test runner down with it.
 */
import assert from "node:assert/strict";
import { taskPermissions } from "./env.ts";
import type { FuzzReport } from "./fuzz.ts";

const FUZZ = new URL("./fuzz.ts", import.meta.url).pathname;

async function runFuzz(args: string[], limitMs: number): Promise<FuzzReport> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...taskPermissions("fuzz"), FUZZ, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const output = await child.output();
  clearTimeout(timer);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.notEqual(output.signal, "SIGKILL", `fuzzer still running after ${limitMs} ms: ${stderr}`);
  const text = new TextDecoder().decode(output.stdout).trim();
  assert.ok(text.startsWith("{"), `no JSON report (exit ${output.code}):\n${text}\n${stderr}`);
  return JSON.parse(text);
}

Deno.test("fuzzing IDX, model, image files, CLI values and server bodies finds no crash, hang or blow-up", async () => {
  // 60 inputs per target (not "4 seconds": on a busy machine that was 15), whatever the load.
  const args = ["--count", "60", "--seconds", "60", "--seed", "20240601", "--json"];
  const report = await runFuzz(args, 120_000);
  const failures = report.failures.map((f) => `${f.target} #${f.index}: ${f.problem}`);
  assert.deepEqual(failures, [], `seed ${report.seed}:\n${failures.join("\n")}`);
  for (const target of ["idx", "model", "image", "cli", "server"] as const) {
    assert.ok(report.inputs[target] >= 50, `only ${report.inputs[target]} ${target} inputs`);
    // Both outcomes occur, so the mutations neither break everything nor nothing.
    assert.ok(report.refused[target] > 0, `${target}: nothing was refused`);
    if (target !== "cli") assert.ok(report.accepted[target] > 0, `${target}: nothing accepted`);
  }
  assert.ok(report.maxRssBytes < 1024 ** 3, `RSS reached ${report.maxRssBytes} bytes`);
});

Deno.test("the same seed and input indices give the same outcomes", async () => {
  const args = ["--seed", "5", "--from", "100", "--count", "60", "--seconds", "30", "--json"];
  const [first, second] = [await runFuzz(args, 60_000), await runFuzz(args, 60_000)];
  assert.deepEqual(first.inputs, second.inputs);
  assert.deepEqual(first.accepted, second.accepted);
  assert.deepEqual(first.refused, second.refused);
  assert.equal(first.inputs.model, 60);
});
