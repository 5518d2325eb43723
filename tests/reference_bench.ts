/**
 * The reference trainers of ../shared/bench (numpy on OpenBLAS, PyTorch CPU), run from
 * `deno task bench --compare` beside ours, and the name of the CPU they all run on.
 *
 * @module
 */

/** A reference run: which script and arguments, and the samples per second it printed. */
export interface ReferenceCase {
  /** Short name shown beside ours, e.g. "numpy+OpenBLAS 784-128-10". */
  name: string;
  script: string;
  args: string[];
  /** Python modules the script needs. */
  needs: string[];
}

/** The three anchors of bench --compare (see ../shared/bench/README.md). */
export function referenceCases(
  mnistDir: string,
  quick: boolean,
): Record<string, ReferenceCase> {
  // Two epochs of 20,000 digits (the best epoch counts: the first pays for the start-up), so
  // that a round takes seconds on an idle machine and minutes, not tens, on a busy one;
  // --quick: 6,000 (a smoke run; the figures are not comparable).
  const mlpLimit = ["--limit", quick ? "6000" : "20000"];
  return {
    numpyMlp: {
      name: "numpy+OpenBLAS",
      script: "ref_mlp.py",
      args: [
        mnistDir,
        "numpy-batch",
        "--hidden",
        "128",
        "--epochs",
        "2",
        "--batch",
        "64",
        ...mlpLimit,
      ],
      needs: ["numpy"],
    },
    torchMlp: {
      name: "PyTorch",
      script: "ref_mlp.py",
      args: [mnistDir, "torch", "--hidden", "128", "--epochs", "2", "--batch", "64", ...mlpLimit],
      needs: ["numpy", "torch"],
    },
    torchCnn: {
      name: "PyTorch",
      script: "ref_cnn.py",
      args: [mnistDir, ...(quick ? ["--samples", "1280"] : [])],
      needs: ["numpy", "torch"],
    },
  };
}

/**
 * The environment for the references: ours, without the two OpenBLAS settings some machines
 * set for old OpenBLAS builds (they slow a current one down; ../shared/bench/README.md).
 */
function referenceEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * The Python that runs the references: $DIGITS_PYTHON, else Debian's /usr/bin/python3 (where
 * apt installs python3-torch; a pyenv shim first on PATH may lack it), else python3.
 */
async function pythonCandidates(): Promise<string[]> {
  const given = Deno.env.get("DIGITS_PYTHON");
  if (given) return [given];
  const candidates = ["python3"];
  try {
    await Deno.stat("/usr/bin/python3");
    candidates.unshift("/usr/bin/python3");
  } catch {
    // not a Debian-like system
  }
  return candidates;
}

/**
 * Which of `modules` python3 can import, or a one-line reason why none can be used (no python3,
 * or no scripts in `benchDir`).
 */
export async function pythonModules(
  benchDir: string,
  modules: string[],
): Promise<{ python: string; available: Set<string>; missing: string[] } | { reason: string }> {
  try {
    await Deno.stat(`${benchDir}/ref_mlp.py`);
  } catch {
    return { reason: `no reference scripts in ${benchDir}` };
  }
  let best: { python: string; available: Set<string>; missing: string[] } | undefined;
  for (const python of await pythonCandidates()) {
    const available = new Set<string>();
    for (const module of modules) {
      try {
        const output = await new Deno.Command(python, {
          args: ["-c", `import ${module}`],
          env: referenceEnv(),
          clearEnv: true,
          stdout: "null",
          stderr: "null",
          stdin: "null",
        }).output();
        if (output.success) available.add(module);
      } catch {
        break; // no such interpreter
      }
    }
    if (!best || available.size > best.available.size) {
      best = { python, available, missing: modules.filter((m) => !available.has(m)) };
    }
  }
  if (!best || best.available.size === 0) {
    return { reason: `no python3 with ${modules.join(" or ")}` };
  }
  return best;
}

/**
 * Runs one reference and returns the best samples/s it printed (the best epoch: the first
 * includes the start-up), or throws with its stderr's last line.
 */
export async function runReference(
  python: string,
  benchDir: string,
  reference: ReferenceCase,
): Promise<number> {
  const output = await new Deno.Command(python, {
    args: [`${benchDir}/${reference.script}`, ...reference.args],
    env: referenceEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  const rates = lines.flatMap((line) => {
    try {
      const rate = JSON.parse(line).samples_per_s;
      return typeof rate === "number" ? [rate] : [];
    } catch {
      return [];
    }
  });
  if (!output.success || rates.length === 0) {
    const why = new TextDecoder().decode(output.stderr).trim().split("\n").pop();
    throw new Error(`${reference.script} ${reference.args[1] ?? ""} failed: ${why}`);
  }
  return Math.max(...rates);
}

/**
 * The CPU's model name and its widest vector unit, as `lscpu` prints them (Deno reads
 * /proc/cpuinfo only with --allow-all, so with --allow-run it asks lscpu, or `cat`):
 * "AMD EPYC, avx512f (512-bit vectors), fma", or the architecture where neither answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeCpu } from "./reference_bench.ts";
 * assert.ok((await describeCpu()).length > 0);
 * ```
 */
export async function describeCpu(): Promise<string> {
  const text = await commandOutput("lscpu", []) ?? await commandOutput("cat", ["/proc/cpuinfo"]);
  if (!text) return `${Deno.build.arch} (no lscpu)`;
  const field = (key: string) => text.match(new RegExp(`^${key}\\s*:\\s*(.*)$`, "im"))?.[1].trim();
  const model = field("model name") ?? Deno.build.arch;
  const flags = new Set((field("flags") ?? field("features") ?? "").split(/\s+/));
  const width = flags.has("avx512f")
    ? "avx512f (512-bit vectors)"
    : flags.has("avx2")
    ? "avx2 (256-bit vectors)"
    : flags.has("asimd")
    ? "asimd (128-bit vectors)"
    : "no avx2";
  return `${model}, ${width}${flags.has("fma") ? ", fma" : ""}`;
}

async function commandOutput(command: string, args: string[]): Promise<string | undefined> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "null" })
      .output();
    return output.success ? new TextDecoder().decode(output.stdout) : undefined;
  } catch {
    return undefined;
  }
}
