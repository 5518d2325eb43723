import { UserError } from "../errors.ts";

/**
 * Writes `bytes` to `path` so that readers only ever see the old file or the complete new one:
 * the data goes to a temporary file in the same folder, is flushed to disk, and is renamed over
 * `path`. On any failure the temporary file is removed and a UserError names the path and cause.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./atomic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/model.bin`, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await Deno.readFile(`${dir}/model.bin`), new Uint8Array([1, 2, 3]));
 * await assert.rejects(writeFileAtomic(dir, new Uint8Array(1)), {
 *   message: `${dir}: is a folder, expected a file path`,
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new UserError(`${path}: is a folder, expected a file path`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw describeWriteError(path, error);
  }
  const tempPath = `${dir}/.${base}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(tempPath, { write: true, createNew: true });
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.syncData();
    file.close();
    file = undefined;
    await Deno.rename(tempPath, path);
  } catch (error) {
    try {
      file?.close();
    } catch { /* already closed */ }
    await Deno.remove(tempPath).catch(() => {});
    throw describeWriteError(path, error);
  }
}

/** Turns a file-system error into a one-line UserError that names the path. */
function describeWriteError(path: string, error: unknown): Error {
  if (error instanceof UserError) return error;
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  if (error instanceof Deno.errors.NotFound) {
    return new UserError(`cannot write ${path}: folder ${dir} does not exist`);
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new UserError(`cannot write ${path}: permission denied`);
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new UserError(`cannot write ${path}: is a folder, expected a file path`);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/no space left/i.test(message)) {
    return new UserError(`cannot write ${path}: no space left on the device`);
  }
  if (/read-only/i.test(message)) {
    return new UserError(`cannot write ${path}: the file system is read-only`);
  }
  return new UserError(`cannot write ${path}: ${message.split("\n")[0]}`);
}
