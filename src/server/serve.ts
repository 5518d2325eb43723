/**
 * The HTTP server behind `serve`: Deno.serve with the digits handler, one log line per request,
 * and a graceful stop: on SIGINT or SIGTERM it stops accepting, lets the requests in flight
 * finish (a stuck one ends at its body deadline) and resolves `finished`.
 */
import type { LoadedModel } from "../app/load_model.ts";
import { digitsHandler } from "./handler.ts";
import type { BodyLimits } from "./request_body.ts";

/** How to serve. */
export interface ServeOptions extends BodyLimits {
  /** Port to listen on; 0 picks a free one (the first log line says which). */
  port: number;
  /** Interface: 127.0.0.1 unless told otherwise. */
  hostname: string;
  /** Where log lines go (stderr for `serve`): one when listening, one per request. */
  log: (line: string) => void;
  /** Stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/** A running server. */
export interface RunningServer {
  /** The port it listens on. */
  port: number;
  /** Stops accepting and resolves once the requests in flight have been answered. */
  stop(): Promise<void>;
  /** Resolves when the server has stopped (by `stop` or a signal). */
  finished: Promise<void>;
}

/**
 * Serves `model` until stopped. The first log line is
 * `listening on http://HOST:PORT (model PATH)`; then `METHOD PATH STATUS MSms` per request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../app/load_model.ts";
 * import { serveDigits } from "./serve.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained.safetensors", 1);
 * const lines: string[] = [];
 * const server = serveDigits(model, {
 *   port: 0, hostname: "127.0.0.1", maxBytes: 1_000_000, timeoutMs: 5000,
 *   log: (line) => lines.push(line), handleSignals: false,
 * });
 * const response = await fetch(`http://127.0.0.1:${server.port}/health`);
 * assert.equal((await response.json()).status, "ok");
 * await server.stop();
 * assert.match(lines[1], /^GET \/health 200 \d+ms$/);
 * ```
 */
export function serveDigits(model: LoadedModel, options: ServeOptions): RunningServer {
  const handle = digitsHandler(model, options);
  // Deno's shutdown() cuts the bodies of requests still arriving, so the server drains first:
  // it counts the requests in flight and shuts down once none is left (each one ends by its
  // body deadline at the latest); requests that come meanwhile are told it is stopping.
  let inFlight = 0;
  let draining = false;
  const idle: (() => void)[] = [];
  const { log } = options;
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname,
    onListen: () => {},
    onError: (error) => {
      log(`error: unexpected failure: ${(error as Error)?.message ?? error}`);
      return new Response(JSON.stringify({ error: "internal error" }) + "\n", {
        status: 500,
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    },
  }, async (request) => {
    const started = performance.now();
    const path = new URL(request.url).pathname;
    let status = 500;
    inFlight++;
    try {
      const response = draining ? shuttingDown() : await handle(request);
      status = response.status;
      return response;
    } finally {
      log(`${request.method} ${path} ${status} ${Math.round(performance.now() - started)}ms`);
      if (--inFlight === 0) { for (const resolve of idle.splice(0)) resolve(); }
    }
  });
  const address = server.addr as Deno.NetAddr;
  const shown = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  log(`listening on http://${shown}:${address.port} (model ${model.path})`);

  let stopping: Promise<void> | undefined;
  const signals: Deno.Signal[] = options.handleSignals === false ? [] : ["SIGINT", "SIGTERM"];
  const stop = () => {
    stopping ??= (async () => {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
      draining = true;
      if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
      await server.shutdown();
    })();
    return stopping;
  };
  const onSignal = () => {
    log("stopping: finishing the requests in flight");
    stop();
  };
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  return { port: address.port, stop, finished: server.finished };
}

function shuttingDown(): Response {
  return new Response(JSON.stringify({ error: "the server is stopping" }) + "\n", {
    status: 503,
    headers: { "content-type": "application/json; charset=utf-8", connection: "close" },
  });
}
