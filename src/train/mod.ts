/** The training loop, evaluation and metrics: engine code that reports events, never prints. */
export * from "./batch.ts";
export * from "./evaluate.ts";
export * from "./metrics.ts";
export * from "./trainer.ts";
export * from "./session.ts";
