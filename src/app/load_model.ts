/** Finding and loading the model a command works with, or a random stand-in when none exists. */
import { loadNetworkModel, type NetworkModelInfo } from "../train/checkpoint.ts";
import { Network } from "../network/mod.ts";
import { selectKernels } from "../network/select_kernels.ts";
import { DEFAULT_RECIPE } from "../train/recipe.ts";
import { plural } from "../text/format.ts";
import { resolveModelPath } from "./model_paths.ts";
import { describeArchitecture } from "../train/architecture.ts";

/** A network ready to predict, with where it came from. */
export interface LoadedModel {
  network: Network;
  /** The file it was read from; undefined for a random network. */
  path?: string;
  info?: NetworkModelInfo;
  /** True when no model file existed and the network is randomly initialized. */
  random: boolean;
  /** Why a random network is used (which path was missing). */
  randomReason?: string;
}

/**
 * Loads `--model` (or the default / pretrained model). When no file exists, returns a randomly
 * initialized network of the default shape, flagged `random`, so `test` can show the ~10%
 * baseline that proves training is what works. A file that exists but is broken is an error.
 */
export async function loadModelOrRandom(
  flag: string | undefined,
  maxBatch = 500,
): Promise<LoadedModel> {
  const kernels = selectKernels();
  const path = await resolveModelPath(flag);
  if (path !== undefined && await pathExists(path)) {
    const { network, info } = await loadNetworkModel(path, { maxBatch, kernels });
    return { network, path, info, random: false };
  }
  const network = new Network(
    { layerSizes: [784, ...DEFAULT_RECIPE.hidden, 10], activation: DEFAULT_RECIPE.activation },
    { seed: DEFAULT_RECIPE.seed, maxBatch, kernels },
  );
  return {
    network,
    random: true,
    randomReason: path === undefined
      ? "no trained model yet (models/default.safetensors)"
      : `no model file at ${path}`,
  };
}

/** One line describing a loaded model, for headers. */
export function describeModel(model: LoadedModel): string {
  if (model.random || !model.info) {
    return `random network ${describeArchitecture(model.network)} (untrained)`;
  }
  const info = model.info;
  const accuracy = info.testAccuracy !== null ? `, ${(info.testAccuracy * 100).toFixed(2)}%` : "";
  return `${model.path}: ${describeArchitecture(info)}, ${
    plural(info.position.epochsDone, "epoch")
  }${accuracy}`;
}

/** True when anything (file or folder) is at `path`; a folder then fails to load, clearly. */
async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
