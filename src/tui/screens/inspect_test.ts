import assert from "node:assert/strict";
import { Network } from "../../network/network.ts";
import { parseLayerSpec } from "../../network/layer_spec.ts";
import { stripAnsi } from "../../text/layout.ts";
import { syntheticMnist } from "../../train/test_data.ts";
import type { ScreenMemory } from "../context.ts";
import type { Message } from "../screen_loop.ts";
import { simulateWork } from "../screen_loop_testing.ts";
import { type InspectMessage, inspectScreen } from "./inspect.ts";

const data = syntheticMnist(50, 60);

/** The screen on `network`, and the message its work sends once it has measured. */
async function measured(network: Network, memory: ScreenMemory = {}) {
  const screen = inspectScreen({
    model: () => ({ network, random: false }),
    data: () => Promise.resolve(data),
    memory,
  });
  const start = await explained(screen, []);
  const work = start.steps[0].work![0];
  const sent: InspectMessage[] = [];
  await work.run((message) => sent.push(message), new AbortController().signal);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].type, "measured", JSON.stringify(sent[0]));
  return { screen, message: { type: "work" as const, message: sent[0] } };
}

const text = (body: string[]) => body.map(stripAnsi).join("\n");

/** The screen after `messages`, each digit shown explained by its work (as the loop runs it). */
function explained(
  screen: ReturnType<typeof inspectScreen>,
  messages: (Message<InspectMessage> | string)[],
  size?: { columns: number; rows: number },
) {
  return simulateWork(screen, messages, { run: ["explain"], size });
}

