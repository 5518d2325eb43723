import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { acquireModelLock } from "./lock.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Starts another Deno process that takes the lock through the real code and keeps it. */
async function spawnLockHolder(modelPath: string): Promise<Deno.ChildProcess> {
  const lockModule = new URL("./lock.ts", import.meta.url).href;
  const code = `
    import { acquireModelLock } from ${JSON.stringify(lockModule)};
    await acquireModelLock(${JSON.stringify(modelPath)});
    console.log("locked");
    setInterval(() => {}, 1000);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  while (!output.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) {
      await child.status;
      throw new Error(`lock holder exited before locking: ${output}`);
    }
    output += value;
  }
  await reader.cancel();
  return child;
}

Deno.test("the lock file records who holds it and release removes it, twice safely", async () => {
  await withTempDir(async (dir) => {
    const model = `${dir}/default.safetensors`;
    const lock = await acquireModelLock(model);
    assert.equal(lock.path, `${model}.lock`);
    const info = JSON.parse(await Deno.readTextFile(lock.path));
    assert.equal(info.pid, Deno.pid);
    assert.equal(typeof info.hostname, "string");
    assert.ok(Math.abs(Date.parse(info.startedAt) - Date.now()) < 60_000, info.startedAt);
    await lock.release();
    assert.equal(await exists(lock.path), false);
    await lock.release();
    const again = await acquireModelLock(model);
    await again.release();
  });
});

Deno.test("a second lock on the same model is refused while the first is held", async () => {
  await withTempDir(async (dir) => {
    const model = `${dir}/default.safetensors`;
    {
      await using _held = await acquireModelLock(model);
      await assert.rejects(
        acquireModelLock(model),
        new UserError(
          `${model} is being trained by another process (pid ${Deno.pid}); wait for it or stop it`,
        ),
      );
    }
    assert.equal(await exists(`${model}.lock`), false, "`await using` released the lock");
  });
});

Deno.test("a lock held by a live process refuses; once that process is killed it is taken over", async () => {
  await withTempDir(async (dir) => {
    const model = `${dir}/default.safetensors`;
    const holder = await spawnLockHolder(model);
    try {
      await assert.rejects(
        acquireModelLock(model),
        new UserError(
          `${model} is being trained by another process (pid ${holder.pid}); wait for it or stop it`,
        ),
      );
    } finally {
      holder.kill("SIGKILL");
      await holder.status;
    }
    // A killed training cannot clean up: its lock file stays behind, but nobody holds it.
    assert.equal(JSON.parse(await Deno.readTextFile(`${model}.lock`)).pid, holder.pid);
    const lock = await acquireModelLock(model);
    assert.equal(JSON.parse(await Deno.readTextFile(lock.path)).pid, Deno.pid);
    await lock.release();
  });
});

Deno.test("a lock file left by a process that has exited is taken over", async () => {
  await withTempDir(async (dir) => {
    const model = `${dir}/default.safetensors`;
    const finished = new Deno.Command("sleep", { args: ["0"] }).spawn();
    await finished.status;
    // A long hostname makes the stale content longer than ours, so leftovers would show.
    const stale = { pid: finished.pid, hostname: "h".repeat(200), startedAt: "2020-01-01" };
    await Deno.writeTextFile(`${model}.lock`, JSON.stringify(stale));

    const lock = await acquireModelLock(model);
    const info = JSON.parse(await Deno.readTextFile(lock.path));
    assert.equal(info.pid, Deno.pid, "the file now names us (old, longer content fully replaced)");
    await lock.release();
    assert.equal(await exists(lock.path), false);
  });
});

Deno.test("locking a model in a folder that does not exist says so", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      acquireModelLock(`${dir}/nope/m.safetensors`),
      new UserError(`cannot lock ${dir}/nope/m.safetensors: folder ${dir}/nope does not exist`),
    );
  });
});
