/**
 * The page at `serve`'s `/` in a real browser: headless Chromium (Debian's `chromium`) driven
 * over the DevTools protocol by puppeteer-core, against the real `serve` process with the
 * shipped model. A 7 drawn with mouse events reads "7"; an uploaded PNG is read; the keyboard
 * draws too; the page loads nothing from elsewhere and breaks no rule of its
 * Content-Security-Policy. With DIGITS_SCREENSHOTS=DIR it saves screenshots at a phone's
 * (390x844) and a laptop's (1280x800) size there.
 */
import assert from "node:assert/strict";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { CHROMIUM, SHIPPED_MODEL, skipUnless, spawnApp } from "./env.ts";
import { ringPng } from "./fixtures/ring_png.ts";

const SCREENSHOTS = Deno.env.get("DIGITS_SCREENSHOTS");
const ignore = skipUnless(import.meta, "chromium");

/** `serve` on a free port with the shipped model; resolves once it listens. */
async function startServe(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawnApp(["serve", "--port", "0", "--model", SHIPPED_MODEL], { stdout: "null" });
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let head = "";
  while (!head.includes("\n")) {
    const { done, value } = await lines.read();
    if (done) throw new Error(`serve did not start: ${head}`);
    head += value;
  }
  const port = head.match(/^listening on http:\/\/127\.0\.0\.1:(\d+) /)?.[1];
  assert.ok(port, head);
  // Keep reading the log so that the server never blocks on a full pipe.
  (async () => {
    while (!(await lines.read()).done) { /* drain */ }
  })();
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Headless Chromium with a fresh profile, no network of its own and no GPU. */
async function launchChromium(profile: string): Promise<Browser> {
  return await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
}

/** Opens the page, recording every URL it asks for and every console error (CSP reports). */
async function openPage(browser: Browser, url: string, width: number, height: number) {
  const page = await browser.newPage();
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  const requested: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response?.status(), 200);
  return { page, requested, errors, headers: response!.headers() };
}

/** Draws strokes on the pad with mouse events; points are fractions of the pad's box. */
async function drawStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = await (await page.$("#canvas"))!.boundingBox();
  assert.ok(box);
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    const [startX, startY] = at(stroke[0]);
    await page.mouse.move(startX, startY);
    await page.mouse.down();
    for (const point of stroke.slice(1)) {
      const [x, y] = at(point);
      await page.mouse.move(x, y, { steps: 12 });
    }
    await page.mouse.up();
  }
}

/** The answer once the page shows one: the guess and the top bar. */
async function answerOf(page: Page) {
  // Code run in the page, as text (the page's DOM types are not this program's).
  await page.waitForFunction(
    `document.getElementById("guess").textContent !== "" ||
      document.getElementById("status").classList.contains("error")`,
    { timeout: 20_000 },
  );
  return await page.evaluate(`(() => {
    const seen = document.getElementById("seen").getContext("2d");
    const pixels = seen.getImageData(0, 0, 28, 28).data;
    let ink = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > 127) ink++;
    return {
      guess: document.getElementById("guess").textContent,
      status: document.getElementById("status").textContent,
      bars: document.querySelectorAll("#bars li").length,
      topBar: document.querySelector("#bars li.top")?.getAttribute("aria-label") ?? "",
      inkPixels: ink,
    };
  })()`) as { guess: string; status: string; bars: number; topBar: string; inkPixels: number };
}

/** A 7 as a person draws it: across the top, then down to the bottom left. */
const SEVEN: [number, number][][] = [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]];
/** A house: roof, walls and floor in one stroke, then a door. */
const HOUSE: [number, number][][] = [
  [[0.2, 0.5], [0.5, 0.15], [0.8, 0.5], [0.2, 0.5], [0.2, 0.9], [0.8, 0.9], [0.8, 0.5]],
  [[0.45, 0.9], [0.45, 0.7], [0.55, 0.7], [0.55, 0.9]],
];

