/**
 * The folders of `src/` import one way, in the order declared once below (LAYERS): the command
 * line on the other front ends (tui, server), those on the application services (app), on the
 * engine (train, batches, augment, network, model, image, data), on the shared bottom (text, fs,
 * errors.ts). This test reads every import in `src/` (tests included) and fails, naming the
 * files, when a folder imports one of its own layer or above (a `server` that imports `tui`),
 * when a folder is not declared, and when two folders import each other around a circle.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(new URL("../src", import.meta.url).pathname);

/** One import between top-level units of `src/`: the importing file and the imported one. */
interface Edge {
  from: string;
  to: string;
  /** Where it happens: "src/cli/io.ts -> src/text/color.ts". */
  where: string;
}

// Static imports and re-exports, dynamic imports, and worker modules given as URLs.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']|new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url/g;

/** The relative module specifiers `source` imports. */
export function importSpecifiers(source: string): string[] {
  // Comments hold examples that import from elsewhere; they are not the module's imports.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]);
}

/** The top-level unit of `src/` a path is in: its first folder, or the file itself. */
function unitOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith("..")) return undefined; // outside src/ (tests, main.ts)
  return rel.split("/")[0];
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Every import in `src/` that crosses from one top-level unit to another. */
function crossingImports(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file)!;
    for (const specifier of importSpecifiers(Deno.readTextFileSync(file))) {
      const target = resolve(dirname(file), specifier);
      const to = unitOf(target);
      if (to === undefined || to === from) continue;
      edges.push({
        from,
        to,
        where: `${relative(dirname(SRC), file)} -> ${relative(dirname(SRC), target)}`,
      });
    }
  }
  return edges;
}

/**
 * The circles in a graph of units, each as the list of edges that closes it (one circle per
 * strongly connected component, found by Tarjan's algorithm, then a shortest way around).
 */
export function findCycles(edges: Edge[]): Edge[][] {
  const next = new Map<string, Edge[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge]);
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const { to } of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component);
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.map((component) => shortestCircle(component[0], new Set(component), next));
}

/** A shortest way from `start` back to itself inside `members`, as edges (breadth first). */
function shortestCircle(start: string, members: Set<string>, next: Map<string, Edge[]>): Edge[] {
  const via = new Map<string, Edge>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const edge of next.get(node) ?? []) {
      if (!members.has(edge.to) || via.has(edge.to)) continue;
      via.set(edge.to, edge);
      if (edge.to === start) {
        const circle: Edge[] = [];
        let at = start;
        do {
          const step = via.get(at)!;
          circle.unshift(step);
          at = step.from;
        } while (at !== start);
        return circle;
      }
      queue.push(edge.to);
    }
  }
  throw new Error(`no circle through ${start}`);
}

/**
 * The layers of `src/`, top first. A folder may import only from the layers below its own, never
 * from its own (siblings stay apart) or above. A new folder is declared here, where it belongs.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["cli"], // the commands; `serve` starts the server
  ["tui", "server"], // the other front ends
  ["app", "export"], // what the front ends do: classify, inspect, read numbers; ONNX export
  ["train"], // training sessions, checkpoints, evaluation, options
  ["batches", "negatives"], // which digits a batch holds; not-a-digit images
  ["augment"], // on-the-fly distortion
  ["network", "model", "image"], // the network, model files, image decoding and normalizing
  ["data"], // MNIST: IDX files, download, the offline sample
  ["text", "fs"], // text renderers, atomic writes
  ["errors.ts"],
];

/** Where each unit sits in `layers` (0 is the top). */
function rankOf(layers: readonly (readonly string[])[]): Map<string, number> {
  return new Map(layers.flatMap((units, rank) => units.map((unit) => [unit, rank] as const)));
}

