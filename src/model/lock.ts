/**
 * A lock file `<model>.lock` so two trainings cannot write the same model at once.
 *
 * The holder keeps the lock file open with an exclusive advisory lock (flock) for as long as
 * it trains. The operating system drops that lock when the process ends in any way (exit,
 * crash, kill -9), so a lock file left behind by a dead process is simply taken over; no pid
 * probing is needed. (Probing `/proc/<pid>` would need Deno's --allow-all.) The file's JSON
 * `{pid, hostname, startedAt}` is only there to tell the user who holds the lock.
 */
import { UserError } from "../errors.ts";

/** A held model lock; release it when training ends (`await using` releases it too). */
export interface ModelLock {
  /** Path of the lock file: `<modelPath>.lock`. */
  readonly path: string;
  /** Removes the lock file and drops the lock. Safe to call more than once. */
  release(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What the lock file says about its holder. */
interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

/**
 * Takes the training lock for `modelPath`, or throws a UserError naming the pid of the process
 * that holds it. A lock file left by a process that has ended is taken over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireModelLock } from "./lock.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const modelPath = `${dir}/default.safetensors`;
 * {
 *   await using lock = await acquireModelLock(modelPath);
 *   assert.equal(lock.path, `${modelPath}.lock`);
 *   await assert.rejects(acquireModelLock(modelPath)); // a second training is refused
 * } // released here: the lock file is gone
 * await assert.rejects(Deno.stat(`${modelPath}.lock`), Deno.errors.NotFound);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function acquireModelLock(modelPath: string): Promise<ModelLock> {
  const lockPath = `${modelPath}.lock`;
  // Refused now rather than when the first save fails, after a whole epoch of training.
  if (await isFolder(modelPath)) {
    throw new UserError(`${modelPath}: is a folder, expected a model file path`);
  }
  // More than one round only when the holder removes the file between our open and our lock.
  for (let round = 0; round < 10; round++) {
    const file = await openLockFile(lockPath, modelPath);
    let held = false;
    try {
      if (!(await file.tryLock(true))) {
        throw heldElsewhereError(modelPath, await readLockInfo(lockPath));
      }
      // If the previous holder removed the file after we opened it, we locked an orphan: retry.
      if (!(await isSameFile(file, lockPath))) continue;
      const info: LockInfo = {
        pid: Deno.pid,
        hostname: hostname(),
        startedAt: new Date().toISOString(),
      };
      await file.truncate(0);
      const bytes = new TextEncoder().encode(JSON.stringify(info) + "\n");
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      held = true;
      await removeStaleTempFiles(modelPath);
      return heldLock(file, lockPath);
    } finally {
      if (!held) file.close();
    }
  }
  throw new UserError(`cannot lock ${modelPath}: ${lockPath} keeps being replaced; try again`);
}

function heldLock(file: Deno.FsFile, lockPath: string): ModelLock {
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    try {
      // Remove before unlocking, and only our own file: a waiter then finds no file or a new one.
      if (await isSameFile(file, lockPath)) await Deno.remove(lockPath);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    } finally {
      file.close();
    }
  };
  return { path: lockPath, release, [Symbol.asyncDispose]: release };
}

async function openLockFile(lockPath: string, modelPath: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(lockPath, { read: true, write: true, create: true });
  } catch (error) {
    const slash = lockPath.lastIndexOf("/");
    const dir = slash >= 0 ? lockPath.slice(0, slash) || "/" : ".";
    if (error instanceof Deno.errors.NotFound) {
      throw new UserError(`cannot lock ${modelPath}: folder ${dir} does not exist`);
    }
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new UserError(`cannot lock ${modelPath}: permission denied creating ${lockPath}`);
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new UserError(`cannot lock ${modelPath}: ${lockPath} is a folder`);
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    if (/read-only/i.test(message)) {
      throw new UserError(`cannot lock ${modelPath}: the file system is read-only`);
    }
    throw new UserError(`cannot lock ${modelPath}: ${message}`);
  }
}

function heldElsewhereError(modelPath: string, info: Partial<LockInfo>): UserError {
  const otherHost = info.hostname && info.hostname !== hostname() ? ` on ${info.hostname}` : "";
  const who = info.pid === undefined ? "" : ` (pid ${info.pid}${otherHost})`;
  return new UserError(
    `${modelPath} is being trained by another process${who}; wait for it or stop it`,
  );
}

/** Best effort: the holder may not have written its info yet, or someone edited the file. */
async function readLockInfo(lockPath: string): Promise<Partial<LockInfo>> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(lockPath));
    return {
      pid: Number.isSafeInteger(parsed?.pid) ? parsed.pid : undefined,
      hostname: typeof parsed?.hostname === "string" ? parsed.hostname : undefined,
    };
  } catch {
    return {};
  }
}

/** Whether `path` still names the file we hold open (compared by device and inode). */
async function isSameFile(file: Deno.FsFile, path: string): Promise<boolean> {
  try {
    const [held, current] = await Promise.all([file.stat(), Deno.stat(path)]);
    // Windows reports no inode; there the path cannot be removed while open anyway.
    if (held.ino === null || current.ino === null) return true;
    return held.ino === current.ino && held.dev === current.dev;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The machine name, without asking for --allow-sys (which the app does not request). */
function hostname(): string {
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted") {
      return Deno.hostname();
    }
    if (Deno.permissions.querySync({ name: "read", path: "/etc/hostname" }).state === "granted") {
      return Deno.readTextFileSync("/etc/hostname").trim() || "unknown";
    }
  } catch { /* no hostname available */ }
  return "unknown";
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false; // missing or unreadable: the lock file's own error says more
  }
}

/**
 * Removes the temp files of saves that never finished (`.<model>.<pid>.<id>.tmp`, see
 * writeFileAtomic), the model's and its run record's (`<model>.run.json`, see
 * src/train/run_record.ts): a process killed mid-save leaves one. Only called while holding the
 * lock, so no save of this model can be in progress. Best effort.
 */
async function removeStaleTempFiles(modelPath: string): Promise<void> {
  const slash = modelPath.lastIndexOf("/");
  const dir = slash >= 0 ? modelPath.slice(0, slash) || "/" : ".";
  const base = slash >= 0 ? modelPath.slice(slash + 1) : modelPath;
  const prefixes = [`.${base}.`, `.${base.replace(/\.safetensors$/, "")}.run.json.`];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const prefix = prefixes.find((p) => entry.name.startsWith(p));
      const rest = prefix ? entry.name.slice(prefix.length) : "";
      if (entry.isFile && /^\d+\.[0-9a-f]{8}\.tmp$/.test(rest)) {
        await Deno.remove(`${dir}/${entry.name}`).catch(() => {});
      }
    }
  } catch { /* an unlistable folder: leave them */ }
}
