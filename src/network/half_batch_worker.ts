/**
 * The second training thread (see half_batch_thread.ts): builds the network's twin on the
 * shared memory, then loops: wait for a job, compute the second half of the batch, add its
 * part of the gradients and update that part. Errors are written into the control block for
 * the main thread to throw.
 *
 * @module
 */
import { JobKind } from "./half_batch.ts";
import {
  CONTROL_BYTES,
  FLOAT_OFFSET,
  MESSAGE_LENGTH,
  MESSAGE_OFFSET,
  OPTIMIZER_CODES,
  Real,
  signalSlot,
  Slot,
  waitForSlot,
  type WorkerSetup,
} from "./half_batch_thread.ts";
import type { HalfBatchEngine } from "./half_batch_engine.ts";
import { Network } from "./network.ts";
import type { OptimizerKind, OptimizerSettings } from "./optimizer.ts";
import { attachWasmKernels } from "./wasm/kernels.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerSetup>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  scope.onmessage = null;
  const { memory, fused, control: buffer, twin } = event.data;
  const control = new Int32Array(buffer, 0, FLOAT_OFFSET / 4);
  let network: Network;
  try {
    network = new Network({ inputShape: twin.inputShape, layers: twin.layers }, {
      maxBatch: twin.maxBatch,
      inputGradient: twin.inputGradient,
      kernels: attachWasmKernels(memory, 1, fused),
      halves: true,
      attached: true,
    });
  } catch (error) {
    scope.postMessage({ error: String((error as Error)?.message ?? error) });
    return;
  }
  scope.postMessage({ ready: true });
  try {
    serve(
      network.halves!,
      control,
      new Float64Array(buffer, FLOAT_OFFSET, (MESSAGE_OFFSET - FLOAT_OFFSET) / 8),
    );
  } catch (error) {
    const text = new TextEncoder().encode(String((error as Error)?.message ?? error));
    const room = CONTROL_BYTES - MESSAGE_OFFSET;
    new Uint8Array(buffer, MESSAGE_OFFSET, room).set(text.subarray(0, room));
    Atomics.store(control, MESSAGE_LENGTH, Math.min(text.length, room));
    signalSlot(control, Slot.failed, 1);
    // Wake the main thread wherever it waits.
    for (const slot of [Slot.half, Slot.done]) Atomics.notify(control, slot);
  }
};

const KINDS: Record<number, OptimizerKind> = Object.fromEntries(
  Object.entries(OPTIMIZER_CODES).map(([kind, code]) => [code, kind as OptimizerKind]),
);

/** The job loop; returns on a quit job. */
function serve(halves: HalfBatchEngine, control: Int32Array, reals: Float64Array): void {
  let seq = 0;
  const settings: OptimizerSettings = {
    kind: "adam",
    learningRate: 0,
    momentum: 0,
    beta1: 0,
    beta2: 0,
    epsilon: 0,
    weightDecay: 0,
  };
  while (true) {
    // The next job (the main thread numbers them one by one); between batches it is usually
    // microseconds away, between trainings any time.
    seq = (seq + 1) | 0;
    waitForSlot(control, Slot.job, seq, "main training thread", Infinity);
    const kind = control[Slot.kind];
    if (kind === JobKind.quit) return;
    const rows = control[Slot.rows];
    halves.network.seed = reals[Real.seed];
    if (kind === JobKind.forward) {
      halves.forwardSecondHalf(rows);
      signalSlot(control, Slot.half, seq);
      continue;
    }
    halves.network.negativeWeight = reals[Real.negativeWeight];
    const result = halves.trainHalf(
      1,
      rows,
      control[Slot.firstRow],
      control[Slot.batch],
      undefined,
      reals[Real.dropoutStep],
      control[Slot.pixels] === 1,
    );
    reals[Real.lossSum] = result.lossSum;
    control[Slot.correct] = result.correct;
    signalSlot(control, Slot.half, seq);
    const train = kind === JobKind.train;
    if (train) {
      settings.kind = KINDS[control[Slot.optimizer]];
      settings.learningRate = reals[Real.baseRate];
      settings.beta1 = reals[Real.beta1];
      settings.beta2 = reals[Real.beta2];
      settings.epsilon = reals[Real.epsilon];
      settings.weightDecay = reals[Real.weightDecay];
      settings.momentum = reals[Real.momentum];
    }
    waitForSlot(control, Slot.first, seq, "main training thread");
    halves.network.updateSplit = reals[Real.split];
    halves.stepSecondPart({
      kind: train ? JobKind.train : JobKind.gradients,
      rows,
      firstRow: 0,
      batch: control[Slot.batch],
      dropoutStep: 0,
      seed: 0,
      settings: train ? settings : undefined,
      learningRate: reals[Real.learningRate],
      correction1: reals[Real.correction1],
      correction2: reals[Real.correction2],
    });
    signalSlot(control, Slot.done, seq);
  }
}
