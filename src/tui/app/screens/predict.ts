/**
 * The guess and its wording moved to src/app/predict.ts (the `classify` command uses them too).
 * This re-export stays only until browse.ts and browse_test.ts import from there; then delete.
 */
export {
  article,
  classifyPixels,
  confidenceCaption,
  type Prediction,
  type Sureness,
  sureness,
} from "../../../app/predict.ts";
