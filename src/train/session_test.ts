import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { loadModelFile } from "../model/model_file.ts";
import { loadNetworkModel } from "./checkpoint.ts";
import { fillBatch, sequentialOrder } from "../batches/batch.ts";
import {
  prepareTrainingSession,
  recalibrateModel,
  runTrainingSession,
  type SessionOutcome,
  type TrainingSession,
  type TrainRequest,
} from "./session.ts";
import { syntheticMnist } from "./test_data.ts";
import { inTempDir } from "../../tests/env.ts";

const data = syntheticMnist(200, 50);
let files = 0;
const newPath = (work: string) => `${work}/m${++files}.safetensors`;
const SMALL = { hidden: [8], batch: 20, epochs: 1 };

/** Runs a session to its end, or until `stopAfter` batches when given. */
async function run(session: TrainingSession, stopAfter?: number): Promise<SessionOutcome> {
  let batches = 0;
  return await runTrainingSession(session, data, {
    onEvent: (event) => {
      if (event.type === "batch") batches++;
    },
    shouldStop: () => stopAfter !== undefined && batches >= stopAfter,
  });
}

async function train(request: TrainRequest, stopAfter?: number): Promise<SessionOutcome> {
  return await run(await prepareTrainingSession(request, data), stopAfter);
}

/** The weights and biases of the network in a model file, as bytes. */
async function weightsOf(path: string): Promise<Uint8Array[]> {
  const model = await loadNetworkModel(path, { maxBatch: 1 });
  return model.network.parameters.map((p) => new Uint8Array(p.value.slice().buffer));
}

Deno.test(
  "fresh: a new network with the values asked for, saved after every epoch",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    const session = await prepareTrainingSession(
      { modelPath, hidden: [16, 8], activation: "tanh", epochs: 2, batch: 32, seed: 9 },
      data,
    );
    assert.equal(session.resumed, false);
    assert.deepEqual(session.model.network.layerSizes, [784, 16, 8, 10]);
    assert.deepEqual(session.plan, {
      startEpoch: 0,
      epochs: 2,
      batchSize: 32,
      optimizer: {
        ...session.plan.optimizer,
        kind: "adam",
        learningRate: 0.003,
        weightDecay: 5e-4,
      },
      schedule: "cosine",
      warmupEpochs: 0.1,
      seed: 9,
      limit: 200,
      augment: false,
      augmentLevel: "full",
      cycleStart: 0.04,
      cycleEnd: 4e-6,
    });
    await assert.rejects(Deno.stat(modelPath)); // nothing is written before training
    const outcome = await run(session);
    assert.equal(outcome.status, "completed");
    const saved = (await loadNetworkModel(modelPath, { maxBatch: 1 })).info;
    assert.deepEqual(saved.position, { epochsDone: 2, stepInEpoch: 0 });
    assert.deepEqual(saved.history.map((h) => h.epoch), [1, 2]);
    assert.equal(saved.activation, "tanh");
  }),
);

Deno.test(
  "fresh replaces an existing model; without it the file is resumed",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, ...SMALL });
    const fresh = await prepareTrainingSession({ modelPath, fresh: true, hidden: [4] }, data);
    assert.equal(fresh.resumed, false);
    assert.deepEqual(fresh.model.network.layerSizes, [784, 4, 10]);
    const resumed = await prepareTrainingSession({ modelPath }, data);
    assert.equal(resumed.resumed, true);
    assert.deepEqual(resumed.model.network.layerSizes, [784, 8, 10]);
  }),
);

Deno.test(
  "resume: a finished plan trains the default epochs more, keeping the saved values",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, ...SMALL, schedule: "step", seed: 4, lr: 0.002, weightDecay: 1e-4 });
    const session = await prepareTrainingSession({ modelPath }, data);
    assert.equal(session.resumed, true);
    assert.deepEqual(session.position, { epochsDone: 1, stepInEpoch: 0 });
    const { plan } = session;
    assert.equal(plan.startEpoch, 1);
    assert.equal(plan.epochs, 5);
    assert.equal(plan.batchSize, 20);
    assert.equal(plan.schedule, "step");
    assert.equal(plan.seed, 4);
    assert.equal(plan.optimizer.learningRate, 0.002);
    assert.equal(plan.optimizer.weightDecay, 1e-4);
    assert.match(
      session.notes.join("\n"),
      /Resuming .*m\d+\.safetensors \(1 epoch done, test accuracy/,
    );
    // The saved weights are the ones trained further.
    const before = await weightsOf(modelPath);
    const loaded = session.model.network.parameters.map((p) =>
      new Uint8Array(p.value.slice().buffer)
    );
    assert.deepEqual(loaded, before);
  }),
);

