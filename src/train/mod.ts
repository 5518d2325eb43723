/**
 * Training: the loop (events, never printing), sessions (resume, fresh, plan, save), model
 * checkpoints, evaluation and metrics. Engine code: the front ends render what it reports.
 *
 * @module
 */
export * from "./checkpoint.ts";
export * from "./evaluate.ts";
export * from "./metrics.ts";
export * from "./options.ts";
export * from "./train_config.ts";
export * from "./train_values.ts";
export * from "./trainer.ts";
export * from "./session.ts";
