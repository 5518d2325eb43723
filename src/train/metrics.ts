/** Precision, recall and F1 for one digit, and how many test samples had it as label. */
export interface DigitMetrics {
  digit: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** A true digit mistaken for another, and how often. */
export interface ConfusedPair {
  actual: number;
  predicted: number;
  count: number;
}

/** An empty 10x10 confusion matrix: rows are the true digit, columns the prediction. */
export function emptyConfusion(classes = 10): number[][] {
  return Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
}

/**
 * Per-digit precision (of the predictions of d, how many were d), recall (of the true d, how
 * many were found) and their harmonic mean F1. A digit never predicted has precision 0.
 */
export function perDigitMetrics(confusion: number[][]): DigitMetrics[] {
  const classes = confusion.length;
  return confusion.map((row, digit) => {
    const truePositives = row[digit];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < classes; r++) predicted += confusion[r][digit];
    const precision = predicted > 0 ? truePositives / predicted : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    return { digit, precision, recall, f1, support };
  });
}

/** The `limit` most frequent off-diagonal cells, largest first. */
export function mostConfusedPairs(confusion: number[][], limit = 5): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  confusion.forEach((row, actual) =>
    row.forEach((count, predicted) => {
      if (actual !== predicted && count > 0) pairs.push({ actual, predicted, count });
    })
  );
  pairs.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted);
  return pairs.slice(0, limit);
}
