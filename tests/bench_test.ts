/** The benchmark runs and prints the lines the README and CI scripts read (no timing asserted). */
import assert from "node:assert/strict";
import { MNIST_DIR, PROJECT_ROOT, skipUnless, taskPermissions } from "./env.ts";

Deno.test({
  name: "deno task bench --quick --json prints one JSON object per case",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...taskPermissions("bench"),
        `${PROJECT_ROOT}/tests/bench.ts`,
        "--quick",
        "--json",
      ],
      env: { MNIST_DIR },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const all = new TextDecoder().decode(output.stdout).trim().split("\n").map((line) =>
      JSON.parse(line)
    );
    // The machine first (the CPU and its vector width), then the cases, then where the time goes.
    assert.equal(all[0].name, "machine");
    assert.match(all[0].cpu, /avx2|avx512f|asimd|no avx2|no lscpu/);
    const profiles = all.filter((line) => line.name.startsWith("profile-"));
    assert.deepEqual(profiles.map((p) => p.name), [
      "profile-784-128-10",
      "profile-cnn",
      "profile-fast recipe",
    ]);
    for (const profile of profiles) {
      const names = profile.kernels.map((k: { kernel: string }) => k.kernel);
      assert.ok(names.some((name: string) => /^(forwardDense|convForward)/.test(name)), names);
      const shares = profile.kernels.reduce(
        (sum: number, k: { share: number }) => sum + k.share,
        0,
      );
      assert.ok(shares > 0.3 && shares <= 1.05, `kernels take ${shares} of a batch`);
    }
    const lines = all.filter((line) => line.samplesPerSecond !== undefined);
    const names = lines.map((line) => line.name);
    for (const name of ["train-784-128-10", "test-10k", "default-recipe-to-98"]) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(", ")}`);
    }
    for (const line of lines) {
      assert.equal(typeof line.layers, "string");
      assert.ok(Number.isInteger(line.batch) && line.batch > 0);
      assert.ok(line.samplesPerSecond > 0 && Number.isFinite(line.samplesPerSecond), line.name);
      assert.ok(line.seconds > 0, line.name);
    }
    const train = lines.find((line) => line.name === "train-784-128-10");
    assert.equal(train.layers, "784-128-10");
    assert.equal(train.batch, 64);
    // Learned something in its epoch (a broken kernel would stay near 10%).
    assert.ok(train.testAccuracy > 0.8, `test accuracy ${train.testAccuracy}`);
  },
});
