/**
 * What the tests run on, in one place: the project root, the MNIST folder, `../shared` beside the
 * project, tmux, a seeded random, and the real app as a subprocess with the permissions
 * `deno task start` grants (read from deno.json, so the tests and the task cannot drift apart).
 *
 * A test that needs something this machine lacks is skipped, and its file prints one line saying
 * what and why (`skipUnless`). CI must run every test: under `CI=true` a missing need fails
 * instead, and `.ci/run` fails when deno test reports anything ignored.
 */
import { resolve } from "node:path";
import { resolveDataDir } from "../src/data/locate.ts";

/** The project root (this file lives in tests/). */
export const PROJECT_ROOT: string = decodeURIComponent(new URL("..", import.meta.url).pathname)
  .replace(/\/$/, "");

/** The folder beside the project with the data the project must not copy (real digits, ...). */
export const SHARED_DIR: string = resolve(PROJECT_ROOT, "../shared");

/**
 * Where the full MNIST is for tests: `$MNIST_DIR` (CI sets `../shared/mnist`), else `./data`, as
 * for the app; absolute, so a test may run the app from any folder.
 */
export const MNIST_DIR: string = resolve(PROJECT_ROOT, Deno.env.get("MNIST_DIR") || "data");

/** The shipped model the accuracy tests measure (they fail when it is missing). */
export const SHIPPED_MODEL: string = `${PROJECT_ROOT}/models/pretrained.safetensors`;

/** Whether this run is CI's (which must run every test). */
export const IN_CI: boolean = Deno.env.get("CI") === "true";

/**
 * What a test may need beyond the project: the full MNIST, tmux, Chromium (`$CHROMIUM`, else
 * /usr/bin/chromium), Python modules ("python3:onnx" is ONNX's own checker, Debian's
 * python3-onnx), a private tmpfs mount (root in a mount namespace: a full or read-only disk), or a
 * folder of ../shared.
 */
export type Need =
  | "mnist"
  | "tmux"
  | "chromium"
  | "tmpfs"
  | `python3:${string}`
  | `shared/${string}`;

/** What `need` stands for, for people: "tmux", "the full MNIST", "../shared/real_digits". */
function describe(need: Need): string {
  if (need === "mnist") return "the full MNIST";
  if (need === "tmpfs") return "a tmpfs mount";
  if (need.startsWith("python3:")) return `Python's ${need.slice("python3:".length)}`;
  return need.startsWith("shared/") ? `../${need}` : need;
}

/** Why `need` is not met on this machine, or undefined when it is. */
export function missing(need: Need): string | undefined {
  if (need === "mnist") {
    return resolveDataDir(MNIST_DIR).complete ? undefined : `it is not in ${MNIST_DIR} ` +
      "(set MNIST_DIR, or run deno task start fetch-data)";
  }
  if (need === "tmux") return hasTmux() ? undefined : "it is not installed";
  if (need === "tmpfs") {
    return canMountTmpfs() ? undefined : "unshare -m cannot mount one here (it needs root)";
  }
  if (need === "chromium") {
    return isFile(CHROMIUM) ? undefined : `${CHROMIUM} is not there (apt-get install chromium)`;
  }
  if (need.startsWith("python3:")) {
    const modules = need.slice("python3:".length);
    return succeeds("/usr/bin/python3", ["-c", `import ${modules}`])
      ? undefined
      : `/usr/bin/python3 cannot import ${modules}`;
  }
  return isDirectory(`${SHARED_DIR}/${need.slice("shared/".length)}`)
    ? undefined
    : "there is no ../shared beside the project";
}

const reported = new Set<string>();