Deno.test(
  "resume: an interrupted plan continues exactly, bit-identical to an uninterrupted run",
  inTempDir("digits-session-", async (work) => {
    const whole = newPath(work);
    const stopped = newPath(work);
    const plan = { ...SMALL, epochs: 2 };
    assert.equal((await train({ modelPath: whole, ...plan })).status, "completed");
    const first = await train({ modelPath: stopped, ...plan }, 13); // 10 batches an epoch
    assert.deepEqual(first, { status: "stopped", position: { epochsDone: 1, stepInEpoch: 3 } });
    const session = await prepareTrainingSession({ modelPath: stopped }, data);
    assert.deepEqual(session.position, { epochsDone: 1, stepInEpoch: 3 });
    assert.equal(session.plan.startEpoch, 0);
    assert.equal(session.plan.epochs, 2);
    assert.match(session.notes.join("\n"), /Resuming .*: epoch 2 of 2, batch 4/);
    assert.equal((await run(session)).status, "completed");
    assert.deepEqual(await weightsOf(stopped), await weightsOf(whole));
  }),
);

/** Every tensor of a model file (weights, biases, optimizer state) by name, as bytes. */
async function tensorsOf(path: string): Promise<Map<string, Uint8Array>> {
  const file = await loadModelFile(path);
  return new Map(file.tensors.map((t) => [t.name, new Uint8Array(t.data.slice().buffer)]));
}

Deno.test(
  "resume: an interrupted CNN (conv, pool, dropout, momentum) ends bit-identical to an uninterrupted run",
  inTempDir("digits-session-", async (work) => {
    const whole = newPath(work);
    const stopped = newPath(work);
    // Dropout draws its masks from the seed and the step: a resumed run must draw the same ones.
    const plan = {
      layers: "conv3x4,pool,conv3x8v,pool,dense16,dropout0.25",
      optimizer: "momentum" as const,
      batch: 20,
      epochs: 2,
    };
    assert.equal((await train({ modelPath: whole, ...plan })).status, "completed");
    const first = await train({ modelPath: stopped, ...plan }, 7); // 10 batches an epoch
    assert.deepEqual(first, { status: "stopped", position: { epochsDone: 0, stepInEpoch: 7 } });
    const session = await prepareTrainingSession({ modelPath: stopped }, data);
    assert.equal(session.resumed, true);
    assert.deepEqual(session.position, { epochsDone: 0, stepInEpoch: 7 });
    assert.equal((await run(session)).status, "completed");
    const [a, b] = [await tensorsOf(whole), await tensorsOf(stopped)];
    assert.deepEqual([...b.keys()], [...a.keys()]);
    assert.ok([...a.keys()].some((name) => name.startsWith("optimizer.")), "optimizer state saved");
    for (const [name, bytes] of a) assert.deepEqual(b.get(name), bytes, name);
    const [infoA, infoB] = [
      (await loadNetworkModel(whole, { maxBatch: 1 })).info,
      (await loadNetworkModel(stopped, { maxBatch: 1 })).info,
    ];
    assert.equal(infoB.optimizerStep, infoA.optimizerStep);
    assert.deepEqual(infoB.layers, infoA.layers);
    assert.equal(infoB.layers[0].kind, "conv");
  }),
);

Deno.test(
  "resume: an interrupted CNN with batch norm (adam, onecycle) ends bit-identical, running statistics too",
  inTempDir("digits-session-", async (work) => {
    const whole = newPath(work);
    const stopped = newPath(work);
    const plan = {
      layers: "conv3x4,bn,pool,conv3x8v,bn,pool,dense16,bn",
      batch: 20,
      epochs: 2,
      schedule: "onecycle" as const,
      beta1: 0.7,
      beta2: 0.9,
    };
    assert.equal((await train({ modelPath: whole, ...plan })).status, "completed");
    assert.equal((await train({ modelPath: stopped, ...plan }, 13)).status, "stopped");
    const session = await prepareTrainingSession({ modelPath: stopped }, data);
    assert.deepEqual(session.position, { epochsDone: 1, stepInEpoch: 3 });
    assert.equal((await run(session)).status, "completed");
    const [a, b] = [await tensorsOf(whole), await tensorsOf(stopped)];
    assert.deepEqual([...b.keys()], [...a.keys()]);
    assert.ok(a.has("layers.1.running_mean") && a.has("optimizer.layers.1.weight.m"));
    for (const [name, bytes] of a) assert.deepEqual(b.get(name), bytes, name);
  }),
);

