/** How the learning rate changes over a training run. */
export type ScheduleKind = "constant" | "cosine" | "step" | "onecycle";

/** All supported schedules, for validation and help texts. */
export const SCHEDULES: readonly ScheduleKind[] = ["constant", "cosine", "step", "onecycle"];

/** A schedule over the optimizer steps of one training plan. */
export interface ScheduleSettings {
  kind: ScheduleKind;
  /**
   * Steps of linear warm-up from lr/warmupSteps to lr (0 for none); for "onecycle", the steps
   * of its rise (the peak is at this step).
   */
  warmupSteps: number;
  /** Steps in the whole plan; cosine decays to `finalFactor * lr` at its end. */
  totalSteps: number;
  /** For "step": multiply the rate by `stepFactor` every `stepEvery` steps. */
  stepEvery: number;
  stepFactor: number;
  /** For "cosine" and "onecycle": the fraction of the base rate reached at the end. */
  finalFactor: number;
  /** For "onecycle": the fraction of the base (peak) rate it starts from (default 1/25). */
  startFactor?: number;
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
  if (schedule.kind === "onecycle") return oneCycleRateAt(baseRate, schedule, step);
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

/** PyTorch's OneCycleLR defaults: start at the peak rate / 25, end at that / 10^4. */
export const ONECYCLE_START_FACTOR = 0.04;
/** See ONECYCLE_START_FACTOR. */
export const ONECYCLE_END_FACTOR = 4e-6;

/**
 * One-cycle (Smith's super-convergence, as PyTorch's OneCycleLR with cosine annealing): from
 * `startFactor * peak` up to the peak over the first `warmupSteps` steps, then down to
 * `finalFactor * peak` at the plan's last step, each half of a cosine:
 *
 *     lr(t) = end + (start - end) * (1 + cos(pi * t / T)) / 2,  t: steps into the phase of T
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRateAt } from "./schedule.ts";
 * const cycle = {
 *   kind: "onecycle" as const,
 *   warmupSteps: 30,
 *   totalSteps: 100,
 *   stepEvery: 0,
 *   stepFactor: 1,
 *   finalFactor: 1e-4,
 *   startFactor: 0.04,
 * };
 * assert.equal(learningRateAt(0.01, cycle, 0).toPrecision(6), "0.000400000"); // the peak / 25
 * assert.equal(learningRateAt(0.01, cycle, 29), 0.01); // the peak
 * assert.equal(learningRateAt(0.01, cycle, 64).toFixed(6), "0.005001"); // half-way down
 * assert.equal(learningRateAt(0.01, cycle, 99).toPrecision(6), "0.00000100000"); // peak * 1e-4
 * ```
 */
function oneCycleRateAt(peak: number, schedule: ScheduleSettings, step: number): number {
  const start = peak * (schedule.startFactor ?? ONECYCLE_START_FACTOR);
  const end = peak * schedule.finalFactor;
  // Like PyTorch: the peak is step warmupSteps - 1, the end the plan's last step.
  const peakStep = Math.max(0, schedule.warmupSteps - 1);
  const lastStep = Math.max(peakStep + 1, schedule.totalSteps - 1);
  const anneal = (from: number, to: number, fraction: number) =>
    to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, fraction))));
  if (step <= peakStep) return peakStep === 0 ? peak : anneal(start, peak, step / peakStep);
  return anneal(peak, end, (step - peakStep) / (lastStep - peakStep));
}