Deno.test("Inspect: pages by Tab and 1-3, each with a line saying how to read it", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const { screen, message } = await measured(network);
  const loading = await explained(screen, []);
  assert.match(text(loading.view.body), /Measuring the network on the test digits/);
  const weights = await explained(screen, [message]);
  assert.match(weights.view.body[0], /\[1 Weights\]/);
  assert.match(
    text(weights.view.body),
    /0-9 of 16 units: 784 weights each, as 28x28; orange excites, blue inhibits/,
  );
  const wide = await explained(screen, [message], { columns: 160, rows: 50 });
  assert.match(
    text(wide.view.body),
    /Each tile is one of the 16 units of dense16: its 784 input weights/,
  );
  assert.match(text(wide.view.body), /^0-9 of 16 units$/m); // two rows of five full-size tiles
  const activations = await explained(screen, [message, "tab"]);
  assert.match(text(activations.view.body), /what made it say \d/);
  assert.match(text(activations.view.body), /the attribution \(\+ ink that speaks for \d/);
  // r: the raw gradient instead, and back
  const gradient = await explained(screen, [message, "tab", "r"]);
  assert.match(text(gradient.view.body), /the raw gradient \(\+ where more ink would make it/);
  assert.match(text(gradient.view.body), /where ink would change it/);
  assert.match(text(activations.view.body), /test digit #0, an? \d: the network says \d/);
  const health = await explained(screen, [message, "3"]);
  assert.match(text(health.view.body), /Per layer: the weights' histogram/);
  assert.equal((await explained(screen, [message, "3", "tab"])).state.page, "weights");
});

Deno.test("Inspect at 80x24: captions wrap instead of being cut; a test digit says what it is", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const { screen, message } = await measured(network);
  const size = { columns: 80, rows: 20 }; // the body of an 80x24 page
  const label = data.test.labels[0];
  const activations = text((await explained(screen, [message, "2"], size)).view.body);
  assert.match(activations, new RegExp(`test digit #0, an? ${label}: the network says \\d`));
  assert.match(activations, /\(\d+\.\d%\)\s[✓✗]/, "the verdict's mark is on screen");
  const health = text((await explained(screen, [message, "3"], size)).view.body);
  assert.match(health, /how strongly the loss\s+still pulls on it \(gradient norm\)\./);
  for (const page of [activations, health]) assert.ok(!page.includes("…"), page);
});

Deno.test("Inspect Weights: arrows choose a unit, Enter shows the digits that excite it most", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const { screen, message } = await measured(network);
  const moved = await explained(screen, [message, "right", "right"]);
  assert.equal(moved.state.unit, 2);
  assert.match(text(moved.view.body), /\[#2\]/);
  const unit = await explained(screen, [message, "right", "enter"]);
  assert.match(
    text(unit.view.body),
    /The test digits \(of the first 60\) that make unit #1 of dense16 fire hardest/,
  );
  assert.match(text(unit.view.body), /#\d+: \d/);
  // back leaves the unit first, then the screen
  const back = await explained(screen, [message, "enter", "escape"]);
  assert.equal(back.state.weightsView, "tiles");
  assert.equal(back.exit, undefined);
  assert.ok((await explained(screen, [message, "enter", "escape", "escape"])).exit);
});

Deno.test("Inspect Health: a layer with known dead units is named in the sentence to worry about", async () => {
  const network = new Network({ layerSizes: [784, 20, 10], activation: "relu" }, { seed: 1 });
  const bias = network.parameters[1].value;
  for (let u = 0; u < 8; u++) bias[u] = -1e6; // 8 of 20 units can never fire
  const { screen, message } = await measured(network);
  const health = text((await explained(screen, [message, "3"])).view.body);
  assert.match(health, /8\/20 dead/);
  assert.match(health, /40% of layer 1 \(dense20\) never fires on the first test digits/);
  assert.match(health, /grad \d/);
  const tiles = text((await explained(screen, [message])).view.body);
  assert.match(tiles, /#0 dead/);
});

Deno.test("Inspect Activations: ←/→ step through test digits, d explains the last drawing", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const drawing = new Float32Array(784).fill(0.2);
  const { screen, message } = await measured(network, { drawing });
  // with a drawing in memory, the page starts on it
  assert.match(
    text((await explained(screen, [message, "2"])).view.body),
    /your drawing: the network says/,
  );
  const stepped = await explained(screen, [message, "2", "right", "right"]);
  assert.match(text(stepped.view.body), /test digit #2, an? \d: the network says \d/);
  assert.match(
    text((await explained(screen, [message, "2", "right", "d"])).view.body),
    /your drawing/,
  );
});

Deno.test("Inspect on a CNN: filters as tiles, m shows each conv and pool layer's feature maps", async () => {
  const network = new Network(parseLayerSpec("conv5x8,pool,conv3x4,pool,dense16"), {
    seed: 1,
    maxBatch: 32,
  });
  const { screen, message } = await measured(network);
  const tiles = text((await explained(screen, [message])).view.body);
  assert.match(tiles, /0-7 of 8 filters, 5x5 weights: orange excites, blue inhibits \(m: maps\)/);
  const wide = text((await explained(screen, [message], { columns: 160, rows: 50 })).view.body);
  assert.match(wide, /The 8 filters of conv5x8, 5x5 weights each/);
  const maps = await explained(screen, [message, "m"]);
  assert.match(
    text(maps.view.body),
    /Feature maps of conv5x8 \(layer 1\) for test digit #0, an? \d/,
  );
  assert.match(
    text((await explained(screen, [message, "m", "l"])).view.body),
    /Feature maps of pool \(layer 2\)/,
  );
  assert.match(
    text((await explained(screen, [message, "m", "l", "l"])).view.body),
    /conv3x4 \(layer 3\)/,
  );
  const activations = text((await explained(screen, [message, "2"])).view.body);
  assert.match(activations, /conv5x8 +\S/);
  assert.match(activations, /conv3x4 +\S/);
  assert.doesNotMatch(activations, /^pool/m);
});

Deno.test("Inspect Activations: g types a test digit's index, Enter goes there, Esc cancels", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const { screen, message } = await measured(network);
  const typing = await explained(screen, [message, "2", "g", "4", "q", "2"]);
  assert.equal(screen.typing?.(typing.state), true);
  assert.equal(typing.exit, undefined, "q is not back while typing");
  assert.match(text(typing.view.body), /Go to test digit \(0-59\): 42/);
  assert.equal(typing.view.footer, "type an index · Enter go · Esc cancel");
  const gone = await explained(screen, [message, "2", "g", "4", "2", "enter"]);
  assert.match(text(gone.view.body), /test digit #42, an? \d: the network says \d/);
  const refused = await explained(screen, [message, "2", "g", "9", "9", "enter"]);
  assert.match(text(refused.view.body), /no test digit 99: indices go from 0 to 59/);
  assert.match(text(refused.view.body), /test digit #0, an? \d:/);
  const cancelled = await explained(screen, [message, "2", "right", "g", "7", "escape"]);
  assert.equal(cancelled.exit, undefined);
  assert.match(text(cancelled.view.body), /test digit #1, an? \d:/);
  assert.equal(cancelled.state.jump, undefined);
});

Deno.test("Inspect: leaving while the data loads ends the work without a report", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const screen = inspectScreen({
    model: () => ({ network, random: false }),
    data: () => Promise.resolve(data),
  });
  const work = (await explained(screen, [])).steps[0].work![0];
  const abort = new AbortController();
  const sent: InspectMessage[] = [];
  const running = work.run((message) => sent.push(message), abort.signal);
  abort.abort();
  await running;
  assert.deepEqual(sent, []);
});

Deno.test("Inspect Activations: the digit and its map grow with the room (28 columns at 80x24, 56 at 160x50)", async () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
  const { screen, message } = await measured(network);
  // the rows of a picture: its caption's line and the lines above it, up to the blank line
  const picture = (body: string[]) => {
    const lines = body.map(stripAnsi);
    const caption = lines.findIndex((line) => /what made it say \d/.test(line));
    let top = caption;
    while (top > 0 && lines[top - 1] !== "") top--;
    return { rows: caption - top, caption: lines[caption] };
  };
  const small = await explained(screen, [message, "2"], { columns: 80, rows: 24 });
  assert.equal(picture(small.view.body).rows, 14);
  const large = await explained(screen, [message, "2"], { columns: 160, rows: 50 });
  const { rows, caption } = picture(large.view.body);
  assert.equal(rows, 28, text(large.view.body));
  // the digit, then its map 58 columns on (56 and the gap), the strips beside them
  assert.match(caption, /^the digit {49}what made it say \d/);
  assert.match(text(large.view.body), /dense16 +\S+/);
  for (const line of large.view.body) assert.ok(stripAnsi(line).length <= 160);
});
