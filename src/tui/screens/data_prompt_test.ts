import assert from "node:assert/strict";
import { MNIST_FILES } from "../../data/locate.ts";
import { MNIST_GZ_BYTES, MNIST_MIRRORS } from "../../data/fetch.ts";
import {
  dataPromptKey,
  dataPromptScreen,
  type DataPromptState,
  type DownloadMessage,
  mirrorsFromEnvironment,
  renderDataPrompt,
} from "./data_prompt.ts";
import { visibleWidth } from "../../text/layout.ts";
import type { Message, Work } from "../screen_loop.ts";
import { key, simulate } from "../screen_loop_testing.ts";
import { MNIST_DIR, skipUnless } from "../../../tests/env.ts";

// The local mirror serves the full MNIST.
const ignore = skipUnless(import.meta, "mnist");

Deno.test("data prompt: the reason wrapped to the width, both ways out, no color codes", () => {
  const state: DataPromptState = {
    reason: "MNIST data not found: ./data does not exist; run `deno task start fetch-data`",
    dataDir: "./data",
    phase: "choose",
    log: [],
  };
  const lines = renderDataPrompt(state, { columns: 40, rows: 24 }, "none");
  for (const line of lines) assert.ok([...line].length <= 40, line);
  const text = lines.join("\n");
  assert.match(text, /^MNIST data not found: \.\/data does not\nexist;/);
  assert.match(text, /f +Download MNIST \(11 MB\)/);
  assert.match(text, /s +Use the offline sample/);
  assert.ok(!text.includes("\x1b"));
});

Deno.test("data prompt: while downloading, the file's progress and the finished steps", () => {
  const state: DataPromptState = {
    reason: "MNIST data not found",
    dataDir: "data",
    phase: "downloading",
    log: ["train-images-idx3-ubyte.gz verified"],
    progress: {
      file: "train-labels-idx1-ubyte.gz",
      receivedBytes: 14_000,
      totalBytes: 28_881,
      startMs: 0,
    },
  };
  const text = renderDataPrompt(state, { columns: 80, rows: 24 }, "none", 1000).join("\n");
  assert.doesNotMatch(text, /Download MNIST now/, "no choices while downloading");
  assert.match(text, /train-images-idx3-ubyte\.gz verified/);
  assert.match(
    text,
    /train-labels-idx1-ubyte\.gz\n +━+─+ 0\.0 of 0\.0 MB · 0\.0 MB\/s · 1s left$/m,
  );
  const big = { ...state.progress!, receivedBytes: 4_800_000, totalBytes: 9_912_422 };
  const line = (nowMs: number, columns = 80) =>
    renderDataPrompt({ ...state, progress: big }, { columns, rows: 24 }, "none", nowMs).at(-1)!;
  assert.match(line(4000), /^ {2}━{15}─{15} 4\.8 of 9\.9 MB · 1\.2 MB\/s · 4s left$/);
  assert.match(line(100), / 4\.8 of 9\.9 MB$/, "no rate in the first moments");
  assert.ok(visibleWidth(line(4000, 30)) <= 30);
});

Deno.test("data prompt: many failed mirrors give way to the error, which stays in view", () => {
  const state: DataPromptState = {
    reason: "MNIST data not found",
    dataDir: "data",
    phase: "failed",
    log: Array.from({ length: 30 }, (_, i) => `step ${i}`),
    error: "Cannot download MNIST: no mirror delivered train-images-idx3-ubyte.gz",
  };
  const lines = renderDataPrompt(state, { columns: 80, rows: 20 }, "none");
  assert.equal(lines.length, 20);
  const text = lines.join("\n");
  assert.match(text, /… 21 earlier steps\n {2}step 21\n/);
  assert.match(text, /step 29\n\nCannot download MNIST: no mirror delivered/);
  assert.match(text, /f +Download MNIST now/, "the choices are offered again");
});

Deno.test("data prompt keys: f or d download, s sample, others nothing", () => {
  assert.equal(dataPromptKey(key("f")), "download");
  assert.equal(dataPromptKey(key("d")), "download");
  assert.equal(dataPromptKey(key("s")), "sample");
  assert.equal(dataPromptKey(key("x")), undefined);
  assert.equal(dataPromptKey(key("ctrl+s")), undefined);
});

