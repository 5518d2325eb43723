/**
 * The augmentation worker: prepares batches on another core while the main thread trains. It
 * reads the training digits from shared memory and writes each batch into the slot it is told,
 * then says so; it never decides what to make, so it holds no state worth saving.
 */
import { IMAGE_PIXELS } from "../data/dataset.ts";
import type { AugmentOptions } from "../augment/augment.ts";
import { AugmentedBatchMaker, type BatchPlan } from "./augmented_batches.ts";

/** Messages from the pipeline to the worker. */
export type WorkerRequest =
  | {
    type: "init";
    /** [count x 784] training pixel bytes, shared. */
    pixels: SharedArrayBuffer;
    /** [count] labels, shared. */
    labels: SharedArrayBuffer;
    count: number;
    /** [negativeCount x 784] not-a-digit images 0..1, shared (see BatchPlan.negativeRatio). */
    negativePixels: SharedArrayBuffer;
    negativeCount: number;
    plan: BatchPlan;
    options: AugmentOptions;
    /** [slots x batchSize x 784] float inputs and [slots x batchSize] labels, shared. */
    slotInputs: SharedArrayBuffer;
    slotLabels: SharedArrayBuffer;
  }
  | { type: "prepare"; slot: number; request: number; epoch: number; step: number }
  | { type: "close" };

/** Messages from the worker to the pipeline. */
export type WorkerReply =
  | { type: "ready"; slot: number; request: number }
  | { type: "error"; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let maker: AugmentedBatchMaker | null = null;
let inputs: Float32Array[] = [];
let labels: Uint8Array[] = [];

scope.onmessage = (event) => {
  const message = event.data;
  try {
    if (message.type === "init") {
      const train = {
        pixels: new Uint8Array(message.pixels),
        labels: new Uint8Array(message.labels),
        count: message.count,
      };
      const negatives = {
        pixels: new Float32Array(message.negativePixels),
        count: message.negativeCount,
      };
      maker = new AugmentedBatchMaker(train, message.plan, message.options, negatives);
      const batch = maker.rowsAt(0);
      const slots = message.slotLabels.byteLength / batch;
      inputs = [];
      labels = [];
      for (let s = 0; s < slots; s++) {
        inputs.push(
          new Float32Array(message.slotInputs, s * batch * IMAGE_PIXELS * 4, batch * IMAGE_PIXELS),
        );
        labels.push(new Uint8Array(message.slotLabels, s * batch, batch));
      }
      return;
    }
    if (message.type === "close") {
      scope.close();
      return;
    }
    if (maker === null) throw new Error("prepare before init");
    maker.fill(message.epoch, message.step, inputs[message.slot], labels[message.slot]);
    scope.postMessage({ type: "ready", slot: message.slot, request: message.request });
  } catch (error) {
    scope.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
