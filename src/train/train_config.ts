/**
 * Training configuration files (`train --config run.json`, `l` on the Train form): JSON whose
 * keys are TRAIN_OPTIONS' names, each value read by its option's own parser, so a file accepts
 * and refuses exactly what the flags do.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { OptionValueError } from "./option_values.ts";
import { type AnyTrainOption, loose, TRAIN_OPTIONS, type TrainValues } from "./options.ts";

/** Largest configuration file read: a few hundred bytes is usual; more is not a config. */
const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * The training values of a configuration file's JSON: an object whose keys are the option
 * names of TRAIN_OPTIONS (`hidden`, `layers`, `lr`, `weightDecay`, ...) and whose values are
 * what the flag takes, as JSON (`0.003` or `"3e-3"`, `[128, 64]` or `"128,64"`, `true` for a
 * switch). Each value goes through its option's own parser and range, so a file accepts and
 * refuses exactly what the flags do; keys starting with `//` are comments. A bad key or value
 * is a UserError naming `source`, the key and what was expected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrainConfig } from "./train_config.ts";
 * const values = parseTrainConfig('{"layers": "cnn", "lr": 0.001, "augment": true}', "run.json");
 * assert.deepEqual(values, { layers: "cnn", lr: 0.001, augment: true });
 * assert.throws(() => parseTrainConfig('{"lr": 500}', "run.json"), {
 *   message: 'run.json: "lr": expected a number from 1e-9 to 100, got "500".',
 * });
 * assert.throws(() => parseTrainConfig('{"rate": 0.1}', "run.json"), /unknown key "rate"/);
 * ```
 */
export function parseTrainConfig(text: string, source: string): Partial<TrainValues> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(
      `${source}: expected a JSON object of training options, e.g. {"epochs": 3}`,
    );
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith("//")) continue;
    const spec = TRAIN_OPTIONS.find((candidate) => candidate.name === key);
    if (!spec) {
      throw new UserError(`${source}: unknown key ${JSON.stringify(key)}; ${knownKeys(key)}`);
    }
    const typed = configText(spec, value);
    const where = `${source}: ${JSON.stringify(key)}`;
    if (typed === undefined) {
      throw new UserError(`${where}: expected ${expectedJson(spec)}, got ${JSON.stringify(value)}`);
    }
    try {
      values[key] = loose(spec).parse(typed);
    } catch (error) {
      if (!(error instanceof OptionValueError)) throw error;
      throw new UserError(`${where}: ${error.message}`);
    }
  }
  return values as Partial<TrainValues>;
}

/**
 * Reads a training configuration file (`train --config run.json`): see parseTrainConfig. The
 * command line's flags override what it sets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTrainConfig } from "./train_config.ts";
 * const quick = await readTrainConfig("examples/quick.json");
 * assert.equal(quick.limit, 5000);
 * ```
 */
export async function readTrainConfig(path: string): Promise<Partial<TrainValues>> {
  let bytes: Uint8Array;
  try {
    const file = await Deno.open(path);
    try {
      const info = await file.stat();
      if (!info.isFile) throw new UserError(`${path}: not a file`);
      if (info.size > MAX_CONFIG_BYTES) {
        throw new UserError(`${path}: ${info.size} bytes, too large for a training configuration`);
      }
      bytes = new Uint8Array(info.size);
      let read = 0;
      while (read < bytes.length) {
        const n = await file.read(bytes.subarray(read));
        if (n === null) break;
        read += n;
      }
      bytes = bytes.subarray(0, read);
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof Deno.errors.NotFound) throw new UserError(`${path}: no such file`);
    throw new UserError(`${path}: cannot read (${(error as Error).message.split("\n")[0]})`);
  }
  return parseTrainConfig(new TextDecoder().decode(bytes), path);
}

/** A JSON value as the text its flag would be typed as; undefined for a type that cannot be. */
function configText(spec: AnyTrainOption, value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && !spec.negation) return String(value);
  if (typeof value === "boolean" && spec.negation) return value ? "on" : "off";
  if (Array.isArray(value) && spec.name === "hidden" && value.every((v) => typeof v === "number")) {
    return value.join(",");
  }
  if (
    Array.isArray(value) && spec.name === "negatives" && value.every((v) => typeof v === "string")
  ) return value.join(",") || "none";
  return undefined;
}

/** What JSON a key takes, for a value of the wrong type. */
function expectedJson(spec: AnyTrainOption): string {
  if (spec.negation) return "true or false";
  if (spec.name === "hidden") return 'a list of widths such as [128, 64] (or "128,64")';
  if (spec.name === "negatives") return 'a list of kinds such as ["shapes", "icons"], or "all"';
  if (spec.choices) return `one of ${spec.choices.map((c) => JSON.stringify(c)).join(", ")}`;
  if (spec.name === "layers") return 'a layer spec such as "conv5x32,pool,dense128" or "cnn"';
  if (spec.name === "stopAt") return 'a number or "off"';
  return spec.name === "limit" ? 'a number or "all"' : "a number";
}

/** The keys a file may use, with the one meant when `key` is a flag's spelling of it. */
function knownKeys(key: string): string {
  const asFlag = TRAIN_OPTIONS.find((spec) => spec.flag.split(" ")[0] === `--${key}`);
  const meant = asFlag ? `did you mean "${asFlag.name}"? ` : "";
  return `${meant}expected one of ${TRAIN_OPTIONS.map((spec) => spec.name).join(", ")}`;
}
