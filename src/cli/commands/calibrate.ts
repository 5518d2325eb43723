/** `calibrate`: fit a trained model's temperature and refusal threshold again, without training. */
import { loadMnist } from "../../data/mod.ts";
import { acquireModelLock } from "../../model/mod.ts";
import { describeCalibration } from "../../train/calibration.ts";
import { recalibrateModel } from "../../train/session.ts";
import type { CommandIo } from "../io.ts";

/** The flags of `calibrate`. */
export interface CalibrateFlags {
  model: string;
  dataDir?: string;
  json?: boolean;
}

/** Runs `calibrate`; returns the exit status (a bad model file or data: a UserError). */
export async function calibrateCommand(flags: CalibrateFlags, io: CommandIo): Promise<number> {
  const data = await loadMnist({ dataDir: flags.dataDir });
  const lock = await acquireModelLock(flags.model);
  try {
    const command = ["deno task start", ...Deno.args].join(" ");
    const { info } = await recalibrateModel(flags.model, data, command);
    if (flags.json) {
      io.write(JSON.stringify({ model: flags.model, calibration: info.calibration }) + "\n");
      return 0;
    }
    io.write(`Calibrated ${flags.model} on its held-out digits:\n`);
    for (const line of describeCalibration(info.calibration)) io.write(`  ${line}\n`);
    return 0;
  } finally {
    await lock.release();
  }
}
