/**
 * End-to-end tests of `serve`: the real app in a subprocess on 127.0.0.1 (a free port, read back
 * from its first log line), real HTTP clients, the shipped model. What a user of the service
 * relies on: the same answers as `classify --json` and `info --json`, refusals as JSON with the
 * right status, no request able to take it down, and a clean stop on SIGTERM.
 */
import assert from "node:assert/strict";
import { encode } from "fast-png";
import { PROJECT_ROOT, SHARED_DIR, SHIPPED_MODEL as MODEL, skipUnless, spawnApp } from "./env.ts";
import { jsonLines, runApp } from "./run_app.ts";

const RING = `${PROJECT_ROOT}/src/image/testdata/ring_baseline.jpg`;
const REAL_DIGITS = `${SHARED_DIR}/real_digits/seed000`;
const withoutRealDigits = skipUnless(import.meta, "shared/real_digits");

/** A `serve` process: its URL, its log lines so far, and how to end it. */
interface Server {
  url: string;
  port: number;
  child: Deno.ChildProcess;
  log: string[];
  /** Resolves with the next log line matching `pattern` (or one already seen). */
  waitForLog(pattern: RegExp): Promise<string>;
}

async function startServer(flags: string[] = []): Promise<Server> {
  const child = spawnApp(["serve", "--port", "0", "--model", MODEL, ...flags], {
    stdout: "null",
  });
  const log: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  (async () => {
    let pending = "";
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        log.push(line);
        for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  })();
  const waitForLog = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const seen = log.find((line) => pattern.test(line));
      if (seen !== undefined) resolve(seen);
      else waiters.push({ pattern, resolve });
    });
  const first = await waitForLog(/^listening on /);
  assert.equal(log[0], first, "the first log line says where it listens");
  const match = first.match(/^listening on http:\/\/127\.0\.0\.1:(\d+) /);
  assert.ok(match, `listens on 127.0.0.1 by default: ${first}`);
  const port = Number(match[1]);
  return { url: `http://127.0.0.1:${port}`, port, child, log, waitForLog };
}

async function stopServer(server: Server): Promise<Deno.CommandStatus> {
  server.child.kill("SIGTERM");
  return await server.child.status;
}

async function post(url: string, body: BodyInit, headers: HeadersInit = {}) {
  const response = await fetch(url, { method: "POST", body, headers });
  return { status: response.status, json: await response.json() as Record<string, unknown> };
}

/** Sends raw bytes on a TCP connection and reads until the server closes it or answers. */
async function rawRequest(port: number, head: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  return conn;
}

