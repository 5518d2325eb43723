import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { type FetchEvent, fetchMnist, MNIST_SHA256, sha256Hex } from "./fetch.ts";
import { MNIST_FILES } from "./locate.ts";
import { MNIST_DIR, skipUnless } from "../../tests/env.ts";

/** The real canonical files, served by the local mirrors below (from the full MNIST). */
const ignore = skipUnless(import.meta, "mnist");
const fixtures = new Map<string, Uint8Array<ArrayBuffer>>();
for (const name of ignore ? [] : MNIST_FILES) {
  fixtures.set(`${name}.gz`, await Deno.readFile(`${MNIST_DIR}/${name}.gz`));
}

/**
 * How a local mirror misbehaves, chosen by the first path segment:
 * good, corrupt (one byte changed), half (announces the full length, sends half, closes),
 * short (no length announced, ends after half), stall (half, then silence), missing (404).
 */
type MirrorMode = "good" | "corrupt" | "half" | "short" | "stall" | "missing";

interface LocalMirrors {
  url(mode: MirrorMode): string;
  /** Requests received, as "mode/file". */
  requests: string[];
  close(): Promise<void>;
}

function startMirrors(): LocalMirrors {
  const requests: string[] = [];
  const stalls: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const [, mode, file] = new URL(request.url).pathname.split("/");
    requests.push(`${mode}/${file}`);
    const bytes = fixtures.get(file);
    if (!bytes || mode === "missing") return new Response("not found", { status: 404 });
    const headers: Record<string, string> = mode === "short"
      ? {}
      : { "content-length": String(bytes.length) };
    if (mode === "corrupt") {
      const corrupt = bytes.slice();
      corrupt[corrupt.length >> 1] ^= 0x01;
      return new Response(corrupt, { headers });
    }
    if (mode === "half" || mode === "short" || mode === "stall") {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, bytes.length >> 1));
        },
        pull(controller) {
          if (mode !== "stall") {
            controller.close();
            return;
          }
          // Stall: never send more; released when the client gives up or the test ends.
          return new Promise<void>((resolve) => stalls.push(resolve));
        },
      }, { highWaterMark: 0 });
      return new Response(body, { headers });
    }
    return new Response(bytes, { headers });
  });
  const { port } = server.addr;
  return {
    url: (mode) => `http://127.0.0.1:${port}/${mode}/`,
    requests,
    async close() {
      for (const release of stalls) release();
      await server.shutdown();
    },
  };
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

async function assertHoldsCanonicalFiles(dir: string) {
  assert.deepEqual(await listDir(dir), [...fixtures.keys()].sort());
  for (const [file, bytes] of fixtures) {
    // Compared by hash: a deepEqual diff of 10 MB arrays would take minutes to print.
    const written = await Deno.readFile(`${dir}/${file}`);
    assert.equal(written.length, bytes.length, `${file} has the wrong length`);
    assert.equal(await sha256Hex(written), await sha256Hex(bytes), `${file} differs`);
  }
}

Deno.test({
  name: "the checksum table matches the canonical files",
  ignore,
  fn: async () => {
    for (const name of MNIST_FILES) {
      assert.equal(await sha256Hex(fixtures.get(`${name}.gz`)!), MNIST_SHA256[name]);
    }
  },
});

