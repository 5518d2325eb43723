/**
 * The menu without MNIST on the machine: a screen that needs data offers, in place, to download
 * it (from a local mirror here, serving the full MNIST) or to use the offline sample. They need
 * tmux; the two that download need the full MNIST to serve.
 */
import assert from "node:assert/strict";
import { MNIST_FILES } from "../src/data/locate.ts";
import { MNIST_DIR, SHIPPED_MODEL, skipUnless } from "./env.ts";
import { TmuxSession } from "./tmux.ts";

const ignore = skipUnless(import.meta, "tmux", "mnist");

Deno.test({
  name: "tui data: no MNIST, Test offers a download; f fetches it from a mirror, then tests",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "digits-nodata-" });
    const requests: string[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
      const name = new URL(r.url).pathname.slice(1);
      requests.push(name);
      try {
        return new Response(await Deno.readFile(`${MNIST_DIR}/${name}`));
      } catch {
        return new Response("not found", { status: 404 });
      }
    });
    try {
      await using tmux = await TmuxSession.start({
        args: ["--data-dir", `${dir}/data`, "--model", SHIPPED_MODEL],
        env: { DIGITS_MNIST_MIRRORS: `http://127.0.0.1:${server.addr.port}/`, NO_COLOR: "1" },
        cwd: dir,
      });
      await tmux.waitFor(/9 {2}Quit/);
      await tmux.keys("2");
      let screen = await tmux.waitFor(/── MNIST data/);
      assert.match(screen, /data: folder does not exist/);
      assert.match(screen, /f +Download MNIST now/);
      assert.match(screen, /s +Use the offline sample/);
      await tmux.keys("f");
      screen = await tmux.waitFor(/MNIST is ready · press any key/, 60_000);
      assert.equal(requests.length, 4, requests.join(", "));
      await tmux.keys("Enter");
      screen = await tmux.waitFor(/Accuracy \d+\.\d\d% +\(\d/, 60_000);
      assert.match(screen, /── Test/);
      for (const name of MNIST_FILES) assert.ok((await Deno.stat(`${dir}/data/${name}.gz`)).isFile);
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "tui data: no MNIST, s switches the session to the offline sample; Esc goes back",
  ignore: skipUnless(import.meta, "tmux"),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "digits-nodata-" });
    try {
      await using tmux = await TmuxSession.start({
        args: ["--data-dir", `${dir}/data`, "--model", `${dir}/m.safetensors`],
        env: { NO_COLOR: "1" },
        cwd: dir,
      });
      await tmux.waitFor(/9 {2}Quit/);
      await tmux.keys("5"); // Browse
      await tmux.waitFor(/── MNIST data/);
      await tmux.keys("Escape");
      await tmux.waitFor(/▸ 5 {2}Browse digits/);
      await tmux.keys("1"); // Train
      await tmux.waitFor(/── MNIST data/);
      await tmux.keys("s");
      const screen = await tmux.waitFor(/Start training/);
      assert.match(screen, /data: +SAMPLE: 10,000-digit offline sample/);
      assert.match(screen, /Training digits +all \(8,000\)/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "tui data: a failed download stays on the prompt; Esc cancels a stalled one; s still works",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "digits-nodata-" });
    // First the mirror has nothing (404); then it sends half a file and stalls.
    let mode: "missing" | "stall" = "missing";
    const stalls: (() => void)[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
      if (mode === "missing") return new Response("not found", { status: 404 });
      const bytes = await Deno.readFile(`${MNIST_DIR}/${new URL(r.url).pathname.slice(1)}`);
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(bytes.slice(0, bytes.length >> 1)),
        pull: () => new Promise<void>((resolve) => stalls.push(resolve)),
      }, { highWaterMark: 0 });
      return new Response(body, { headers: { "content-length": String(bytes.length) } });
    });
    try {
      await using tmux = await TmuxSession.start({
        args: ["--data-dir", `${dir}/data`, "--model", "models/pretrained.safetensors"],
        env: { DIGITS_MNIST_MIRRORS: `http://127.0.0.1:${server.addr.port}/`, NO_COLOR: "1" },
        columns: 80,
        rows: 24,
      });
      await tmux.waitFor(/9 {2}Quit/);
      await tmux.keys("2");
      await tmux.waitFor(/── MNIST data/);
      await tmux.keys("f");
      let screen = await tmux.waitFor(/Cannot download MNIST: train-images-idx3-ubyte\.gz/);
      assert.match(screen, /404/);
      assert.match(screen, /f download · s offline sample · Esc back/);
      mode = "stall";
      await tmux.keys("f");
      screen = await tmux.waitFor(/downloading… Esc cancels/);
      // Half the file arrived (the last progress report may trail the last bytes a little).
      screen = await tmux.waitFor(/train-images-idx3-ubyte\.gz\n +━+─+ [45]\.\d of 9\.9 MB/);
      await tmux.keys("Escape");
      screen = await tmux.waitFor(/download cancelled/);
      assert.match(screen, /f +Download MNIST now/);
      await tmux.keys("s");
      screen = await tmux.waitFor(/Accuracy \d+\.\d\d% +\(\d[\d,]* of 2,000 test digits right\)/);
      assert.match(screen, /offline SAMPLE/);
      await tmux.keys("q");
      await tmux.waitFor(/▸ 2 {2}Test/);
    } finally {
      for (const release of stalls) release();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