Deno.test("data prompt: s chooses the sample, Esc and q go back, at once", () => {
  const prompt = () => dataPromptScreen("MNIST data not found", "data");
  assert.equal(simulate(prompt(), ["s"]).exit?.value, "sample");
  assert.equal(simulate(prompt(), ["escape"]).exit?.value, "back");
  assert.equal(simulate(prompt(), ["q"]).exit?.value, "back");
  assert.equal(simulate(prompt(), ["x", "enter"]).exit, undefined);
});

Deno.test("mirrorsFromEnvironment: DIGITS_MNIST_MIRRORS replaces the public mirrors", () => {
  const saved = Deno.env.get("DIGITS_MNIST_MIRRORS");
  try {
    Deno.env.set("DIGITS_MNIST_MIRRORS", " http://a.example/mnist/ ,,http://b.example/");
    assert.deepEqual(mirrorsFromEnvironment(), ["http://a.example/mnist/", "http://b.example/"]);
    Deno.env.set("DIGITS_MNIST_MIRRORS", " , ");
    assert.deepEqual(mirrorsFromEnvironment(), MNIST_MIRRORS);
    Deno.env.delete("DIGITS_MNIST_MIRRORS");
    assert.deepEqual(mirrorsFromEnvironment(), MNIST_MIRRORS);
  } finally {
    if (saved !== undefined) Deno.env.set("DIGITS_MNIST_MIRRORS", saved);
    else Deno.env.delete("DIGITS_MNIST_MIRRORS");
  }
});

/**
 * A local mirror on 127.0.0.1 serving the real MNIST files; "missing/" answers 404 and
 * "stall/" sends half a file and then nothing until the client gives up.
 */
function startMirror() {
  const requests: string[] = [];
  const stalls: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    const [, mode, file] = new URL(r.url).pathname.split("/");
    requests.push(`${mode}/${file}`);
    if (mode === "missing") return new Response("not found", { status: 404 });
    const bytes = await Deno.readFile(`${MNIST_DIR}/${file}`);
    if (mode !== "stall") return new Response(bytes);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, bytes.length >> 1));
      },
      // Never sends more; released when the test ends.
      pull: () => new Promise<void>((resolve) => stalls.push(resolve)),
    }, { highWaterMark: 0 });
    return new Response(body, { headers: { "content-length": String(bytes.length) } });
  });
  return {
    url: (mode: string) => `http://127.0.0.1:${server.addr.port}/${mode}/`,
    requests,
    async close() {
      for (const release of stalls) release();
      await server.shutdown();
    },
  };
}

/** Runs `fn` with DIGITS_MNIST_MIRRORS set to `mirrors`. */
async function withMirrors<T>(mirrors: string, fn: () => Promise<T>): Promise<T> {
  const saved = Deno.env.get("DIGITS_MNIST_MIRRORS");
  Deno.env.set("DIGITS_MNIST_MIRRORS", mirrors);
  try {
    return await fn();
  } finally {
    if (saved !== undefined) Deno.env.set("DIGITS_MNIST_MIRRORS", saved);
    else Deno.env.delete("DIGITS_MNIST_MIRRORS");
  }
}

/** The work the step started (the loop would run it). */
function startedWork(steps: { work?: Work<DownloadMessage>[] }[]): Work<DownloadMessage> {
  const work = steps.flatMap((step) => step.work ?? []);
  assert.equal(work.length, 1, "one download started");
  return work[0];
}

const asMessages = (sent: DownloadMessage[]): Message<DownloadMessage>[] =>
  sent.map((message) => ({ type: "work", message }));

