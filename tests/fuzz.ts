/**
 * Seeded, repeatable fuzzing of everything that reads what a user hands us: IDX files (the data
 * loader), model files (the model loader and `info`), PNG and JPEG files (decode, then
 * MNIST-style normalizing), command-line values (the real commander parse path, in-process)
 * and request bodies of `serve` (its request handler, in-process: the same code Deno.serve calls).
 *
 *   deno task fuzz [--seconds N] [--seed S] [--targets idx,model,image,cli,server] [--json]
 *
 * Input `i` of a target depends only on the seed, the target and `i`, so a failure replays with
 * `--seed S --targets T --from i --count 1`. Every input must end in success or a UserError
 * (for the CLI: exit 0/1/2 with at most one line on stderr and no "unexpected failure") within
 * MAX_INPUT_MS, with the process RSS under MAX_RSS_BYTES. Anything else is a bug; the input is
 * written to a folder so it can be looked at.
 */
import jpeg from "jpeg-js";
import { UserError } from "../src/errors.ts";
import { readIdxDataset } from "../src/data/idx.ts";
import { loadNetworkModel, saveNetworkModel } from "../src/train/checkpoint.ts";
import { defaultOptimizerSettings, deriveSeed, Network, Random } from "../src/network/mod.ts";
import { decodeImageBytes } from "../src/image/decode.ts";
import { normalizeDigit } from "../src/image/normalize.ts";
import { buildPng } from "../src/image/testdata/build_png.ts";
import { runCli } from "../src/cli/run.ts";
import type { CommandIo } from "../src/cli/io.ts";
import { loadModelOrRandom } from "../src/app/load_model.ts";
import { digitsHandler } from "../src/server/mod.ts";

/** Longest one input may take, decode included. */
export const MAX_INPUT_MS = 2000;
/** Largest resident set the fuzzing process may reach (seeds are tiny; only a bug gets near). */
export const MAX_RSS_BYTES = 1024 * 1024 * 1024;

export const TARGETS = ["idx", "model", "image", "cli", "server"] as const;
export type Target = (typeof TARGETS)[number];

/** One input that did not end in success or a clean refusal. */
export interface FuzzFailure {
  target: Target;
  index: number;
  problem: string;
  /** Where the input was saved (bytes, or the command line as JSON). */
  savedTo?: string;
}

/**
 * Bugs found and reported but not fixable in the files the fuzzer's owner may edit: counted
 * apart (and printed) so the CI run stays green while they wait for their fix.
 */
export const KNOWN_PROBLEMS: { pattern: RegExp; note: string }[] = [];

/** What a run did, per target. */
export interface FuzzReport {
  seed: number;
  seconds: number;
  inputs: Record<Target, number>;
  accepted: Record<Target, number>;
  refused: Record<Target, number>;
  slowestMs: number;
  maxRssBytes: number;
  failures: FuzzFailure[];
  /** Inputs that hit a KNOWN_PROBLEMS entry, by its note. */
  known: Record<string, number>;
}

export interface FuzzOptions {
  seed: number;
  /** Wall-clock budget; the run stops at whichever of seconds/count comes first. */
  seconds: number;
  count?: number;
  /** First input index (to replay one input). */
  from?: number;
  targets?: readonly Target[];
  /** Scratch folder; a temp folder when not given. */
  workDir?: string;
}

/** An input's fate: accepted, refused cleanly, or a problem description (a bug). */
type Outcome = "accepted" | "refused" | { problem: string };

interface Harness {
  /** Makes input `rng`-determined and runs it; `save` keeps a failing input for inspection. */
  run(rng: Random): Promise<{ outcome: Outcome; input: Uint8Array | string[] }>;
}