Deno.test({
  name: `the page reads a 7 drawn with the mouse, and a drawn house as not a digit`,
  ignore,
  fn: async () => {
    const server = await startServe();
    const profile = await Deno.makeTempDir();
    const browser = await launchChromium(profile);
    try {
      const { page, requested, errors, headers } = await openPage(browser, server.url, 1280, 800);
      assert.match(headers["content-security-policy"], /default-src 'none'/);
      await drawStrokes(page, SEVEN);
      const answer = await answerOf(page);
      assert.equal(answer.guess, "7", JSON.stringify(answer));
      assert.equal(answer.bars, 10);
      assert.match(answer.topBar, /^7: \d/);
      assert.ok(answer.inkPixels > 20, `the 28x28 the network saw is shown: ${answer.inkPixels}`);
      if (SCREENSHOTS) {
        await page.screenshot({ path: `${SCREENSHOTS}/page_1280x800.png` });
        await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1 });
        await page.screenshot({ path: `${SCREENSHOTS}/page_390x844.png`, fullPage: true });
      }
      // Clear empties the pad and the answer.
      await page.click("#clear");
      assert.equal(await page.$eval("#guess", (e) => e.textContent), "");
      // A drawn house is no digit: the shipped model says so (its learned refusal).
      await drawStrokes(page, HOUSE);
      const house = await answerOf(page);
      assert.equal(house.guess, "not a digit", JSON.stringify(house));
      assert.equal(house.bars, 0);
      const origin = new URL(server.url).origin;
      const elsewhere = requested.filter((url) => !url.startsWith(origin + "/"));
      assert.deepEqual(elsewhere, [], "everything comes from serve itself");
      assert.deepEqual(errors, [], "no script error, no CSP violation");
    } finally {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
      await server.stop();
    }
  },
});

Deno.test({
  name: `the page reads an uploaded PNG, a 1 drawn with the keyboard and a number`,
  ignore,
  fn: async () => {
    const server = await startServe();
    const profile = await Deno.makeTempDir();
    const browser = await launchChromium(profile);
    const png = `${profile}/ring.png`;
    await Deno.writeFile(png, ringPng());
    try {
      const { page, errors } = await openPage(browser, server.url, 390, 844);
      // Tab reaches every control, in reading order.
      const focused: string[] = [];
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press("Tab");
        focused.push(await page.evaluate("document.activeElement.id") as string);
      }
      assert.deepEqual(focused, ["canvas", "clear", "file", "number"]);
      if (SCREENSHOTS) {
        await page.screenshot({ path: `${SCREENSHOTS}/page_focus_390x844.png` });
      }
      const input = await page.$("#file");
      assert.ok(input);
      await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(png);
      const uploaded = await answerOf(page);
      assert.equal(uploaded.guess, "0", JSON.stringify(uploaded));
      assert.ok(uploaded.inkPixels > 20);
      if (SCREENSHOTS) {
        await page.screenshot({ path: `${SCREENSHOTS}/page_upload_390x844.png`, fullPage: true });
      }

      // Keyboard only: Tab reaches the pad; arrows draw a 1 (a line down); Enter reads it.
      await page.click("#clear");
      await page.focus("#canvas");
      for (let i = 0; i < 12; i++) await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      const typed = await answerOf(page);
      assert.equal(typed.guess, "1", JSON.stringify(typed));

      // "Read a number": the pad widens; a 4 and a 7 side by side read as 47, digit by digit.
      await page.click("#number");
      await drawStrokes(page, [
        [[0.2, 0.2], [0.12, 0.6], [0.3, 0.6]],
        [[0.26, 0.35], [0.26, 0.85]],
        [[0.55, 0.2], [0.75, 0.2], [0.62, 0.85]],
      ]);
      const number = await answerOf(page);
      assert.equal(number.guess, "47", JSON.stringify(number));
      const chips = await page.$$eval("#digits li", (items) => items.length);
      assert.equal(chips, 2);
      if (SCREENSHOTS) {
        await page.screenshot({ path: `${SCREENSHOTS}/page_number_390x844.png`, fullPage: true });
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
      await server.stop();
    }
  },
});