Deno.test(
  "weights only: batch norm is folded into the layers before it; the file classifies the same",
  inTempDir("digits-session-", async (work) => {
    const full = newPath(work);
    const folded = newPath(work);
    const plan = { layers: "conv3x4,bn,pool,dense16,bn", batch: 20, epochs: 1 };
    await train({ modelPath: full, ...plan });
    await train({ modelPath: folded, ...plan, weightsOnly: true });
    const a = await loadNetworkModel(full, { maxBatch: 50 });
    const b = await loadNetworkModel(folded, { maxBatch: 50 });
    assert.deepEqual(b.info.layers.map((l) => l.kind), ["conv", "pool", "dense", "dense"]);
    assert.ok(b.network.summary()[0].layer.endsWith("(bn folded in)"));
    for (const network of [a.network, b.network]) {
      fillBatch(data.test, sequentialOrder(50), 0, 50, network.input, new Uint8Array(50));
    }
    const [p, q] = [a.network.forward(50), b.network.forward(50)];
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - q[i]) < 1e-5, `output ${i}`);
  }),
);

Deno.test(
  "resume of a CNN: its layer list is kept; a dense network or another list contradicts it",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, layers: "conv3x4,pool,dense16", batch: 20, epochs: 1 });
    const contradicts = async (request: Partial<TrainRequest>, pattern: RegExp) =>
      await assert.rejects(
        prepareTrainingSession({ modelPath, ...request }, data),
        (error: Error) => {
          assert.ok(error instanceof UserError, String(error));
          assert.match(error.message, pattern);
          return true;
        },
      );
    const have = "is conv3x4,pool,dense16 relu";
    await contradicts({ hidden: [16] }, new RegExp(`${have}; 784-16-10 relu contradicts it`));
    // No layer list: the default dense network (a CNN has no hidden widths to keep).
    await contradicts({ layers: "" }, new RegExp(`${have}; 784-256-10 relu contradicts it`));
    await contradicts(
      { layers: "conv3x8,pool,dense16" },
      /; conv3x8,pool,dense16 relu contradicts/,
    );
    await contradicts({ activation: "tanh" }, /; conv3x4,pool,dense16 tanh contradicts it/);
    await contradicts({ hidden: [16], layers: "cnn" }, /give --hidden .* or --layers, not both/);
    // The same list (spaces and all) is no contradiction; nor is asking for nothing.
    const same = await prepareTrainingSession(
      { modelPath, layers: "conv3x4, pool, dense16" },
      data,
    );
    assert.equal(same.resumed, true);
    assert.deepEqual(same.model.network.layers, (await loadNetworkModel(modelPath)).info.layers);
    assert.equal(
      (await prepareTrainingSession({ modelPath }, data)).model.network.layers.length,
      4,
    );
  }),
);

Deno.test(
  "a dense model resumes under --layers mlp (the same network), as the version-1 files do",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, hidden: [256], batch: 20, epochs: 1 });
    const session = await prepareTrainingSession({ modelPath, layers: "mlp" }, data);
    assert.equal(session.resumed, true);
    assert.deepEqual(session.model.network.layerSizes, [784, 256, 10]);
  }),
);

Deno.test(
  "resume with plan values: a new plan from the epochs done; a half epoch only with the same batches",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, ...SMALL, epochs: 3 }, 15);
    const same = await prepareTrainingSession({ modelPath, epochs: 2, lr: 0.001 }, data);
    assert.equal(same.plan.startEpoch, 1);
    assert.equal(same.plan.epochs, 2);
    assert.equal(same.plan.optimizer.learningRate, 0.001);
    assert.deepEqual(same.position, { epochsDone: 1, stepInEpoch: 5 }); // same batches: go on
    assert.match(same.notes.join("\n"), /training 2 more/);
    const other = await prepareTrainingSession({ modelPath, batch: 10 }, data);
    assert.deepEqual(other.position, { epochsDone: 1, stepInEpoch: 0 }); // new batches: from the start
    const limited = await prepareTrainingSession({ modelPath, limit: 100 }, data);
    assert.equal(limited.plan.limit, 100);
    assert.deepEqual(limited.position, { epochsDone: 1, stepInEpoch: 0 });
    const all = await prepareTrainingSession({ modelPath, limit: "all" }, data);
    assert.equal(all.plan.limit, 200);
    assert.equal(all.plan.epochs, 5); // "all" is a plan value: a new plan, not the old one's rest
  }),
);

