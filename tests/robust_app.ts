/** Helpers for the robustness tests: the real app as a child process that can be signalled. */
import { spawnApp } from "./env.ts";
import { loadModelFile } from "../src/model/model_file.ts";

/** A running `main.ts` whose stdout is collected as it arrives. */
export interface RunningApp {
  child: Deno.ChildProcess;
  /** Stdout so far. */
  stdout(): string;
  /** Resolves once stdout contains `marker` (rejects if the process ends first). */
  waitFor(marker: string): Promise<void>;
  /** Waits for the end; the process is SIGKILLed (and `timedOut` set) after `limitMs`. */
  finish(
    limitMs?: number,
  ): Promise<{ code: number; signal: Deno.Signal | null; stdout: string; stderr: string }>;
}

/** Starts `main.ts args` as `deno task start` would, color off, MNIST from MNIST_DIR. */
export function startApp(args: string[], env: Record<string, string> = {}): RunningApp {
  const child = spawnApp(args, { env });
  let text = "";
  const waiters: { marker: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const decoder = new TextDecoder();
  const stderr = new Response(child.stderr).text();
  const pumped = (async () => {
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      for (const w of waiters.filter((w) => text.includes(w.marker))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    for (const w of waiters) w.reject(new Error(`ended before printing "${w.marker}":\n${text}`));
  })();
  return {
    child,
    stdout: () => text,
    waitFor: (marker) =>
      text.includes(marker)
        ? Promise.resolve()
        : new Promise((resolve, reject) => waiters.push({ marker, resolve, reject })),
    async finish(limitMs = 60_000) {
      const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
      const status = await child.status;
      clearTimeout(timer);
      await pumped;
      return { code: status.code, signal: status.signal, stdout: text, stderr: await stderr };
    },
  };
}

/** The tensors of a model file, as raw bits per name (metadata such as dates ignored). */
export async function tensorBits(path: string): Promise<Map<string, Uint32Array>> {
  const model = await loadModelFile(path);
  return new Map(
    model.tensors.map((
      t,
    ) => [t.name, new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)]),
  );
}

/** Names in `dir` of atomic-write temp files (`.<name>.<pid>.<id>.tmp`). */
export async function tempFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".") && entry.name.endsWith(".tmp")) names.push(entry.name);
  }
  return names.sort();
}
