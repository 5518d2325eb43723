/** `serve`: classify images over HTTP until SIGINT or SIGTERM (see src/server/). */
import { UserError } from "../../errors.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";
import { NUMBER_BATCH } from "../../app/read_number.ts";
import { serveDigits } from "../../server/mod.ts";
import type { CommandIo } from "../io.ts";

/** The flags of `serve`. */
export interface ServeFlags {
  port: number;
  host: string;
  model?: string;
  maxBytes: number;
  /** Longest wait for a request body, in seconds. */
  timeout: number;
}

/** Runs `serve` until stopped by a signal; 0 once the requests in flight are answered. */
export async function serveCommand(flags: ServeFlags, io: CommandIo): Promise<number> {
  const model = await loadModelOrRandom(flags.model, NUMBER_BATCH);
  // Guesses of an untrained network would look like answers to a client: refuse instead.
  if (model.random) {
    throw new UserError(`${model.randomReason}; train one with: deno task start train`);
  }
  let server;
  try {
    server = serveDigits(model, {
      port: flags.port,
      hostname: flags.host,
      maxBytes: flags.maxBytes,
      timeoutMs: flags.timeout * 1000,
      log: (line) => io.warn(line),
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new UserError(`port ${flags.port} on ${flags.host} is in use; choose another --port`);
    }
    throw error;
  }
  io.warn(describeModel(model));
  await server.finished;
  return 0;
}