/** The imports that go sideways or up in `layers`, and the units `layers` does not declare. */
export function layerViolations(
  edges: Edge[],
  layers: readonly (readonly string[])[] = LAYERS,
): string[] {
  const rank = rankOf(layers);
  const problems = new Set<string>();
  for (const { from, to, where } of edges) {
    for (const unit of [from, to]) {
      if (!rank.has(unit)) problems.add(`src/${unit} is not in LAYERS (tests/layers_test.ts)`);
    }
    if (!rank.has(from) || !rank.has(to)) continue;
    if (rank.get(to)! <= rank.get(from)!) {
      const how = rank.get(to) === rank.get(from) ? "its own layer" : "a layer above";
      problems.add(`${where}: ${from} imports ${to}, of ${how}`);
    }
  }
  return [...problems];
}

Deno.test("every import in src/ goes down the declared layers", () => {
  const edges = crossingImports();
  assert.ok(
    edges.length > 20,
    `only ${edges.length} crossing imports found: is the parser broken?`,
  );
  const problems = layerViolations(edges);
  assert.deepEqual(problems, [], `imports against the layers:\n  ${problems.join("\n  ")}`);
  // Every folder of src/ is declared (even one nobody imports yet).
  const rank = rankOf(LAYERS);
  for (const entry of Deno.readDirSync(SRC)) {
    if (entry.isDirectory || entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
      assert.ok(rank.has(entry.name), `src/${entry.name} is not in LAYERS`);
    }
  }
});

Deno.test("the layer check refuses sideways and upward imports and undeclared folders", () => {
  const edge = (from: string, to: string): Edge => ({ from, to, where: `${from}.ts -> ${to}.ts` });
  const down = [edge("cli", "server"), edge("server", "app"), edge("tui", "app")];
  assert.deepEqual(layerViolations([...down, edge("app", "train"), edge("cli", "text")]), []);
  assert.deepEqual(layerViolations([...down, edge("server", "tui")]), [
    "server.ts -> tui.ts: server imports tui, of its own layer",
  ]);
  assert.deepEqual(layerViolations([edge("train", "app")]), [
    "train.ts -> app.ts: train imports app, of a layer above",
  ]);
  assert.deepEqual(layerViolations([edge("app", "robots")]), [
    "src/robots is not in LAYERS (tests/layers_test.ts)",
  ]);
});

Deno.test("no two top-level folders of src/ import each other, directly or around a circle", () => {
  const edges = crossingImports();
  assert.ok(
    edges.length > 20,
    `only ${edges.length} crossing imports found: is the parser broken?`,
  );
  const cycles = findCycles(edges);
  const described = cycles.map((circle) =>
    circle.map((e) => e.from).join(" -> ") + ` -> ${circle[0].from}:\n    ` +
    circle.map((e) => e.where).join("\n    ")
  );
  assert.deepEqual(
    described,
    [],
    `folders of src/ import each other:\n  ${described.join("\n  ")}`,
  );
});

Deno.test("the circle finder finds direct and roundabout circles, and none in a layered graph", () => {
  const edge = (from: string, to: string): Edge => ({ from, to, where: `${from}->${to}` });
  const layered = [
    edge("cli", "app"),
    edge("tui", "app"),
    edge("app", "train"),
    edge("cli", "text"),
  ];
  assert.deepEqual(findCycles(layered), []);
  const direct = findCycles([...layered, edge("app", "cli")]);
  assert.deepEqual(direct.map((c) => c.map((e) => e.from).sort()), [["app", "cli"]]);
  const around = findCycles([...layered, edge("train", "tui")]);
  assert.deepEqual(around.map((c) => c.map((e) => e.from).sort()), [["app", "train", "tui"]]);
});

Deno.test("imports are read from code, not from comments or strings that only look alike", () => {
  const source = [
    `import { a } from "../a/x.ts";`,
    `export { b } from "./b.ts";`,
    `import type { C } from "../c/mod.ts";`,
    `const w = new URL("./worker.ts", import.meta.url);`,
    `const m = await import("../d/mod.ts");`,
    `/** @example import { e } from "../e/mod.ts"; */`,
    `// import { f } from "../f/mod.ts";`,
  ].join("\n");
  assert.deepEqual(importSpecifiers(source), [
    "../a/x.ts",
    "./b.ts",
    "../c/mod.ts",
    "./worker.ts",
    "../d/mod.ts",
  ]);
});