/** Runs the fuzzer; never throws for a bad input, only reports it. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const targets = options.targets ?? TARGETS;
  const workDir = options.workDir ?? await Deno.makeTempDir({ prefix: "digits-fuzz-" });
  const harnesses = new Map<Target, Harness>();
  for (const target of targets) harnesses.set(target, await makeHarness(target, workDir));
  const zero = () => Object.fromEntries(TARGETS.map((t) => [t, 0])) as Record<Target, number>;
  const report: FuzzReport = {
    seed: options.seed,
    seconds: 0,
    inputs: zero(),
    accepted: zero(),
    refused: zero(),
    slowestMs: 0,
    maxRssBytes: 0,
    failures: [],
    known: {},
  };
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const count = options.count ?? Infinity;
  for (let n = 0; n < count && performance.now() < deadline; n++) {
    const index = (options.from ?? 0) + n;
    for (const target of targets) {
      const rng = new Random(deriveSeed(deriveSeed(options.seed, TARGETS.indexOf(target)), index));
      const begin = performance.now();
      let outcome: Outcome;
      let input: Uint8Array | string[] = new Uint8Array(0);
      try {
        ({ outcome, input } = await harnesses.get(target)!.run(rng));
      } catch (error) {
        outcome = { problem: `harness: ${describe(error)}` };
      }
      const ms = performance.now() - begin;
      const rss = Deno.memoryUsage().rss;
      report.inputs[target]++;
      report.slowestMs = Math.max(report.slowestMs, ms);
      report.maxRssBytes = Math.max(report.maxRssBytes, rss);
      if (typeof outcome === "object") {
        // keep going: one bug should not hide others
      } else if (ms > MAX_INPUT_MS) {
        outcome = { problem: `took ${Math.round(ms)} ms (limit ${MAX_INPUT_MS})` };
      } else if (rss > MAX_RSS_BYTES) {
        outcome = { problem: `RSS ${Math.round(rss / 2 ** 20)} MB after this input` };
      }
      const known = typeof outcome === "object"
        ? KNOWN_PROBLEMS.find((k) => k.pattern.test((outcome as { problem: string }).problem))
        : undefined;
      if (known) {
        report.known[known.note] = (report.known[known.note] ?? 0) + 1;
      } else if (typeof outcome === "object") {
        const savedTo = `${workDir}/failure-${target}-${index}.${
          input instanceof Uint8Array ? "bin" : "json"
        }`;
        await (input instanceof Uint8Array
          ? Deno.writeFile(savedTo, input)
          : Deno.writeTextFile(savedTo, JSON.stringify(input)));
        report.failures.push({ target, index, problem: outcome.problem, savedTo });
      } else report[outcome][target]++;
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error);
}

/** UserError is a clean refusal; anything else thrown is a bug. */
async function classify(run: () => Promise<unknown> | unknown): Promise<Outcome> {
  try {
    await run();
    return "accepted";
  } catch (error) {
    if (error instanceof UserError) return "refused";
    return { problem: describe(error) };
  }
}

async function makeHarness(target: Target, workDir: string): Promise<Harness> {
  switch (target) {
    case "idx":
      return idxHarness(workDir);
    case "model":
      return await modelHarness(workDir);
    case "image":
      return await imageHarness();
    case "cli":
      return await cliHarness(workDir);
    case "server":
      return await serverHarness(workDir);
  }
}

// ---------------------------------------------------------------------------------------------
// Byte mutations

/** Values that tend to break size fields and loops. */
const INTERESTING_U32 = [
  0,
  1,
  2,
  7,
  27,
  28,
  29,
  255,
  256,
  784,
  10_000,
  60_000,
  65_535,
  65_536,
  0x7fff_ffff,
  0x8000_0000,
  0xffff_fffe,
  0xffff_ffff,
];

