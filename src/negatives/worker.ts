/**
 * A worker that makes the negatives of one kind (see `makeNegatives`' `workers` option): each
 * kind draws from its own generator, so one kind made here is byte for byte the same as made
 * in the calling thread.
 */
import type { Dataset } from "../data/dataset.ts";
import { type KindStats, makeNegatives, type NegativeKind } from "./negatives.ts";

/** What the worker is asked to make. */
export interface KindRequest {
  kind: NegativeKind;
  count: number;
  seed: number;
  keepRefused: boolean;
  digits?: Dataset;
}

/** What it sends back: the kind's images in order, or why it could not. */
export type KindReply =
  | {
    pixels: Float32Array;
    refusedByRules: Uint8Array;
    names: string[];
    stats: KindStats;
  }
  | { error: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<KindRequest>) => void) | null;
  postMessage(message: KindReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = async (event) => {
  const { kind, count, seed, keepRefused, digits } = event.data;
  try {
    const set = await makeNegatives(count, { seed, kinds: [kind], digits, keepRefused });
    const reply: KindReply = {
      pixels: set.pixels,
      refusedByRules: set.refusedByRules,
      names: set.names,
      stats: set.stats[kind]!,
    };
    scope.postMessage(reply, [
      set.pixels.buffer as ArrayBuffer,
      set.refusedByRules.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
