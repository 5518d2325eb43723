/**
 * Plain-text rendering of download events, for output that is not a terminal.
 */
import type { FetchEvent } from "./fetch.ts";

/**
 * One line describing `event`, or undefined for events not worth a line of their own
 * (progress: a plain log would drown in them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFetchEvent } from "./fetch_events.ts";
 *
 * const file = "t10k-labels-idx1-ubyte.gz";
 * assert.equal(
 *   formatFetchEvent({ kind: "skipped", file, path: `data/${file}` }),
 *   "t10k-labels-idx1-ubyte.gz: already present and verified, skipped",
 * );
 * ```
 */
export function formatFetchEvent(event: FetchEvent): string | undefined {
  switch (event.kind) {
    case "start":
      return `downloading ${event.file} (${formatSize(event.totalBytes)}) from ${event.mirror}`;
    case "progress":
      return undefined;
    case "verified":
      return `${event.file}: checksum ok, saved as ${event.path}`;
    case "skipped":
      return `${event.file}: already present and verified, skipped`;
    case "mirror-failed":
      return `${event.file}: ${event.mirror} failed (${event.reason}); ` +
        (event.nextMirror ? `trying ${event.nextMirror}` : "no mirrors left");
    case "done":
      return `MNIST ready in ${event.dataDir}: ${event.downloaded} downloaded, ` +
        `${event.skipped} already present`;
  }
}

/** Decimal units like download sites use: "9.9 MB", "28.9 kB". */
function formatSize(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}