Deno.test(
  "resume with another optimizer: its default learning rate, fresh state, the rest kept",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, ...SMALL, weightDecay: 1e-3 });
    const session = await prepareTrainingSession({ modelPath, optimizer: "sgd" }, data);
    assert.equal(session.plan.optimizer.kind, "sgd");
    assert.equal(session.plan.optimizer.learningRate, 0.1);
    assert.equal(session.plan.optimizer.weightDecay, 1e-3);
    assert.equal(session.plan.batchSize, 20);
    assert.match(
      session.notes.join("\n"),
      /Switching optimizer adam -> sgd: its state starts from zero/,
    );
    assert.equal((await run(session)).status, "completed");
    const saved = (await loadNetworkModel(modelPath, { maxBatch: 1 })).info;
    assert.equal(saved.optimizer.kind, "sgd");
    assert.equal(saved.optimizer.learningRate, 0.1);
    // Back to adam with a rate of one's own.
    const back = await prepareTrainingSession({ modelPath, optimizer: "adam", lr: 0.01 }, data);
    assert.equal(back.plan.optimizer.learningRate, 0.01);
  }),
);

Deno.test(
  "resume refuses architecture values that contradict the saved model",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, ...SMALL });
    await assert.rejects(
      prepareTrainingSession({ modelPath, hidden: [16] }, data),
      (error: Error) => {
        assert.ok(error instanceof UserError);
        assert.match(
          error.message,
          /m\d+\.safetensors is 784-8-10 relu; 784-16-10 relu contradicts it \(start fresh/,
        );
        return true;
      },
    );
    await assert.rejects(
      prepareTrainingSession({ modelPath, activation: "sigmoid", remedy: "(add --fresh)" }, data),
      /is 784-8-10 relu; 784-8-10 sigmoid contradicts it \(add --fresh\)/,
    );
    // The same architecture is no contradiction.
    const session = await prepareTrainingSession(
      { modelPath, hidden: [8], activation: "relu" },
      data,
    );
    assert.equal(session.resumed, true);
  }),
);

Deno.test(
  "a diverging run stops and keeps the last good model byte for byte",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, hidden: [8], batch: 8, epochs: 1 });
    const good = await Deno.readFile(modelPath);
    const session = await prepareTrainingSession({ modelPath, lr: 100, epochs: 2 }, data);
    const outcome = await run(session);
    assert.equal(outcome.status, "diverged");
    assert.ok(outcome.status === "diverged");
    assert.match(outcome.message, /training diverged at epoch 2, batch \d+/);
    assert.match(outcome.message, /the learning rate 100 is probably too high/);
    assert.match(outcome.message, /The last good model in .* is kept\./);
    assert.deepEqual(await Deno.readFile(modelPath), good);
    // A new network that diverges at once leaves no file.
    const fresh = newPath(work);
    const diverged = await train({ modelPath: fresh, hidden: [8], batch: 8, lr: 100 });
    assert.equal(diverged.status, "diverged");
    assert.ok(diverged.status === "diverged" && /No model was saved\./.test(diverged.message));
    await assert.rejects(Deno.stat(fresh), Deno.errors.NotFound);
  }),
);

Deno.test(
  "a saved batch larger than the default buffers resumes (the network is loaded to fit)",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ modelPath, hidden: [8], batch: 300, epochs: 2 }, 0); // stopped after batch 1
    const session = await prepareTrainingSession({ modelPath }, data);
    assert.equal(session.plan.batchSize, 300);
    assert.equal((await run(session)).status, "completed");
    const more = await prepareTrainingSession({ modelPath, epochs: 1 }, data);
    assert.equal(more.plan.batchSize, 300);
    assert.equal((await run(more)).status, "completed");
  }),
);

Deno.test(
  "a folder where the model file should be is refused before training",
  inTempDir("digits-session-", async (work) => {
    await assert.rejects(prepareTrainingSession({ modelPath: work }, data), /is a folder/);
  }),
);

