/** Where models live by default, and which one a command uses when not told. */

/** Where `train` saves unless `--model` says otherwise. */
export const DEFAULT_MODEL_PATH = "models/default.safetensors";
/** The model shipped with the project, trained by our own `train` command. */
export const PRETRAINED_MODEL_PATH = "models/pretrained.safetensors";
/** The same file found from the code, for when the app is started from another folder. */
const SHIPPED_MODEL_FILE = decodeURIComponent(
  new URL("../../models/pretrained.safetensors", import.meta.url).pathname,
);

/** True when `path` is the shipped pretrained model. */
export function isShippedModel(path: string | undefined): boolean {
  return path === PRETRAINED_MODEL_PATH || path === SHIPPED_MODEL_FILE;
}

/** True when `path` exists and is a file. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The model `test`, `classify` and the menu use: the `--model` given, else the user's own
 * trained model, else the shipped pretrained one. `undefined` when none of them exists.
 */
export async function resolveModelPath(flag: string | undefined): Promise<string | undefined> {
  if (flag !== undefined) return flag;
  for (const candidate of [DEFAULT_MODEL_PATH, PRETRAINED_MODEL_PATH, SHIPPED_MODEL_FILE]) {
    if (await fileExists(candidate)) return candidate;
  }
  return undefined;
}
