/**
 * A set of training values as a session, a form and a command line see them: the value an
 * option takes when not given (the saved model's, the optimizer's default, the default), the
 * values of a saved record, and the flags that ask for them (a model's "made by" line). The
 * options themselves are TRAIN_OPTIONS (options.ts).
 *
 * @module
 */
import type { OptimizerKind } from "../network/mod.ts";
import {
  loose,
  type SavedTraining,
  TRAIN_OPTIONS,
  type TrainOption,
  trainOption,
  type TrainValueName,
  type TrainValues,
} from "./options.ts";

/**
 * The value an option takes when not given: the saved model's when resuming (if it has one),
 * else the default for the optimizer chosen, else the default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainOption } from "./options.ts";
 * import { defaultValue } from "./train_values.ts";
 * assert.equal(defaultValue(trainOption("lr"), "momentum"), 0.05);
 * assert.equal(defaultValue(trainOption("epochs"), "adam"), 5);
 * ```
 */
export function defaultValue<K extends TrainValueName>(
  spec: TrainOption<K>,
  optimizer: OptimizerKind,
  saved?: SavedTraining,
): TrainValues[K] {
  const fromSaved = saved && spec.saved ? spec.saved(saved, optimizer) : undefined;
  return fromSaved ?? spec.perOptimizer?.[optimizer] ?? spec.default;
}

/**
 * Every training value: those `given`, the rest filled in by defaultValue (with `saved` when
 * resuming). The one place the session and the form get the values they do not ask for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOptimizerSettings } from "../network/mod.ts";
 * import { resolveTrainValues } from "./train_values.ts";
 * const saved = {
 *   layerSizes: [784, 32, 10],
 *   activation: "tanh" as const,
 *   optimizer: { ...defaultOptimizerSettings("sgd"), learningRate: 0.02 },
 *   plan: null,
 * };
 * assert.equal(resolveTrainValues({}, saved).lr, 0.02); // the saved rate, same optimizer
 * assert.equal(resolveTrainValues({ optimizer: "adam" }, saved).lr, 0.003); // a switch
 * assert.deepEqual(resolveTrainValues({}, saved).hidden, [32]);
 * ```
 */
export function resolveTrainValues(
  given: Partial<TrainValues>,
  saved?: SavedTraining,
): TrainValues {
  const optimizer = given.optimizer ?? defaultValue(trainOption("optimizer"), "adam", saved);
  const values: Record<string, unknown> = {};
  for (const spec of TRAIN_OPTIONS) {
    values[spec.name] = given[spec.name] ?? defaultValue(loose(spec), optimizer, saved);
  }
  return values as unknown as TrainValues;
}

/**
 * The training values among `record`'s keys (e.g. commander's parsed flags), the rest left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickTrainValues } from "./train_values.ts";
 * assert.deepEqual(pickTrainValues({ lr: 0.01, json: true, model: "m" }), { lr: 0.01 });
 * ```
 */
export function pickTrainValues(record: Record<string, unknown>): Partial<TrainValues> {
  const values: Record<string, unknown> = {};
  for (const spec of TRAIN_OPTIONS) {
    if (record[spec.name] !== undefined) values[spec.name] = record[spec.name];
  }
  return values as Partial<TrainValues>;
}

/**
 * Whether two values of an option are the same (layer lists compare by their widths).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameValue } from "./train_values.ts";
 * assert.ok(sameValue([128, 64], [128, 64]));
 * assert.ok(!sameValue(0.1, 0.01));
 * ```
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.join() === b.join();
  return a === b;
}

/**
 * The flags that ask for `values`, in `--help` order: the command line of a request (kept in a
 * model's metadata so a run from the menu can be repeated from a shell).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagsOf } from "./train_values.ts";
 * assert.deepEqual(flagsOf({ augment: true, lr: 0.01, hidden: [] }), [
 *   "--hidden", "none", "--lr", "0.01", "--augment",
 * ]);
 * ```
 */
export function flagsOf(values: Partial<TrainValues>): string[] {
  const flags: string[] = [];
  for (const spec of TRAIN_OPTIONS) {
    const value = values[spec.name];
    if (value === undefined) continue;
    const flag = spec.flag.split(" ")[0];
    if (spec.negation) flags.push(value ? flag : spec.negation.flag.split(" ")[0]);
    else flags.push(flag, loose(spec).format(value));
  }
  return flags;
}

/**
 * The command line that does what the form asked, kept in the model file ("made by"), so a
 * run from the menu can be repeated from a shell. Values are written as their options' flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandOf } from "./train_values.ts";
 *
 * assert.equal(
 *   commandOf({ modelPath: "m.safetensors", epochs: 3, augment: false }, undefined, {}),
 *   "deno task start train --epochs 3 --no-augment",
 * );
 * ```
 */
export function commandOf(
  request: Partial<TrainValues> & { modelPath: string; fresh?: boolean },
  modelFlag: string | undefined,
  data: { dataDir?: string; sample?: boolean },
): string {
  const parts = ["deno task start train"];
  if (modelFlag !== undefined) parts.push(`--model ${request.modelPath}`);
  parts.push(...flagsOf(request));
  if (request.fresh) parts.push("--fresh");
  if (data.sample) parts.push("--sample");
  if (data.dataDir !== undefined) parts.push(`--data-dir ${data.dataDir}`);
  return parts.join(" ");
}