/** Applies 1..4 random edits: bit flips, byte values, 32-bit fields, truncation, splices. */
export function mutateBytes(source: Uint8Array, rng: Random): Uint8Array {
  let bytes: Uint8Array = source.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = bytes.length === 0 ? 0 : rng.int(bytes.length);
    switch (rng.int(7)) {
      case 0: // bit flips
        for (let k = 1 + rng.int(8); k > 0 && bytes.length > 0; k--) {
          bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
        }
        break;
      case 1: // special byte
        if (bytes.length > 0) bytes[at] = [0, 0xff, 0x7f, 0x80, 1][rng.int(5)];
        break;
      case 2: { // a 32-bit big- or little-endian field near the start (headers live there)
        const offset = rng.int(Math.max(1, Math.min(bytes.length - 3, 64)));
        if (bytes.length >= 4) {
          new DataView(bytes.buffer).setUint32(
            offset,
            INTERESTING_U32[rng.int(INTERESTING_U32.length)],
            rng.int(2) === 0,
          );
        }
        break;
      }
      case 3: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 4: { // insert random bytes
        const inserted = new Uint8Array(1 + rng.int(16)).map(() => rng.int(256));
        bytes = concat(bytes.subarray(0, at), inserted, bytes.subarray(at));
        break;
      }
      case 5: { // duplicate a slice
        const length = rng.int(Math.min(64, bytes.length - at) + 1);
        bytes = concat(
          bytes.subarray(0, at + length),
          bytes.subarray(at, at + length),
          bytes.subarray(at + length),
        );
        break;
      }
      default: // random overwrite of a run
        for (let i = at; i < Math.min(bytes.length, at + 1 + rng.int(32)); i++) {
          bytes[i] = rng.int(256);
        }
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// ---------------------------------------------------------------------------------------------
// IDX files through readIdxDataset (stat, read, gunzip with a cap, parse, label check)

function idxHarness(workDir: string): Harness {
  const imagesPath = `${workDir}/fuzz-images`;
  const labelsPath = `${workDir}/fuzz-labels`;
  return {
    async run(rng) {
      const count = rng.int(4);
      const images = new Uint8Array(16 + count * 784).map(() => rng.int(256));
      const header = new DataView(images.buffer);
      header.setUint32(0, 0x0803);
      header.setUint32(4, count);
      header.setUint32(8, 28);
      header.setUint32(12, 28);
      const labels = new Uint8Array(8 + count).map(() => rng.int(10));
      new DataView(labels.buffer).setUint32(0, 0x0801);
      new DataView(labels.buffer).setUint32(4, count);
      // Mutate one of the two files: before gzip (the parser sees it) or after (the inflater does).
      const mutateImages = rng.int(2) === 0;
      const [victim, other] = mutateImages ? [images, labels] : [labels, images];
      const gzipped = rng.int(2) === 0;
      let mutated: Uint8Array;
      if (!gzipped) mutated = mutateBytes(victim, rng);
      else if (rng.int(2) === 0) mutated = await gzip(mutateBytes(victim, rng));
      else mutated = mutateBytes(await gzip(victim), rng);
      const untouched = gzipped ? await gzip(other) : other;
      const suffix = gzipped ? ".gz" : "";
      await Deno.writeFile(imagesPath + suffix, mutateImages ? mutated : untouched);
      await Deno.writeFile(labelsPath + suffix, mutateImages ? untouched : mutated);
      const outcome = await classify(() =>
        readIdxDataset(imagesPath + suffix, labelsPath + suffix)
      );
      return { outcome, input: mutated };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Model files through loadNetworkModel and the `info` command

const CRAZY_JSON: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  "",
  "x",
  [],
  {},
  [784, 10],
  [784, 100_000, 100_000, 10],
  [784, 0, 10],
  [784, -5, 10],
  [784, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
  { epochsDone: -1, stepInEpoch: 0 },
  { epochsDone: 1e15, stepInEpoch: 1e15 },
  [{ epoch: "one", loss: null }],
  true,
  "adam",
  { kind: "adam" },
  2 ** 53,
];

/** Replaces one value somewhere in `value` (objects and arrays, any depth) with a crazy one. */
function mutateJson(value: unknown, rng: Random): unknown {
  const replacement = () => structuredClone(CRAZY_JSON[rng.int(CRAZY_JSON.length)]);
  if (value === null || typeof value !== "object") return replacement();
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = Object.keys(copy);
  if (keys.length === 0 || rng.int(8) === 0) return replacement();
  const key = keys[rng.int(keys.length)];
  if (rng.int(10) === 0) delete copy[key];
  else copy[key] = mutateJson(copy[key], rng);
  return copy;
}

/** Rewrites the safetensors header (and the digits metadata inside it) with one crazy value. */
function mutateModelHeader(bytes: Uint8Array, rng: Random): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const data = bytes.subarray(8 + headerLength);
  if (rng.int(3) > 0) {
    const digits = JSON.parse(header.__metadata__.digits);
    header.__metadata__.digits = JSON.stringify(mutateJson(digits, rng));
  } else {
    const mutated = mutateJson(header, rng);
    return encodeHeader(mutated, data);
  }
  return encodeHeader(header, data);
}

function encodeHeader(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) ?? "null");
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A capture of what a command printed. */
function captureIo(): CommandIo & { out: string; err: string[] } {
  const io = {
    out: "",
    err: [] as string[],
    write(text: string) {
      io.out += text;
    },
    warn(line: string) {
      io.err.push(...line.split("\n"));
    },
    isTerminal: false,
    color: "none" as const,
    columns: 80,
  };
  return io;
}

/** A finished CLI run is clean when it exits 0/1/2 with at most one line of complaint. */
function cliOutcome(code: number, io: { err: string[] }): Outcome {
  const stderr = io.err.join("\n");
  if (/unexpected failure/.test(stderr)) return { problem: stderr.slice(0, 300) };
  if (![0, 1, 2].includes(code)) return { problem: `exit status ${code}` };
  if (code !== 0 && io.err.filter((line) => line.trim() !== "").length > 1) {
    return { problem: `more than one line on stderr: ${stderr.slice(0, 300)}` };
  }
  return code === 0 ? "accepted" : "refused";
}

/** Saves a small untrained model with a plan and a history, as `train` would leave it. */
async function saveSeedModel(
  path: string,
  hidden: readonly number[],
  kind: "adam" | "momentum" | "sgd",
  withState: boolean,
): Promise<void> {
  const layerSizes = [784, ...hidden, 10];
  const network = new Network({ layerSizes, activation: "relu" }, { seed: 3 });
  const optimizer = defaultOptimizerSettings(kind);
  const now = new Date(0).toISOString();
  await saveNetworkModel(path, {
    network,
    info: {
      layerSizes,
      activation: "relu",
      inputShape: [...network.inputShape],
      layers: [...network.layers],
      optimizer,
      optimizerStep: 5,
      optimizerState: withState,
      plan: {
        startEpoch: 0,
        epochs: 2,
        batchSize: 16,
        optimizer,
        schedule: "cosine",
        warmupEpochs: 0,
        seed: 1,
        limit: 100,
        augment: false,
      },
      position: { epochsDone: 1, stepInEpoch: 2 },
      seed: 3,
      dataSource: "mnist",
      testAccuracy: 0.5,
      history: [{ epoch: 1, loss: 1, trainAccuracy: 0.5, testAccuracy: 0.5, seconds: 1 }],
      command: "fuzz",
      createdAt: now,
      updatedAt: now,
    },
  });
}

async function modelHarness(workDir: string): Promise<Harness> {
  const seeds: Uint8Array[] = [];
  const seedPath = `${workDir}/seed.safetensors`;
  for (
    const [hidden, kind, withState] of [
      [[8], "adam", true],
      [[4, 3], "momentum", true],
      [[], "sgd", false],
    ] as const
  ) {
    await saveSeedModel(seedPath, hidden, kind, withState);
    seeds.push(await Deno.readFile(seedPath));
  }
  const path = `${workDir}/fuzz.safetensors`;
  return {
    async run(rng) {
      const seed = seeds[rng.int(seeds.length)];
      const input = rng.int(2) === 0 ? mutateBytes(seed, rng) : mutateModelHeader(seed, rng);
      await Deno.writeFile(path, input);
      const loaded = await classify(async () => {
        const model = await loadNetworkModel(path, { maxBatch: 4 });
        model.network.predict(new Float32Array(784).fill(0.5));
      });
      if (typeof loaded === "object") return { outcome: loaded, input };
      // The same file through `info`, which prints every field it holds.
      for (const json of [false, true]) {
        const io = captureIo();
        const code = await runCli(["info", "--model", path, ...(json ? ["--json"] : [])], io);
        const outcome = cliOutcome(code, io);
        if (typeof outcome === "object") return { outcome, input };
        if ((outcome === "accepted") !== (loaded === "accepted")) {
          return { outcome: { problem: `info ${outcome}, loader ${loaded}` }, input };
        }
      }
      return { outcome: loaded, input };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PNG and JPEG files through decodeImageBytes and normalizeDigit

const PNG_SIGNATURE_BYTES = 8;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Recomputes every chunk CRC, so that mutations reach past the CRC check. */
function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = PNG_SIGNATURE_BYTES;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) break;
    view.setUint32(offset + 8 + length, crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    offset = end;
  }
  return bytes;
}

/** A ring, like a zero, as samples of `channels` per pixel at `bitDepth`. */
function ringSamples(width: number, height: number, channels: number, bitDepth: number): number[] {
  const max = (1 << bitDepth) - 1;
  const samples: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - width / 2, y - height / 2);
      const ink = Math.abs(r - Math.min(width, height) / 3) < 2;
      for (let c = 0; c < channels; c++) samples.push(ink ? 0 : max);
    }
  }
  return samples;
}

async function imageHarness(): Promise<Harness> {
  const seeds: Uint8Array[] = [];
  const pngs = [
    { colorType: 0, bitDepth: 8, channels: 1 },
    { colorType: 0, bitDepth: 1, channels: 1, interlaced: true },
    { colorType: 2, bitDepth: 8, channels: 3 },
    { colorType: 4, bitDepth: 16, channels: 2, interlaced: true },
    { colorType: 6, bitDepth: 8, channels: 4 },
    { colorType: 3, bitDepth: 4, channels: 1, palette: true },
  ];
  for (const png of pngs) {
    const sampleDepth = png.palette ? 1 : png.bitDepth;
    seeds.push(
      await buildPng({
        width: 30,
        height: 26,
        colorType: png.colorType,
        bitDepth: png.bitDepth,
        samples: ringSamples(30, 26, png.channels, sampleDepth),
        interlaced: png.interlaced,
        palette: png.palette ? [[0, 0, 0], [255, 255, 255]] : undefined,
      }),
    );
  }
  const testdata = new URL("../src/image/testdata/", import.meta.url);
  // ring_adobe_rgb.jpg brings an Adobe segment and RGB component ids, which decide how the
  // planes are read.
  const jpegSeeds = [
    "ring_baseline.jpg",
    "ring_progressive.jpg",
    "ring_gray_baseline.jpg",
    "ring_adobe_rgb.jpg",
  ];
  for (const name of jpegSeeds) {
    seeds.push(await Deno.readFile(new URL(name, testdata)));
  }
  const gray = ringSamples(28, 28, 1, 8);
  const rgba = new Uint8Array(28 * 28 * 4).map((_, i) => (i % 4 === 3 ? 255 : gray[i >> 2]));
  seeds.push(new Uint8Array(jpeg.encode({ width: 28, height: 28, data: rgba }, 90).data));
  return {
    run(rng) {
      const seed = seeds[rng.int(seeds.length)];
      let input = mutateBytes(seed, rng);
      const isPng = seed[0] === 0x89;
      if (isPng && rng.int(2) === 0) input = fixPngCrcs(input);
      const outcome = classify(() => {
        const image = decodeImageBytes(input, "fuzz-image");
        normalizeDigit(image);
      });
      return outcome.then((result) => ({ outcome: result, input }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Command-line values through runCli in-process (commander parse, then the command itself)

const VALUES = [
  "0",
  "-0",
  "1",
  "+1",
  "-1",
  "2",
  "16",
  "1e9",
  "1e-9",
  "1e-10",
  "1e400",
  "99999999",
  "99999999999999999999",
  "4096",
  "4097",
  "10000",
  "10001",
  "4294967295",
  "4294967296",
  "NaN",
  "Infinity",
  "-Infinity",
  "abc",
  "",
  " ",
  "\t",
  "0x10",
  "0b1",
  "1.5",
  ".5",
  "5.",
  "1,2",
  ",,",
  ",",
  "0,0",
  "-1,5",
  "128,",
  "none",
  "128 , 64",
  "1,1,1,1,1,1,1,1,1",
  "\u0000",
  "\uff11\uff12",
  "٣",
  "9".repeat(400),
  "relu",
  "adam",
  "cosine",
  "--epochs",
  "-",
  "--",
  "1 2",
  "__proto__",
  "constructor",
];

const FLAGS: Record<string, string[]> = {
  train: [
    "--epochs",
    "--batch",
    "--lr",
    "--weight-decay",
    "--warmup",
    "--seed",
    "--limit",
    "--hidden",
    "--activation",
    "--optimizer",
    "--schedule",
  ],
  test: ["--limit"],
  preview: ["--index", "--count", "--set"],
};

/** Odd paths for files; `info` also gets folders (classify would search all of "/"). */
const PATHS = ["", " ", "/dev/null", "/dev/zero", "/proc/self/status", "\u0000x", "-", "--json"];
const FOLDERS = ["/", ".", "..", "/proc"];

async function cliHarness(workDir: string): Promise<Harness> {
  const missingData = `${workDir}/no-data-here`;
  const model = `${workDir}/cli.safetensors`;
  await saveSeedModel(model, [8], "adam", true);
  const pick = <T>(rng: Random, list: readonly T[]): T => list[rng.int(list.length)];
  const value = (rng: Random) =>
    rng.int(6) === 0
      ? Array.from({ length: 1 + rng.int(8) }, () => String.fromCharCode(32 + rng.int(95))).join("")
      : pick(rng, VALUES);
  return {
    async run(rng) {
      let args: string[];
      const kind = rng.int(10);
      if (kind < 7) {
        const command = pick(rng, Object.keys(FLAGS));
        args = [command];
        for (let k = 1 + rng.int(3); k > 0; k--) args.push(pick(rng, FLAGS[command]), value(rng));
        // A value that parses reaches the command, which stops at the missing data folder
        // instead of training for real.
        args.push("--data-dir", missingData);
        if (command === "train") args.push("--model", model);
      } else if (kind < 9) {
        args = ["info", "--model", pick(rng, [pick(rng, PATHS), pick(rng, FOLDERS), value(rng)])];
      } else {
        const path = rng.int(2) === 0 ? pick(rng, PATHS) : value(rng);
        args = ["classify", ...(FOLDERS.includes(path) ? [] : [path]), "--model", model];
      }
      const io = captureIo();
      const code = await runCli(args, io);
      return { outcome: cliOutcome(code, io), input: args };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request bodies through serve's handler (body cap and deadline, multipart, decode, normalize)

/** The body cap the server target runs with: big enough for the seeds, small enough to hit. */
const SERVER_MAX_BYTES = 64 * 1024;

const CONTENT_TYPES = [
  undefined,
  "image/png",
  "image/jpeg",
  "application/octet-stream",
  "text/plain",
  "application/json",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "multipart/form-data; boundary=x",
  "multipart/form-data; boundary=" + "b".repeat(300),
  "image/png; charset=binary",
  "IMAGE/PNG",
];

async function serverHarness(workDir: string): Promise<Harness> {
  const modelPath = `${workDir}/server.safetensors`;
  await saveSeedModel(modelPath, [16], "adam", false);
  const model = await loadModelOrRandom(modelPath, 1);
  const handle = digitsHandler(model, { maxBytes: SERVER_MAX_BYTES, timeoutMs: 1000 });
  // A stalled client: the deadline, made short so the fuzzer is not waiting a second each time.
  const impatient = digitsHandler(model, { maxBytes: SERVER_MAX_BYTES, timeoutMs: 20 });
  const seeds: Uint8Array[] = [
    await buildPng({
      width: 30,
      height: 26,
      colorType: 0,
      bitDepth: 8,
      samples: ringSamples(30, 26, 1, 8),
    }),
    await buildPng({
      width: 20,
      height: 20,
      colorType: 6,
      bitDepth: 8,
      samples: ringSamples(20, 20, 4, 8),
    }),
    await Deno.readFile(new URL("../src/image/testdata/ring_baseline.jpg", import.meta.url)),
  ];
  const pick = <T>(rng: Random, list: readonly T[]): T => list[rng.int(list.length)];
  return {
    async run(rng) {
      const kind = rng.int(10);
      let body: Uint8Array = kind === 0
        ? new Uint8Array(rng.int(2048)).map(() => rng.int(256)) // random bytes
        : kind === 1
        ? new Uint8Array(SERVER_MAX_BYTES + 1 + rng.int(4096)) // over the cap
        : mutateBytes(pick(rng, seeds), rng); // truncated, huge dimensions, flipped bits ...
      if (body[0] === 0x89 && rng.int(2) === 0) body = fixPngCrcs(body);
      let type = pick(rng, CONTENT_TYPES);
      if (rng.int(3) === 0) {
        // Wrapped as a form upload, its framing mutated at times.
        const boundary = "fuzzboundary";
        const head =
          `--${boundary}\r\ncontent-disposition: form-data; name="f"; filename="d.png"\r\n\r\n`;
        let form = concat(
          new TextEncoder().encode(head),
          body,
          new TextEncoder().encode(`\r\n--${boundary}--\r\n`),
        );
        if (rng.int(3) === 0) form = mutateBytes(form, rng);
        body = form;
        type = `multipart/form-data; boundary=${boundary}`;
      }
      const headers = new Headers();
      if (type !== undefined) headers.set("content-type", type);
      const streamed = rng.int(3) === 0;
      const stalled = streamed && rng.int(10) === 0;
      const chunks = Array.from(
        { length: Math.ceil(body.length / 1000) },
        (_, i) => body.slice(i * 1000, (i + 1) * 1000),
      );
      // A stream has no Content-Length: the cap is counted as it arrives; a stalled one never ends.
      const payload = streamed
        ? new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks.shift();
            if (chunk) controller.enqueue(chunk);
            else if (!stalled) controller.close();
          },
        })
        : body as Uint8Array<ArrayBuffer>;
      const path = rng.int(20) === 0
        ? pick(rng, ["/classify?number=1", "/health", "/x"])
        : "/classify";
      const request = new Request(`http://127.0.0.1${path}`, {
        method: "POST",
        body: payload,
        headers,
      });
      let outcome: Outcome;
      try {
        const response = await (stalled ? impatient : handle)(request);
        const answer = await response.json();
        if (response.status >= 500 && response.status !== 501) {
          outcome = { problem: `status ${response.status}: ${JSON.stringify(answer)}` };
        } else if (typeof answer !== "object" || answer === null) {
          outcome = { problem: `answer is not a JSON object: ${JSON.stringify(answer)}` };
        } else if (response.status !== 200 && typeof answer.error !== "string") {
          outcome = {
            problem: `status ${response.status} without an error: ${JSON.stringify(answer)}`,
          };
        } else if (
          stalled && path === "/classify" && response.status !== 408 && response.status !== 413
        ) {
          outcome = { problem: `a stalled body got ${response.status}, not 408` };
        } else {outcome = response.status === 200 || response.status === 422
            ? "accepted"
            : "refused";}
      } catch (error) {
        outcome = { problem: describe(error) };
      }
      return { outcome, input: body };
    },
  };
}

// ---------------------------------------------------------------------------------------------

function parseArgs(args: string[]): FuzzOptions & { json: boolean } {
  const options: FuzzOptions & { json: boolean } = {
    seed: Date.now() % 2 ** 31,
    seconds: 30,
    json: false,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new UserError(`${flag} needs a value`);
      return v;
    };
    const whole = (text: string) => {
      if (!/^\d+$/.test(text)) {
        throw new UserError(`${flag}: expected a whole number, got "${text}"`);
      }
      return Number(text);
    };
    if (flag === "--seconds") options.seconds = Number(next());
    else if (flag === "--seed") options.seed = whole(next());
    else if (flag === "--count") options.count = whole(next());
    else if (flag === "--from") options.from = whole(next());
    else if (flag === "--json") options.json = true;
    else if (flag === "--targets") {
      const names = next().split(",");
      for (const name of names) {
        if (!(TARGETS as readonly string[]).includes(name)) {
          throw new UserError(`--targets: unknown target "${name}" (${TARGETS.join(", ")})`);
        }
      }
      options.targets = names as Target[];
    } else throw new UserError(`unknown option ${flag}`);
  }
  if (!(options.seconds > 0)) throw new UserError("--seconds: expected a positive number");
  return options;
}

if (import.meta.main) {
  let options;
  try {
    options = parseArgs(Deno.args);
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const report = await fuzz(options);
  if (options.json) console.log(JSON.stringify(report));
  else {
    console.log(`seed ${report.seed}, ${report.seconds.toFixed(1)} s`);
    for (const target of options.targets ?? TARGETS) {
      console.log(
        `  ${target.padEnd(6)} ${String(report.inputs[target]).padStart(7)} inputs: ` +
          `${report.accepted[target]} accepted, ${report.refused[target]} refused cleanly`,
      );
    }
    console.log(
      `  slowest input ${Math.round(report.slowestMs)} ms, max RSS ${
        Math.round(report.maxRssBytes / 2 ** 20)
      } MB`,
    );
    for (const [note, count] of Object.entries(report.known)) {
      console.log(`  KNOWN (${count} inputs): ${note}`);
    }
    for (const failure of report.failures) {
      console.log(
        `  FAIL ${failure.target} #${failure.index}: ${failure.problem} (input: ${failure.savedTo})`,
      );
    }
    console.log(
      report.failures.length === 0 ? "no failures" : `${report.failures.length} failures`,
    );
  }
  Deno.exit(report.failures.length === 0 ? 0 : 1);
}