async function readAnswer(conn: Deno.TcpConn): Promise<string> {
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  while (!/\r\n\r\n[\s\S]*\n/.test(text)) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

Deno.test("serve answers classify, health and model as the commands do, and refuses bad bodies", async (t) => {
  const server = await startServer(["--max-bytes", "200000", "--timeout", "1"]);
  try {
    await t.step("POST /classify with a raw JPEG: the guess classify --json prints", async () => {
      const answer = await post(`${server.url}/classify`, await Deno.readFile(RING), {
        "content-type": "image/jpeg",
      });
      assert.equal(answer.status, 200);
      const cli = await runApp(["classify", RING, "--model", MODEL, "--json"]);
      const [expected] = jsonLines(cli.stdout);
      assert.equal(answer.json.digit, 0);
      assert.deepEqual(answer.json, { ...expected, file: "body" });
    });

    await t.step({
      name: "POST /classify as multipart/form-data: a real person's digit, JSON as classify's",
      ignore: withoutRealDigits,
      fn: async () => {
        const name = [...Deno.readDirSync(REAL_DIGITS)].map((e) => e.name).sort()[0];
        const form = new FormData();
        form.append(
          "image",
          new File([await Deno.readFile(`${REAL_DIGITS}/${name}`)], name),
        );
        const answer = await post(`${server.url}/classify`, form);
        assert.equal(answer.status, 200);
        const cli = await runApp(["classify", name, "--model", MODEL, "--json"], {
          cwd: REAL_DIGITS,
        });
        assert.deepEqual(answer.json, jsonLines(cli.stdout)[0]);
        assert.equal(answer.json.digit, answer.json.label, "read right");
      },
    });

    await t.step(
      "GET /health and GET /model: the model's name and what info --json says",
      async () => {
        const health = await fetch(`${server.url}/health`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { status: "ok", model: MODEL });
        const model = await fetch(`${server.url}/model`);
        assert.equal(model.status, 200);
        const info = await runApp(["info", "--model", MODEL, "--json"]);
        assert.deepEqual(await model.json(), jsonLines(info.stdout)[0]);
      },
    );

    await t.step("a body over --max-bytes gets 413, announced or streamed", async () => {
      const big = new Uint8Array(300_000);
      const announced = await post(`${server.url}/classify`, big);
      assert.equal(announced.status, 413);
      assert.match(String(announced.json.error), /too large: 300000 bytes, at most 200,000/);
      // No Content-Length (chunked): counted while it streams, refused once past the cap.
      const chunks = Array.from({ length: 40 }, () => new Uint8Array(10_000));
      const stream = ReadableStream.from(chunks);
      const streamed = await post(`${server.url}/classify`, stream);
      assert.equal(streamed.status, 413);
    });

    await t.step(
      "a body that is not an image gets 400, a blank image 422, both as JSON",
      async () => {
        const text = await post(`${server.url}/classify`, "hello, I am not a picture", {
          "content-type": "text/plain",
        });
        assert.equal(text.status, 400);
        assert.deepEqual(text.json, { file: "body", error: "not a PNG or JPEG image" });
        const two = new FormData();
        two.append("a", new File([await Deno.readFile(RING)], "a.jpg"));
        two.append("b", new File([await Deno.readFile(RING)], "b.jpg"));
        const twoFiles = await post(`${server.url}/classify`, two);
        assert.equal(twoFiles.status, 400);
        assert.match(String(twoFiles.json.error), /expected one file in the form, got 2/);
        const broken = await post(`${server.url}/classify`, "--x\r\n", {
          "content-type": "multipart/form-data; boundary=x",
        });
        assert.equal(broken.status, 400);
        const white = new Uint8Array(40 * 40).fill(255);
        const blank = encode({ width: 40, height: 40, data: white, channels: 1, depth: 8 });
        const empty = await post(`${server.url}/classify`, new Uint8Array(blank), {
          "content-type": "image/png",
        });
        assert.equal(empty.status, 422);
        assert.deepEqual(empty.json, { file: "body", error: "no digit found" });
        const wrongMethod = await fetch(`${server.url}/classify`);
        assert.equal(wrongMethod.status, 405);
        assert.equal(wrongMethod.headers.get("allow"), "POST");
        await wrongMethod.body?.cancel();
        const nowhere = await fetch(`${server.url}/nowhere`);
        assert.equal(nowhere.status, 404);
        await nowhere.body?.cancel();
      },
    );

    await t.step(
      "GET / is the page: its three files from serve itself, under a Content-Security-Policy",
      async () => {
        const page = await fetch(`${server.url}/`);
        assert.equal(page.status, 200);
        assert.match(page.headers.get("content-type")!, /^text\/html/);
        const csp = page.headers.get("content-security-policy")!;
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /script-src 'self'/);
        const html = await page.text();
        // Every script and style sheet is one of serve's own files, none inline.
        const sources = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
        assert.deepEqual(sources, ["data:,", "/page.css", "/page.js"]);
        assert.doesNotMatch(html, /<script>|<style>| style=/);
        for (
          const [path, type] of [["/page.js", /^text\/javascript/], ["/page.css", /^text\/css/]]
        ) {
          const file = await fetch(`${server.url}${path}`);
          assert.equal(file.status, 200);
          assert.match(file.headers.get("content-type")!, type as RegExp);
          assert.ok((await file.text()).length > 100);
        }
        const posted = await post(`${server.url}/`, "x");
        assert.equal(posted.status, 405);
        assert.equal(typeof posted.json.error, "string");
      },
    );

    await t.step(
      "POST /classify?pixels=1 adds the 784 pixels the network saw (each digit's, for a number)",
      async () => {
        const ring = await Deno.readFile(RING);
        const plain = await post(`${server.url}/classify`, ring);
        const answer = await post(`${server.url}/classify?pixels=1`, ring);
        assert.equal(answer.status, 200);
        const { pixels, ...rest } = answer.json;
        assert.deepEqual(rest, plain.json, "otherwise the same answer");
        assert.ok(Array.isArray(pixels) && pixels.length === 784);
        assert.ok(pixels.every((p) => typeof p === "number" && p >= 0 && p <= 1));
        assert.ok(pixels.filter((p) => p > 0.5).length > 30, "the ring's ink");
        // Read as a number, each digit comes with its own 28x28.
        const number = await post(`${server.url}/classify?number=1&pixels=1`, ring);
        assert.equal(number.status, 200);
        const digits = number.json.digits as { digit: number; pixels: number[] }[];
        assert.ok(digits.length >= 1);
        for (const digit of digits) assert.equal(digit.pixels.length, 784);
        const plainNumber = await post(`${server.url}/classify?number=1`, ring);
        assert.equal("pixels" in (plainNumber.json.digits as object[])[0], false);
      },
    );

    await t.step("a client that stops sending its body gets 408 after --timeout", async () => {
      const conn = await rawRequest(
        server.port,
        "POST /classify HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n0123456789",
      );
      const answer = await readAnswer(conn);
      conn.close();
      assert.match(answer, /^HTTP\/1\.1 408/);
      assert.match(answer, /"error":"request body not received within 1 s"/);
    });

    await t.step("50 requests at once all get the right answer", async () => {
      const ring = await Deno.readFile(RING);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => post(`${server.url}/classify`, ring)),
      );
      assert.deepEqual(answers.map((a) => a.status), Array(50).fill(200));
      assert.deepEqual(answers.map((a) => a.json.digit), Array(50).fill(0));
    });

    await t.step("one log line per request: method, path, status, milliseconds", async () => {
      await (await fetch(`${server.url}/health`)).body?.cancel();
      await server.waitForLog(/^GET \/health 200 \d+ms$/);
      const requests = server.log.filter((line) => /^(GET|POST) /.test(line));
      for (const line of requests) assert.match(line, /^(GET|POST) \/[\w.]* \d{3} \d+ms$/);
      assert.ok(requests.some((line) => /^POST \/classify 413 /.test(line)));
      assert.ok(requests.some((line) => /^POST \/classify 408 /.test(line)));
      assert.equal(
        requests.filter((line) => / 200 /.test(line)).length,
        50 + (withoutRealDigits ? 11 : 12),
      );
    });
  } finally {
    const status = await stopServer(server);
    assert.equal(status.code, 0, server.log.join("\n"));
  }
});

