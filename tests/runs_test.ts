/** `runs`: every training run is recorded beside its model file and listed for comparison. */
import assert from "node:assert/strict";
import { skipUnless } from "./env.ts";
import { assertOneLineError, jsonLines, runApp } from "./run_app.ts";

const train = (path: string, extra: string[]) =>
  runApp(["train", "--model", path, "--hidden", "32", "--limit", "3000", "--json", ...extra]);

Deno.test({
  name:
    "runs --dir lists two runs trained at different rates, each with its values and epochs; a resumed run continues its record",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      for (const [name, lr] of [["slow", "0.0003"], ["fast", "0.003"]]) {
        const trained = await train(`${dir}/${name}.safetensors`, [
          "--epochs",
          "2",
          "--lr",
          lr,
          "--fresh",
        ]);
        assert.equal(trained.code, 0, trained.stderr);
      }
      const listed = await runApp(["runs", "--dir", dir, "--json"]);
      assert.equal(listed.code, 0, listed.stderr);
      const runs = jsonLines(listed.stdout);
      assert.equal(runs.length, 2);
      const byModel = new Map(runs.map((run) => [String(run.model).split("/").at(-1), run]));
      for (
        const [name, lr] of [["slow.safetensors", 0.0003], ["fast.safetensors", 0.003]] as const
      ) {
        const run = byModel.get(name)!;
        assert.ok(run, name);
        assert.equal((run.values as Record<string, unknown>).lr, lr);
        assert.deepEqual((run.values as Record<string, unknown>).hidden, [32]);
        const epochs = run.epochs as { epoch: number; testAccuracy: number; seconds: number }[];
        assert.deepEqual(epochs.map((e) => e.epoch), [1, 2]);
        assert.ok(epochs.every((e) => e.testAccuracy > 0.5 && e.seconds > 0));
        const points = run.lossPoints as { epoch: number; loss: number }[];
        assert.ok(points.length >= 4, "loss points through both epochs");
        assert.ok(points.at(-1)!.epoch === 2 && points[0].epoch > 0);
        assert.equal(run.status, "completed");
      }
      // the higher rate learns faster in two epochs on 3,000 digits
      const best = (name: string) => byModel.get(name)!.bestAccuracy as number;
      assert.ok(best("fast.safetensors") > best("slow.safetensors"));

      const resumed = await train(`${dir}/fast.safetensors`, ["--epochs", "1"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      const [after] = jsonLines((await runApp(["runs", "--dir", dir, "--json"])).stdout)
        .filter((run) => String(run.model).endsWith("fast.safetensors"));
      const epochs = after.epochs as { epoch: number }[];
      assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3]);
      const points = (after.lossPoints as { epoch: number }[]).map((p) => p.epoch);
      assert.deepEqual(points, [...points].sort((a, b) => a - b), "one curve, in order");
      assert.equal(points.at(-1), 3);
      assert.equal((after.commands as string[]).length, 2);

      const table = await runApp(["runs", "--dir", dir]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /model +network +optimizer +rate +epochs +best +time +status/);
      assert.match(table.stdout, /slow\.safetensors +784-32-10 +adam +0\.0003 +2 +\d+\.\d\d% /);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("runs: a folder that does not exist is a one-line error", async () => {
  assertOneLineError(await runApp(["runs", "--dir", "/nonexistent/runs"]), /no such folder/);
});
