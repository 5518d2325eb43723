/**
 * Where the MNIST files live: `--data-dir DIR` when given, else `$MNIST_DIR`, else `./data`.
 */

/** The four canonical MNIST file names, without the optional `.gz`. */
export const MNIST_FILES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
] as const;

/** One of the four canonical MNIST file names. */
export type MnistFileName = typeof MNIST_FILES[number];

/** Folder used when neither `--data-dir` nor `$MNIST_DIR` is given. */
export const DEFAULT_DATA_DIR = "./data";

/** What we found when looking for MNIST. */
export interface DataDirStatus {
  /** The folder to use: the first that holds MNIST, else the first candidate (to fetch into). */
  dir: string;
  /** How `dir` was chosen. */
  origin: "flag" | "env" | "default";
  /** Whether `dir` exists as a folder. */
  exists: boolean;
  /** Whether `dir` holds all four files. */
  complete: boolean;
  /** Canonical names of the files `dir` lacks (in MNIST_FILES order). */
  missing: MnistFileName[];
  /** Path of each file found in `dir`: uncompressed when present, else `.gz`. */
  paths: Partial<Record<MnistFileName, string>>;
  /** Every folder looked at, in order. */
  checked: string[];
}

/** Where to look besides `--data-dir`; tests pass these instead of touching the process. */
export interface DataDirLookup {
  /** Value of `$MNIST_DIR`; read from the environment when the key is absent. */
  mnistDir?: string | undefined;
  /** Fallback folder; DEFAULT_DATA_DIR when absent. */
  defaultDir?: string;
}

/**
 * Finds the MNIST folder. With `flag` (the `--data-dir` value) only that folder is checked.
 * Otherwise `$MNIST_DIR` (when set) and then `./data` are checked and the first holding all four
 * files wins; when neither does, `dir` is the first of them, which is where a download goes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveDataDir } from "./locate.ts";
 *
 * // Called as resolveDataDir(flag) it reads $MNIST_DIR; here the lookup is given instead.
 * const status = resolveDataDir(undefined, { mnistDir: undefined, defaultDir: "no_such_folder" });
 * assert.equal(status.dir, "no_such_folder");
 * assert.equal(status.complete, false);
 * assert.equal(status.missing.length, 4); // fetch-data would download all four into status.dir
 * ```
 */
export function resolveDataDir(flag?: string, lookup: DataDirLookup = {}): DataDirStatus {
  if (flag !== undefined) return { ...inspectDir(flag), origin: "flag", checked: [flag] };
  const mnistDir = "mnistDir" in lookup ? lookup.mnistDir : readMnistDirEnv();
  const defaultDir = lookup.defaultDir ?? DEFAULT_DATA_DIR;
  const candidates: { dir: string; origin: "env" | "default" }[] = [];
  if (mnistDir) candidates.push({ dir: mnistDir, origin: "env" });
  if (mnistDir !== defaultDir) candidates.push({ dir: defaultDir, origin: "default" });
  const checked = candidates.map((candidate) => candidate.dir);
  const inspected = candidates.map((candidate) => ({ ...inspectDir(candidate.dir), ...candidate }));
  const chosen = inspected.find((status) => status.complete) ?? inspected[0];
  return { ...chosen, checked };
}

/** Looks for the four files in one folder. */
function inspectDir(dir: string): Omit<DataDirStatus, "origin" | "checked"> {
  const exists = isFolder(dir);
  const paths: Partial<Record<MnistFileName, string>> = {};
  const missing: MnistFileName[] = [];
  for (const name of MNIST_FILES) {
    const found = exists ? findMnistFile(dir, name) : undefined;
    if (found) paths[name] = found;
    else missing.push(name);
  }
  return { dir, exists, complete: missing.length === 0, missing, paths };
}

/**
 * Path of `name` in `dir`, preferring the uncompressed file (faster to load) over `name.gz`,
 * or undefined when neither is a file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findMnistFile } from "./locate.ts";
 *
 * const dir = await Deno.makeTempDir(); // a data folder holding a file as downloaded
 * await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte.gz`, new Uint8Array());
 * assert.equal(findMnistFile(dir, "t10k-labels-idx1-ubyte"), `${dir}/t10k-labels-idx1-ubyte.gz`);
 * assert.equal(findMnistFile("no_such_folder", "t10k-labels-idx1-ubyte"), undefined);
 * ```
 */
export function findMnistFile(dir: string, name: MnistFileName): string | undefined {
  const base = `${dir.replace(/\/+$/, "")}/${name}`;
  for (const candidate of [base, `${base}.gz`]) {
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/** `$MNIST_DIR`, or undefined when unset, empty or not readable (no --allow-env). */
function readMnistDirEnv(): string | undefined {
  try {
    return Deno.env.get("MNIST_DIR") || undefined;
  } catch {
    return undefined;
  }
}

function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
