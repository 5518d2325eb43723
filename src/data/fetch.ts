/**
 * Downloading the four canonical MNIST files from public mirrors, verified by SHA-256.
 * Reports what happens as events; never prints.
 */
import { UserError } from "../errors.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { MNIST_FILES, type MnistFileName } from "./locate.ts";

/** Public mirrors of the original MNIST files, tried in this order for each file. */
export const MNIST_MIRRORS: readonly string[] = [
  "https://ossci-datasets.s3.amazonaws.com/mnist/",
  "https://storage.googleapis.com/cvdf-datasets/mnist/",
  "http://yann.lecun.com/exdb/mnist/",
];

/** SHA-256 of each canonical `.gz` file; identical on every mirror. */
export const MNIST_SHA256: Readonly<Record<MnistFileName, string>> = {
  "train-images-idx3-ubyte": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
  "train-labels-idx1-ubyte": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
  "t10k-images-idx3-ubyte": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
  "t10k-labels-idx1-ubyte": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
};

/** Size in bytes of each canonical `.gz` file: known up front, so a download is bounded. */
export const MNIST_GZ_BYTES: Readonly<Record<MnistFileName, number>> = {
  "train-images-idx3-ubyte": 9_912_422,
  "train-labels-idx1-ubyte": 28_881,
  "t10k-images-idx3-ubyte": 1_648_877,
  "t10k-labels-idx1-ubyte": 4_542,
};

/** Give up on a mirror when it sends nothing for this long (no response or a stalled body). */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** What happens during a fetch; `file` is the `.gz` name, e.g. "t10k-labels-idx1-ubyte.gz". */
export type FetchEvent =
  | { kind: "start"; file: string; mirror: string; url: string; totalBytes: number }
  | { kind: "progress"; file: string; mirror: string; receivedBytes: number; totalBytes: number }
  | { kind: "verified"; file: string; mirror: string; path: string; totalBytes: number }
  | { kind: "skipped"; file: string; path: string }
  | { kind: "mirror-failed"; file: string; mirror: string; reason: string; nextMirror?: string }
  | { kind: "done"; dataDir: string; downloaded: number; skipped: number };

/** Where to put the files and how to report. */
export interface FetchOptions {
  /** Folder to download into; created when missing. */
  dataDir: string;
  /** Mirror base URLs (ending in `/` or not), tried in order per file. Default MNIST_MIRRORS. */
  mirrors?: readonly string[];
  /** Receives every event, in order. */
  onEvent?: (event: FetchEvent) => void;
  /** Cancels the fetch; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Per-mirror stall time-out. Default DEFAULT_STALL_TIMEOUT_MS. */
  stallTimeoutMs?: number;
}

/**
 * Downloads the four MNIST `.gz` files into `dataDir`, skipping files already there with the
 * right checksum. Each file is tried on every mirror in turn until one delivers it complete and
 * with the canonical SHA-256; it is then written atomically. Throws a UserError naming the
 * file and the last mirror's reason when no mirror delivers it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchMnist } from "./fetch.ts";
 *
 * // fetchMnist({ dataDir: "data" }) downloads from the public mirrors. Here a mirror on localhost
 * // serves the wrong bytes: no file passes its SHA-256, nothing is kept, the error names the file.
 * const wrongBytes = () => new Response("not MNIST");
 * await using mirror = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, wrongBytes);
 * const dataDir = await Deno.makeTempDir();
 * await assert.rejects(
 *   fetchMnist({ dataDir, mirrors: [`http://127.0.0.1:${mirror.addr.port}/`] }),
 *   /train-images-idx3-ubyte\.gz: download failed from all 1 mirror/,
 * );
 * assert.deepEqual([...Deno.readDirSync(dataDir)], []);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function fetchMnist(options: FetchOptions): Promise<void> {
  const { dataDir, signal } = options;
  const mirrors = options.mirrors ?? MNIST_MIRRORS;
  const emit = options.onEvent ?? (() => {});
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (mirrors.length === 0) throw new UserError("fetch-data: no mirrors to download from");
  await ensureFolder(dataDir);

  let downloaded = 0;
  let skipped = 0;
  for (const name of MNIST_FILES) {
    signal?.throwIfAborted();
    const file = `${name}.gz`;
    const path = `${dataDir.replace(/\/+$/, "")}/${file}`;
    const expectedSha256 = MNIST_SHA256[name];
    const totalBytes = MNIST_GZ_BYTES[name];
    if (await hasVerifiedFile(path, totalBytes, expectedSha256)) {
      emit({ kind: "skipped", file, path });
      skipped++;
      continue;
    }
    let lastReason = "";
    let bytes: Uint8Array | undefined;
    let source = "";
    for (let m = 0; m < mirrors.length && !bytes; m++) {
      const mirror = mirrors[m];
      const url = mirror.endsWith("/") ? `${mirror}${file}` : `${mirror}/${file}`;
      emit({ kind: "start", file, mirror, url, totalBytes });
      try {
        const body = await download(url, totalBytes, stallTimeoutMs, signal, (receivedBytes) => {
          emit({ kind: "progress", file, mirror, receivedBytes, totalBytes });
        });
        const actual = await sha256Hex(body);
        if (actual !== expectedSha256) {
          throw new MirrorError(
            `checksum mismatch: got SHA-256 ${actual.slice(0, 12)}..., ` +
              `expected ${expectedSha256.slice(0, 12)}...`,
          );
        }
        bytes = body;
        source = mirror;
      } catch (error) {
        if (!(error instanceof MirrorError)) throw error;
        lastReason = error.message;
        emit({
          kind: "mirror-failed",
          file,
          mirror,
          reason: lastReason,
          nextMirror: mirrors[m + 1],
        });
      }
    }
    if (!bytes) {
      throw new UserError(
        `${file}: download failed from all ${mirrors.length} mirror(s); last error: ${lastReason}`,
      );
    }
    await writeFileAtomic(path, bytes);
    emit({ kind: "verified", file, mirror: source, path, totalBytes });
    downloaded++;
  }
  emit({ kind: "done", dataDir, downloaded, skipped });
}

/** Why one mirror could not deliver one file; the caller moves on to the next mirror. */
class MirrorError extends Error {}