Deno.test(
  "--font-digits: the batches hold the font digits beside the training digits, the file records them",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    const count = async (request: TrainRequest) => {
      let batches = 0;
      const session = await prepareTrainingSession(request, data);
      await runTrainingSession(session, data, {
        onEvent: (event) => {
          if (event.type === "batch") batches++;
        },
        shouldStop: () => false,
      });
      return { batches, plan: session.plan };
    };
    const plain = await count({ ...SMALL, modelPath: newPath(work) });
    const fonts = await count({ ...SMALL, modelPath, fontDigits: 30 });
    assert.equal(plain.batches, 10); // 200 digits in batches of 20
    assert.equal(fonts.batches, 12); // 230
    assert.equal(fonts.plan.limit, 200); // the saved plan counts MNIST's digits
    const { info } = await loadNetworkModel(modelPath, { maxBatch: 1 });
    assert.equal(info.plan?.fontDigits, 30);
    // Training on keeps them, as it keeps the other choices of what to train on.
    const again = await count({ modelPath, epochs: 1 });
    assert.equal(again.plan.fontDigits, 30);
    assert.equal(again.batches, 12);
  }),
);

Deno.test(
  "with negatives: batches mix in not-a-digit images, held-out digits calibrate, the file records both",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    const session = await prepareTrainingSession(
      { ...SMALL, modelPath, negatives: ["shapes"], negativeRatio: 0.5, holdout: 40 },
      data,
    );
    assert.equal(session.plan.limit, 160); // the last 40 digits are held out
    assert.equal(session.plan.holdout, 40);
    assert.deepEqual(session.plan.negatives, {
      kinds: ["shapes"],
      ratio: 0.5,
      weight: 0.5,
      count: 100,
    });
    let accuracy = 0;
    const outcome = await runTrainingSession(session, data, {
      onEvent: (event) => {
        if (event.type === "epoch-end") accuracy = event.trainAccuracy;
      },
      shouldStop: () => false,
    });
    assert.equal(outcome.status, "completed");
    assert.ok(accuracy >= 0 && accuracy <= 1, `train accuracy ${accuracy} counts digits only`);
    const { info, network } = await loadNetworkModel(modelPath, { maxBatch: 1 });
    assert.deepEqual(info.plan?.negatives, session.plan.negatives);
    const calibration = info.calibration!;
    assert.equal(calibration.heldOutDigits, 40);
    assert.equal(calibration.heldOutNegatives, 100);
    assert.ok(calibration.temperature > 0 && calibration.refuseBelow !== null);
    // The loaded network reads with them, the digit as it is counted twice among a CNN's views.
    assert.equal(calibration.asIsWeight, 2);
    assert.deepEqual(network.readout, {
      temperature: calibration.temperature,
      refuseBelow: calibration.refuseBelow,
      asIsWeight: 2,
    });
    // Training on without negatives voids the calibration (new weights, nothing held out).
    await train({ modelPath, negatives: [], holdout: 0, epochs: 1 });
    const again = await loadNetworkModel(modelPath, { maxBatch: 1 });
    assert.equal(again.info.calibration, undefined);
    assert.deepEqual(again.network.readout, { temperature: 1, refuseBelow: null });
  }),
);

Deno.test(
  "calibrate: a trained model is calibrated again on its held-out digits, nothing else changes",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    await train({ ...SMALL, modelPath, negatives: ["shapes"], holdout: 40, weightsOnly: true });
    const trained = await loadNetworkModel(modelPath, { maxBatch: 1 });
    const before = await loadModelFile(modelPath);
    // Today's code on the same held-out digits and images: the same calibration, the command
    // added to how the model was made, the weights and the optimizer's step count kept.
    const { info } = await recalibrateModel(modelPath, data, "deno task start calibrate");
    assert.deepEqual(info.calibration, trained.info.calibration);
    const after = await loadNetworkModel(modelPath, { maxBatch: 1 });
    assert.ok(after.info.command.endsWith("deno task start calibrate"), after.info.command);
    assert.equal(after.info.optimizerStep, trained.info.optimizerStep);
    assert.ok(after.info.optimizerStep > 0);
    const tensors = (await loadModelFile(modelPath)).tensors;
    assert.deepEqual(tensors.map((t) => [...t.data]), before.tensors.map((t) => [...t.data]));
    assert.deepEqual(after.network.readout, trained.network.readout);
    // Nothing held out: its "held-out" digits would be ones it trained on.
    const plain = newPath(work);
    await train({ ...SMALL, modelPath: plain });
    await assert.rejects(
      () => recalibrateModel(plain, data, "calibrate"),
      (error: Error) => error instanceof UserError && /--holdout/.test(error.message),
    );
    // Other data than it trained on: its held-out digits are not there.
    const other = { ...data, source: "mnist" as const, description: "MNIST from elsewhere" };
    await assert.rejects(
      () => recalibrateModel(modelPath, other, "calibrate"),
      (error: Error) =>
        error instanceof UserError && /not on MNIST from elsewhere/.test(error.message),
    );
  }),
);