/**
 * The `ignore` of tests that need `needs`: false when all are met. Otherwise true, and the file
 * prints one line per missing need, naming itself, the need and why it is missing; under CI the
 * file gets a failing test saying so instead (and `.ci/run` fails on the skipped tests too).
 *
 * @example
 * ```ts
 * import { skipUnless } from "./env.ts";
 *
 * Deno.test({
 *   name: "drives the menu in a real terminal",
 *   ignore: skipUnless(import.meta, "tmux"),
 *   fn: () => {},
 * });
 * ```
 */
export function skipUnless(meta: ImportMeta, ...needs: Need[]): boolean {
  let skip = false;
  for (const need of needs) {
    const reason = missing(need);
    if (reason === undefined) continue;
    skip = true;
    const file = decodeURIComponent(new URL(meta.url).pathname).slice(PROJECT_ROOT.length + 1);
    if (reported.has(`${file} ${need}`)) continue;
    reported.add(`${file} ${need}`);
    const line = `tests in ${file} that need ${describe(need)}: ${reason}`;
    if (IN_CI) {
      Deno.test(`${file}: CI has ${describe(need)}`, () => {
        throw new Error(`CI must run every test, but skips ${line}`);
      });
    } else {
      console.log(`skipping ${line}`);
    }
  }
  return skip;
}

/** The Chromium the browser tests drive: `$CHROMIUM`, else Debian's. */
export const CHROMIUM: string = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Whether `command` runs and succeeds (false when it is missing). */
function succeeds(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

let haveTmux: boolean | undefined;
/** Whether tmux is installed (the tests of the real terminal need it); asked once. */
export function hasTmux(): boolean {
  return haveTmux ??= succeeds("tmux", ["-V"]);
}

let mountsTmpfs: boolean | undefined;
/** Whether this process may mount a tmpfs in a private mount namespace (root in most CI). */
export function canMountTmpfs(): boolean {
  const probe = "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d; s=$?; rmdir $d; exit $s";
  return mountsTmpfs ??= succeeds("unshare", ["-m", "sh", "-c", probe]);
}

/** Seeded uniform numbers in [0, 1) (mulberry32): the same seed, the same numbers everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `--allow-*` flags of a `deno run` command line. */
export function permissionFlags(command: string): string[] {
  return command.split(/\s+/).filter((word) => word.startsWith("--allow-"));
}

/** The `--allow-*` flags a task of deno.json grants ("start", "bench", ...). */
export function taskPermissions(task: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${PROJECT_ROOT}/deno.json`));
  const entry = config.tasks[task];
  return permissionFlags(typeof entry === "string" ? entry : entry.command);
}

/** The permissions `deno task start` grants, from deno.json. */
export const APP_PERMISSIONS: string[] = taskPermissions("start");

/** The arguments of `deno` that run the app (main.ts) with `args`, as `deno task start` would. */
export function appArgs(args: string[]): string[] {
  return ["run", "--quiet", ...APP_PERMISSIONS, `${PROJECT_ROOT}/main.ts`, ...args];
}

/** How to start the app. */
export interface SpawnOptions {
  /** Working folder; the project root by default. */
  cwd?: string;
  /** Merged over the defaults: NO_COLOR=1 and MNIST_DIR (the full MNIST). */
  env?: Record<string, string>;
  /** Whether to pipe stdin (else it is closed). */
  stdin?: boolean;
  /** Whether to pipe stdout (the default) or drop it. */
  stdout?: "piped" | "null";
}

/** Starts the real app (main.ts) with `args`, stdout and stderr piped, color off. */
export function spawnApp(args: string[], options: SpawnOptions = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: appArgs(args),
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { NO_COLOR: "1", MNIST_DIR, ...options.env },
    stdin: options.stdin ? "piped" : "null",
    stdout: options.stdout ?? "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * A test's body run with a new temp folder of its own, removed when the body ends, passed or
 * failed (try/finally): `Deno.test("...", inTempDir("digits-x-", async (dir) => { ... }))`.
 */
export function inTempDir(prefix: string, fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = await Deno.makeTempDir({ prefix });
    try {
      await fn(dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };
}