Deno.test({
  name: "data prompt: f downloads from the mirror with progress; a key then continues",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const mirror = startMirror();
    try {
      const prompt = dataPromptScreen("MNIST data not found", `${dir}/data`);
      const started = simulate(prompt, ["f"]);
      assert.equal(started.state.phase, "downloading");
      assert.equal(started.view.footer, "downloading… Esc cancels");
      const sent: DownloadMessage[] = [];
      await withMirrors(
        `${mirror.url("missing")},${mirror.url("good")}`,
        () => startedWork(started.steps).run((m) => sent.push(m), new AbortController().signal),
      );
      assert.equal(sent[sent.length - 1].type, "finished");
      for (const name of MNIST_FILES) {
        assert.equal((await Deno.stat(`${dir}/data/${name}.gz`)).size, MNIST_GZ_BYTES[name]);
        assert.ok(mirror.requests.includes(`missing/${name}.gz`), "the first mirror was tried");
      }

      // Part way: the file in progress, with its bar.
      const firstProgress = sent.findIndex((m) =>
        m.type === "fetch" && m.event.kind === "progress"
      );
      const partway = simulate(prompt, ["f", ...asMessages(sent.slice(0, firstProgress + 1))]);
      assert.match(
        partway.view.body.join("\n"),
        /train-images-idx3-ubyte\.gz\n +━*─+ \d\.\d of 9\.9 MB/,
      );
      assert.match(partway.view.body.join("\n"), /127\.0\.0\.1:\d+\/missing\/ failed \(HTTP 404/);

      // Done: every step logged, and any key goes on to the screen.
      const done = simulate(prompt, ["f", ...asMessages(sent)]);
      const text = done.view.body.join("\n");
      assert.match(text, /t10k-labels-idx1-ubyte\.gz: checksum ok/);
      assert.match(text, /MNIST ready in .*: 4 downloaded, 0 already present/);
      assert.doesNotMatch(text, /Download MNIST now/);
      assert.equal(done.view.footer, "MNIST is ready · press any key to continue");
      assert.equal(done.exit, undefined);
      assert.equal(simulate(prompt, ["f", ...asMessages(sent), "enter"]).exit?.value, "download");
      assert.equal(simulate(prompt, ["f", ...asMessages(sent), "escape"]).exit?.value, "download");
    } finally {
      await mirror.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "data prompt: a failed download stays on the prompt with its reason; s still works",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const mirror = startMirror();
    try {
      const prompt = dataPromptScreen("MNIST data not found", `${dir}/data`);
      const started = simulate(prompt, ["f"]);
      const sent: DownloadMessage[] = [];
      await withMirrors(
        mirror.url("missing"),
        () => startedWork(started.steps).run((m) => sent.push(m), new AbortController().signal),
      );
      const last = sent[sent.length - 1];
      assert.equal(last.type, "failed");
      const failed = simulate(prompt, ["f", ...asMessages(sent)]);
      assert.equal(failed.exit, undefined);
      const text = failed.view.body.join("\n");
      assert.match(text, /Cannot download MNIST: train-images-idx3-ubyte\.gz: [^]*HTTP 404/);
      assert.match(text, /f +Download MNIST now/);
      assert.equal(failed.view.footer, "f download · s offline sample · Esc back");
      // f tries again (a new download), s takes the sample.
      const again = simulate(prompt, ["f", ...asMessages(sent), "f"]);
      assert.equal(again.state.phase, "downloading");
      assert.equal(again.state.error, undefined);
      assert.equal(again.steps.flatMap((step) => step.work ?? []).length, 2);
      assert.equal(simulate(prompt, ["f", ...asMessages(sent), "s"]).exit?.value, "sample");
    } finally {
      await mirror.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "data prompt: Esc cancels a download in progress; the prompt says so and stays",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const mirror = startMirror();
    try {
      const prompt = dataPromptScreen("MNIST data not found", `${dir}/data`);
      const started = simulate(prompt, ["f"]);
      const sent: DownloadMessage[] = [];
      const abort = new AbortController();
      await withMirrors(mirror.url("stall"), () =>
        startedWork(started.steps).run((m) => {
          sent.push(m);
          // Half the first file arrived, then the mirror stalls: the user presses Esc.
          if (m.type === "fetch" && m.event.kind === "progress") abort.abort();
        }, abort.signal));
      const last = sent[sent.length - 1];
      assert.deepEqual(last, { type: "failed", reason: "cancelled", cancelled: true });
      assert.equal((await Array.fromAsync(Deno.readDir(`${dir}/data`))).length, 0, "nothing kept");

      // Esc asks the loop to cancel the download and waits for it to end.
      const before = sent.slice(0, -1);
      const escape = simulate(prompt, ["f", ...asMessages(before), "escape"]);
      assert.deepEqual(escape.steps[escape.steps.length - 1].cancel, ["download"]);
      assert.equal(escape.exit, undefined);
      assert.equal(escape.view.footer, "cancelling… Esc again leaves");
      assert.equal(
        simulate(prompt, ["f", ...asMessages(before), "escape", "escape"]).exit?.value,
        "back",
      );
      // Then the cancelled download reports: back to the choices.
      const cancelled = simulate(prompt, [
        "f",
        ...asMessages(before),
        "escape",
        ...asMessages([last]),
      ]);
      assert.equal(cancelled.exit, undefined);
      assert.match(cancelled.view.body.join("\n"), /f +Download MNIST now[^]*download cancelled/);
      assert.equal(cancelled.view.footer, "f download · s offline sample · Esc back");
    } finally {
      await mirror.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
