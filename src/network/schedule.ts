/** How the learning rate changes over a training run. */
export type ScheduleKind = "constant" | "cosine" | "step";

/** All supported schedules, for validation and help texts. */
export const SCHEDULES: readonly ScheduleKind[] = ["constant", "cosine", "step"];

/** A schedule over the optimizer steps of one training plan. */
export interface ScheduleSettings {
  kind: ScheduleKind;
  /** Steps of linear warm-up from lr/warmupSteps to lr (0 for none). */
  warmupSteps: number;
  /** Steps in the whole plan; cosine decays to `finalFactor * lr` at its end. */
  totalSteps: number;
  /** For "step": multiply the rate by `stepFactor` every `stepEvery` steps. */
  stepEvery: number;
  stepFactor: number;
  /** For "cosine": the fraction of the base rate reached at the end. */
  finalFactor: number;
}

/**
 * The learning rate for 0-based optimizer step `step` of a plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRateAt, type ScheduleSettings } from "./schedule.ts";
 *
 * const cosine: ScheduleSettings = {
 *   kind: "cosine",
 *   warmupSteps: 100,
 *   totalSteps: 1000,
 *   stepEvery: 0,
 *   stepFactor: 1,
 *   finalFactor: 0,
 * };
 * assert.equal(learningRateAt(0.01, cosine, 0), 0.0001); // warm-up starts at lr / warmupSteps
 * assert.equal(learningRateAt(0.01, cosine, 550).toFixed(6), "0.005000"); // half-way down
 * ```
 */
export function learningRateAt(baseRate: number, schedule: ScheduleSettings, step: number): number {
  if (schedule.warmupSteps > 0 && step < schedule.warmupSteps) {
    return baseRate * (step + 1) / schedule.warmupSteps;
  }
  if (schedule.kind === "constant") return baseRate;
  if (schedule.kind === "step") {
    const decays = schedule.stepEvery > 0 ? Math.floor(step / schedule.stepEvery) : 0;
    return baseRate * Math.pow(schedule.stepFactor, decays);
  }
  const decaySteps = Math.max(1, schedule.totalSteps - schedule.warmupSteps);
  const progress = Math.min(1, (step - schedule.warmupSteps) / decaySteps);
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return baseRate * (schedule.finalFactor + (1 - schedule.finalFactor) * cosine);
}
