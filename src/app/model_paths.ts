/** Where models live by default, and which one a command uses when not told. */

/** Where `train` saves unless `--model` says otherwise. */
export const DEFAULT_MODEL_PATH = "models/default.safetensors";
/**
 * The model shipped with the project and used when you have none of your own: a convolutional
 * network (the `cnn` preset), trained by our own `train` command (`info` shows the command).
 */
export const PRETRAINED_MODEL_PATH = "models/pretrained.safetensors";
/** The dense network shipped too (784-256-10, a version-1 file), for comparing the two. */
export const PRETRAINED_MLP_PATH = "models/pretrained_mlp.safetensors";
/** The shipped files found from the code, for when the app is started from another folder. */
const shippedFile = (name: string) =>
  decodeURIComponent(new URL(`../../models/${name}`, import.meta.url).pathname);
const SHIPPED_MODEL_FILE = shippedFile("pretrained.safetensors");
const SHIPPED_FILES = new Set([
  PRETRAINED_MODEL_PATH,
  PRETRAINED_MLP_PATH,
  SHIPPED_MODEL_FILE,
  shippedFile("pretrained_mlp.safetensors"),
]);

/** True when `path` is one of the shipped pretrained models. */
export function isShippedModel(path: string | undefined): boolean {
  return path !== undefined && SHIPPED_FILES.has(path);
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