/** Creates `dir` (and parents) unless it exists; a UserError when that is impossible. */
async function ensureFolder(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new UserError(`cannot download into ${dir}: it is a file, expected a folder`);
    }
    throw new UserError(`cannot create folder ${dir}: ${firstLine(error)}`);
  }
}

/** True when `path` is a file of `expectedBytes` whose SHA-256 is `expectedSha256`. */
async function hasVerifiedFile(
  path: string,
  expectedBytes: number,
  expectedSha256: string,
): Promise<boolean> {
  try {
    // Checking the size first avoids reading (and hashing) whatever large file sits there.
    if ((await Deno.stat(path)).size !== expectedBytes) return false;
    return await sha256Hex(await Deno.readFile(path)) === expectedSha256;
  } catch {
    return false; // missing or unreadable: download it (a write problem will surface then)
  }
}

/** Lower-case hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * GETs `url` into a buffer of exactly `expectedBytes`, failing with a MirrorError on an HTTP
 * error, a connection error, a body longer or shorter than expected, or `stallTimeoutMs`
 * without data. Reports progress about every 1% of the file.
 */
async function download(
  url: string,
  expectedBytes: number,
  stallTimeoutMs: number,
  signal: AbortSignal | undefined,
  onProgress: (receivedBytes: number) => void,
): Promise<Uint8Array> {
  const controller = new AbortController();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armStallTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallTimeoutMs);
  };
  const abortFromCaller = () => controller.abort();
  signal?.addEventListener("abort", abortFromCaller);
  armStallTimer();
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new MirrorError(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    if (!response.body) throw new MirrorError("empty response");
    const reader = response.body.getReader();
    const buffer = new Uint8Array(expectedBytes);
    const progressStep = Math.max(1, Math.floor(expectedBytes / 100));
    let received = 0;
    let nextProgress = 0;
    while (true) {
      armStallTimer();
      const { done, value } = await reader.read().catch((error) => {
        if (stalled || signal?.aborted) throw error;
        throw new MirrorError(
          `connection broke off after ${received} of ${expectedBytes} bytes (${firstLine(error)})`,
        );
      });
      if (done) break;
      if (received + value.length > expectedBytes) {
        await reader.cancel();
        throw new MirrorError(`sent more than the expected ${expectedBytes} bytes`);
      }
      buffer.set(value, received);
      received += value.length;
      if (received >= nextProgress) {
        onProgress(received);
        nextProgress = received + progressStep;
      }
    }
    if (received < expectedBytes) {
      throw new MirrorError(`connection closed after ${received} of ${expectedBytes} bytes`);
    }
    return buffer;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (stalled) throw new MirrorError(`no data for ${stallTimeoutMs / 1000} s, gave up`);
    if (error instanceof MirrorError) throw error;
    throw new MirrorError(firstLine(error));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abortFromCaller);
  }
}

/** First line of an error's message: reasons are shown inside one-line messages. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
