/**
 * Three renderers of the same training events: JSON lines (`--json`), plain lines (stdout is
 * not a terminal: one line per epoch), and a live Keras-style progress bar (a terminal).
 * None of them computes a metric; they only format what the training loop reports.
 */
import type { TrainEvent } from "../train/mod.ts";
import { renderProgressLine, ThrottledLine } from "../text/progress_bar.ts";
import { visibleWidth } from "../text/layout.ts";
import { paint } from "../text/color.ts";
import type { CommandIo } from "./io.ts";
import { count, percent } from "../text/format.ts";

/** Turns training events into output. */
export type TrainRenderer = (event: TrainEvent) => void;

/**
 * One JSON object per finished epoch, as specified for `train --json`, and one per evaluation
 * inside an epoch (`--eval-every`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonTrainRenderer } from "./train_output.ts";
 * const lines: string[] = [];
 * const io = { write: (text: string) => lines.push(text), warn: () => {}, isTerminal: false, color: "none" as const, columns: 80 };
 * jsonTrainRenderer(io)({ type: "epoch-start", epoch: 1, epochs: 5, steps: 938, firstStep: 0 });
 * assert.deepEqual(lines, []); // only finished epochs
 * ```
 */
export function jsonTrainRenderer(io: CommandIo): TrainRenderer {
  return (event) => {
    if (event.type === "batch" && event.testAccuracy !== undefined) {
      // An evaluation inside the epoch (--eval-every).
      io.write(
        JSON.stringify({
          event: "evaluation",
          epoch: event.epoch,
          step: event.step,
          steps: event.steps,
          testAccuracy: round(event.testAccuracy),
          testLoss: round(event.testLoss ?? NaN),
          seconds: round(event.seconds ?? NaN, 3),
        }) + "\n",
      );
    }
    if (event.type !== "epoch-end") return;
    io.write(
      JSON.stringify({
        event: "epoch",
        epoch: event.epoch,
        epochs: event.epochs,
        loss: round(event.loss),
        trainAccuracy: round(event.trainAccuracy),
        testAccuracy: round(event.testAccuracy),
        seconds: round(event.seconds, 3),
        samplesPerSecond: Math.round(event.samplesPerSecond),
        ...(event.stoppedAtStep !== undefined && { stoppedAtStep: event.stoppedAtStep }),
      }) + "\n",
    );
  };
}

/** The epoch summary line shared by the plain and live renderers. */
export function epochSummary(event: Extract<TrainEvent, { type: "epoch-end" }>): string {
  return `Epoch ${event.epoch}/${event.epochs} - ${event.seconds.toFixed(1)}s` +
    ` - loss: ${event.loss.toFixed(4)} - accuracy: ${event.trainAccuracy.toFixed(4)}` +
    ` - test accuracy: ${percent(event.testAccuracy)}` +
    ` - ${count(event.samplesPerSecond)} samples/s`;
}

/** One line per finished epoch, nothing in between (logs, pipes, CI). */
export function plainTrainRenderer(io: CommandIo): TrainRenderer {
  return (event) => {
    if (event.type === "epoch-end") io.write(epochSummary(event) + "\n");
  };
}

/**
 * `Epoch 2/5` then a progress line redrawn in place (at most ~20 times a second by `now`, a clock
 * in milliseconds) and, when the epoch ends, its summary with the test accuracy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { liveTrainRenderer } from "./train_output.ts";
 * let out = "";
 * const io = { write: (text: string) => (out += text), warn: () => {}, isTerminal: true, color: "none" as const, columns: 80 };
 * const render = liveTrainRenderer(io);
 * render({ type: "epoch-start", epoch: 1, epochs: 5, steps: 938, firstStep: 0 });
 * assert.equal(out, "Epoch 1/5\n");
 * ```
 */
export function liveTrainRenderer(
  io: CommandIo,
  now: () => number = () => performance.now(),
): TrainRenderer {
  const c = paint(io.color);
  const throttle = new ThrottledLine(50, now);
  let lastLine = "";
  let lastWidth = 0;
  return (event) => {
    if (event.type === "epoch-start") {
      io.write(c.bold(`Epoch ${event.epoch}/${event.epochs}`) + "\n");
      lastLine = "";
      lastWidth = 0;
    } else if (event.type === "batch") {
      const final = event.step === event.steps;
      if (!throttle.shouldDraw(final)) return;
      lastLine = renderProgressLine({
        step: event.step,
        total: event.steps,
        elapsedMs: event.elapsedMs,
        done: final,
        metrics: { loss: event.loss, accuracy: event.accuracy },
        width: io.columns - 1,
        color: io.color,
      });
      // Pad over the previous line instead of an erase code, so TERM=dumb stays clean.
      const padding = " ".repeat(Math.max(0, lastWidth - visibleWidth(lastLine)));
      lastWidth = visibleWidth(lastLine);
      io.write(`\r${lastLine}${padding}`);
    } else {
      io.write(
        (lastLine ? "\n" : "") +
          `  test accuracy: ${c.bold(percent(event.testAccuracy))} - ${
            count(event.samplesPerSecond)
          } samples/s\n`,
      );
      lastLine = "";
    }
  };
}

function round(value: number, digits = 6): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