Deno.test("SIGTERM while a request is in flight: it is answered, then serve exits 0", async () => {
  const server = await startServer();
  const ring = await Deno.readFile(RING);
  const head = `POST /classify HTTP/1.1\r\nhost: x\r\ncontent-length: ${ring.length}\r\n\r\n`;
  const conn = await rawRequest(server.port, head);
  // Half the image is sent: the request is in flight, its handler waiting for the rest.
  await conn.write(ring.subarray(0, 500));
  await new Promise((resolve) => setTimeout(resolve, 200));
  server.child.kill("SIGTERM");
  await server.waitForLog(/^stopping: /);
  await conn.write(ring.subarray(500));
  const answer = await readAnswer(conn);
  conn.close();
  assert.match(answer, /^HTTP\/1\.1 200/);
  assert.match(answer, /"digit":0/);
  const status = await server.child.status;
  assert.equal(status.code, 0, server.log.join("\n"));
  // Stopped: nothing listens there any more.
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: server.port }));
});

Deno.test("serve refuses a missing model file in one line", async () => {
  const result = await runApp(["serve", "--port", "0", "--model", "/nonexistent/m.safetensors"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr.trim(), /^error: no model file at \/nonexistent\/m\.safetensors/);
});

Deno.test("serve reads a number with ?number=1: one number per row, each digit's box; 422 on a blank page", async () => {
  const server = await startServer();
  try {
    // Two rows of bars on white, 200x140: "11" over "111".
    const width = 200, height = 140;
    const data = new Uint8Array(width * height).fill(235);
    const bar = (x: number, y0: number) => {
      for (let y = y0; y < y0 + 40; y++) data.fill(20, y * width + x, y * width + x + 4);
    };
    bar(40, 10), bar(100, 10), bar(40, 85), bar(100, 85), bar(160, 85);
    const png = encode({ width, height, data, channels: 1, depth: 8 });
    const read = await post(`${server.url}/classify?number=1`, new Uint8Array(png));
    assert.equal(read.status, 200, JSON.stringify(read.json));
    assert.equal(read.json.number, "11");
    assert.deepEqual(read.json.numbers, ["11", "111"]);
    const digits = read.json.digits as { box: number[]; row: number; confidence: number }[];
    assert.deepEqual(digits.map((d) => d.row), [0, 0, 1, 1, 1]);
    assert.deepEqual(digits[2].box, [40, 85, 4, 40]);
    const blank = encode({
      width,
      height,
      data: new Uint8Array(width * height).fill(235),
      channels: 1,
      depth: 8,
    });
    const none = await post(`${server.url}/classify?number=1`, new Uint8Array(blank));
    assert.equal(none.status, 422);
    assert.equal(none.json.number, null);
    const broken = await post(`${server.url}/classify?number=1`, new Uint8Array([1, 2, 3]));
    assert.equal(broken.status, 400);
    assert.equal(typeof broken.json.error, "string");
  } finally {
    assert.equal((await stopServer(server)).code, 0);
  }
});
