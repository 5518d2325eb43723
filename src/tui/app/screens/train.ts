/** The Train screen. */
import type { AppContext } from "../context.ts";

/** Placeholder. */
export async function runTrainScreen(_context: AppContext): Promise<void> {
  await Promise.resolve();
  throw new Error("not yet");
}
