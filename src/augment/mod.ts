/**
 * Training-time augmentation: a digit randomly shifted, rotated, scaled, sheared and
 * elastically distorted, a pure function of the digit and a seeded generator. The batches made
 * of such digits, and the worker that prepares them, live in `src/batches/`.
 *
 * @module
 */
export {
  AUGMENT_LEVELS,
  augmentDigit,
  type AugmentLevel,
  type AugmentOptions,
  DEFAULT_AUGMENT,
  IDENTITY_AUGMENT,
  LIGHT_AUGMENT,
} from "./augment.ts";
