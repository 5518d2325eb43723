/** `fetch-data`: download and verify the four canonical MNIST files. */
import { fetchMnist, formatFetchEvent, MNIST_MIRRORS, resolveDataDir } from "../../data/mod.ts";
import { renderProgressLine } from "../../text/progress_bar.ts";
import type { CommandIo } from "../io.ts";

/** The flags of `fetch-data`. */
export interface FetchDataFlags {
  dataDir?: string;
  mirrors?: string[];
  json?: boolean;
}

/** Runs `fetch-data`; returns the exit status. */
export async function fetchDataCommand(flags: FetchDataFlags, io: CommandIo): Promise<number> {
  const live = io.isTerminal && !flags.json && io.color !== "none";
  const startMs = new Map<string, number>();
  await fetchMnist({
    dataDir: flags.dataDir ?? resolveDataDir().dir,
    mirrors: flags.mirrors ?? MNIST_MIRRORS,
    onEvent: (event) => {
      if (flags.json) {
        if (event.kind !== "progress") {
          io.write(JSON.stringify({ event: event.kind, ...event }) + "\n");
        }
        return;
      }
      if (event.kind === "start") startMs.set(event.file, performance.now());
      if (event.kind === "progress") {
        if (!live) return;
        io.write(
          "\r" + renderProgressLine({
            step: Math.round(event.receivedBytes / 1024),
            total: Math.max(1, Math.round(event.totalBytes / 1024)),
            elapsedMs: performance.now() - (startMs.get(event.file) ?? performance.now()),
            done: false,
            metrics: {},
            width: io.columns - 1,
            color: io.color,
          }) + " kB",
        );
        return;
      }
      const line = formatFetchEvent(event);
      if (line !== undefined) io.write((live ? "\r\x1b[K" : "") + line + "\n");
    },
  });
  return 0;
}