Deno.test(
  "--negative-target class: a new network gets the 11th output, resumes keep it, a 10-output model is given it",
  inTempDir("digits-session-", async (work) => {
    const modelPath = newPath(work);
    const request = { ...SMALL, modelPath, negatives: ["shapes"], holdout: 40 };
    await train({ ...request, negativeTarget: "class" });
    const { info, network } = await loadNetworkModel(modelPath, { maxBatch: 1 });
    assert.deepEqual(info.layerSizes, [784, 8, 11]);
    assert.ok(info.calibration?.refuseBelow !== null);
    // The guess and the threshold read the ten digits: the prediction has ten probabilities.
    assert.equal(network.predict(new Float32Array(784)).length, 11);
    // Resumed without the flag, the model's own output count says what it was taught.
    const resumed = await prepareTrainingSession({ modelPath, epochs: 1 }, data);
    assert.equal(resumed.values.negativeTarget, "class");
    // ... and cannot be taught "unsure" instead: one line says so.
    await assert.rejects(
      () => prepareTrainingSession({ modelPath, negativeTarget: "uniform", epochs: 1 }, data),
      (error: Error) =>
        error instanceof UserError && /has a not-a-digit output/.test(error.message),
    );
    // A model with ten outputs resumed with the class gets the 11th output, from zero: its
    // digits read as before (the new logit is 0 for every image) until training moves them.
    const plain = newPath(work);
    await train({ ...request, modelPath: plain, negativeTarget: "uniform" });
    const before = await loadNetworkModel(plain, { maxBatch: 1 });
    const grafted = await prepareTrainingSession(
      { modelPath: plain, negativeTarget: "class" },
      data,
    );
    assert.equal(grafted.values.negativeTarget, "class");
    assert.deepEqual(grafted.model.info.layerSizes, [784, 8, 11]);
    assert.ok(grafted.notes.some((note) => note.includes("not a digit")));
    const image = Float32Array.from({ length: 784 }, (_, i) => (i % 7) / 7);
    const logits = (network: typeof before.network) => {
      network.input.set(image);
      network.forward(1);
      return [...network.layerOutputs().at(-1)!.subarray(0, 11)];
    };
    const old = logits(before.network), now = logits(grafted.model.network);
    assert.deepEqual(now.slice(0, 10), old.slice(0, 10));
    assert.equal(now[10], 0);
    await train({ modelPath: plain, negativeTarget: "class", epochs: 1 });
    const taught = await loadNetworkModel(plain, { maxBatch: 1 });
    assert.deepEqual(taught.info.layerSizes, [784, 8, 11]);
    assert.ok(taught.info.calibration?.refuseBelow !== null);
    // Without not-a-digit images there is nothing to teach the class with.
    const bare = newPath(work);
    await train({ ...SMALL, modelPath: bare });
    await assert.rejects(
      () => prepareTrainingSession({ modelPath: bare, negativeTarget: "class", epochs: 1 }, data),
      (error: Error) => error instanceof UserError && /--negatives/.test(error.message),
    );
  }),
);

Deno.test(
  "--strict-math trains on kernels without fused multiply-adds; the default fuses",
  inTempDir("digits-session-", async (work) => {
    const strict = await prepareTrainingSession(
      { modelPath: newPath(work), ...SMALL, strictMath: true },
      data,
    );
    assert.equal(strict.model.network.kernels.fused, false);
    const fused = await prepareTrainingSession({ modelPath: newPath(work), ...SMALL }, data);
    const wasmWithFma = fused.model.network.kernels.name === "wasm-simd-fma";
    assert.equal(fused.model.network.kernels.fused, wasmWithFma);
  }),
);
