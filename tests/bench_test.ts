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
    const lines = new TextDecoder().decode(output.stdout).trim().split("\n").map((line) =>
      JSON.parse(line)
    );
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