Deno.test({
  name: "downloads the four files into a new folder, byte-identical",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const root = await Deno.makeTempDir();
    const dataDir = `${root}/nested/data`;
    const events: FetchEvent[] = [];
    try {
      await fetchMnist({ dataDir, mirrors: [mirrors.url("good")], onEvent: (e) => events.push(e) });
      await assertHoldsCanonicalFiles(dataDir);
      assert.deepEqual(
        events.filter((e) => e.kind === "verified").map((e) => e.file),
        MNIST_FILES.map((name) => `${name}.gz`),
      );
      const progress = events.filter((e) => e.kind === "progress");
      assert.ok(progress.length >= 4);
      const lastProgress = progress.at(-1)!;
      assert.equal(lastProgress.receivedBytes, lastProgress.totalBytes);
      assert.deepEqual(events.at(-1), { kind: "done", dataDir, downloaded: 4, skipped: 0 });
    } finally {
      await mirrors.close();
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a mirror serving a corrupted file is rejected and the next mirror is used",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const dataDir = await Deno.makeTempDir();
    const events: FetchEvent[] = [];
    try {
      await fetchMnist({
        dataDir,
        mirrors: [mirrors.url("corrupt"), mirrors.url("good")],
        onEvent: (e) => events.push(e),
      });
      await assertHoldsCanonicalFiles(dataDir);
      const failures = events.filter((e) => e.kind === "mirror-failed");
      assert.equal(failures.length, 4);
      assert.match(failures[0].reason, /^checksum mismatch/);
      assert.equal(failures[0].nextMirror, mirrors.url("good"));
      const verified = events.filter((e) => e.kind === "verified");
      assert.ok(verified.every((e) => e.mirror === mirrors.url("good")));
    } finally {
      await mirrors.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a mirror that breaks off mid-transfer falls back to the next",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const dataDir = await Deno.makeTempDir();
    const events: FetchEvent[] = [];
    try {
      await fetchMnist({
        dataDir,
        mirrors: [
          mirrors.url("half"),
          mirrors.url("short"),
          mirrors.url("missing"),
          mirrors.url("good"),
        ],
        onEvent: (e) => events.push(e),
      });
      await assertHoldsCanonicalFiles(dataDir);
      const reasons = events.flatMap((e) => e.kind === "mirror-failed" ? [e.reason] : []);
      assert.equal(reasons.length, 12);
      assert.match(reasons[0], /^connection broke off after \d+ of 9912422 bytes/);
      assert.equal(reasons[1], "connection closed after 4956211 of 9912422 bytes");
      assert.equal(reasons[2], "HTTP 404 Not Found");
    } finally {
      await mirrors.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a mirror that stalls is given up after the time-out",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const dataDir = await Deno.makeTempDir();
    const events: FetchEvent[] = [];
    try {
      await fetchMnist({
        dataDir,
        mirrors: [mirrors.url("stall"), mirrors.url("good")],
        onEvent: (e) => events.push(e),
        stallTimeoutMs: 200,
      });
      await assertHoldsCanonicalFiles(dataDir);
      const failure = events.find((e) => e.kind === "mirror-failed");
      assert.equal(
        failure?.kind === "mirror-failed" && failure.reason,
        "no data for 0.2 s, gave up",
      );
    } finally {
      await mirrors.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "when every mirror fails: a UserError naming the file, and nothing left behind",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const dataDir = await Deno.makeTempDir();
    try {
      await assert.rejects(
        fetchMnist({ dataDir, mirrors: [mirrors.url("corrupt"), mirrors.url("half")] }),
        (error: unknown) => {
          assert.ok(error instanceof UserError);
          assert.match(
            error.message,
            /^train-images-idx3-ubyte\.gz: download failed from all 2 mirror\(s\); last error: ./,
          );
          return true;
        },
      );
      assert.deepEqual(await listDir(dataDir), []);
    } finally {
      await mirrors.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a second run skips verified files and replaces a damaged one",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const dataDir = await Deno.makeTempDir();
    try {
      await fetchMnist({ dataDir, mirrors: [mirrors.url("good")] });
      assert.equal(mirrors.requests.length, 4);
      const damaged = `${dataDir}/t10k-labels-idx1-ubyte.gz`;
      const bytes = await Deno.readFile(damaged);
      bytes[100] ^= 0xff;
      await Deno.writeFile(damaged, bytes);

      const events: FetchEvent[] = [];
      await fetchMnist({ dataDir, mirrors: [mirrors.url("good")], onEvent: (e) => events.push(e) });
      assert.deepEqual(mirrors.requests.slice(4), ["good/t10k-labels-idx1-ubyte.gz"]);
      assert.deepEqual(
        events.filter((e) => e.kind === "skipped").map((e) => e.file),
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"],
      );
      assert.deepEqual(events.at(-1), { kind: "done", dataDir, downloaded: 1, skipped: 3 });
      await assertHoldsCanonicalFiles(dataDir);
    } finally {
      await mirrors.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "cancelling through the signal stops the download",
  ignore,
  fn: async () => {
    const mirrors = startMirrors();
    const dataDir = await Deno.makeTempDir();
    const controller = new AbortController();
    try {
      const fetching = fetchMnist({
        dataDir,
        mirrors: [mirrors.url("stall"), mirrors.url("good")],
        signal: controller.signal,
        onEvent: (e) => {
          if (e.kind === "progress") controller.abort(new Error("cancelled by the user"));
        },
      });
      await assert.rejects(fetching, /cancelled by the user/);
      assert.deepEqual(await listDir(dataDir), []);
      assert.ok(!mirrors.requests.some((request) => request.startsWith("good/")));
    } finally {
      await mirrors.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("a data folder path that is a file is a UserError", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${root}/data`, new Uint8Array());
    await assert.rejects(
      fetchMnist({ dataDir: `${root}/data`, mirrors: ["http://127.0.0.1:9/"] }),
      (error: unknown) => error instanceof UserError && /data: it is a file/.test(error.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
