/**
 * `readUserDigit`'s view average (src/train/views.ts) as ONNX nodes around the network, so that
 * the exported file answers what `classify` answers for a normalized digit:
 *
 *     image [N, 1, 28, 28]
 *       -> Concat(image, view_1(image), ..., view_V(image)), batch axis  [(1 + V) N, 1, 28, 28]
 *       -> the network once, softmax(logits / T)                            p [(1 + V) N x 10]
 *       -> Split into 1 + V blocks of N rows (the digit as it is first, then each view)
 *       -> probabilities = (a p_0 + p_1 + ... + p_V) / (a + V)  [N x 10], a the as-is weight
 *          (a model read in two parts: p(not a digit) so; which digit from p_0 alone)
 *
 * A view is linear in the pixels: bilinear sampling at positions fixed by its angle and scale,
 * the four corner tables of `affineSampling` (the ones `affineDigit` applies), so it is plain
 * ops on constants:
 *
 *     view[n, i] = sum over the corners c of weight_c[i] * image[n, index_c[i]]
 *
 * a Gather along the pixels and a Mul per corner, summed (a corner outside the field gathers
 * pixel 0 with weight 0: ink from outside is 0, as in affineDigit). The weights go into the file as
 * float32 (affineDigit holds them as float64): the views differ from affineDigit's by float
 * rounding, about 1e-7.
 *
 * @module
 */
import { affineSampling } from "../image/affine.ts";
import type { View, ViewAverage } from "../train/views.ts";
import type { GraphBuilder } from "./onnx_graph.ts";

/** Pixels of the 28x28 field. */
const FIELD = 784;

/**
 * The batch the network reads: `image` [N, 1, 28, 28] and each of its `views`, stacked on the
 * batch axis as [(1 + V) N, 1, 28, 28]: rows 0..N-1 the images as they are, then N rows per view.
 */
export function withViews(graph: GraphBuilder, image: string, views: readonly View[]): string {
  const pixels = graph.node("Flatten", [image], { axis: 1 }); // [N x 784]
  // Reshape's 0 keeps the input's size there: N stays dynamic.
  const imageShape = graph.integers("view_shape", [4], [0, 1, 28, 28]);
  const viewed = views.map(([angle, scale], v) => {
    const products = affineSampling(angle, scale).map(({ index, weight }, c) => {
      const name = `view_${v + 1}.corner_${c}`; // view_0 is the image as it is
      const indices = graph.integers(`${name}.index`, [FIELD], index);
      // image[n, index_c[i]]: [N x 784]
      const gathered = graph.node("Gather", [pixels, indices], { axis: 1 });
      return graph.node("Mul", [gathered, graph.constant(`${name}.weight`, [FIELD], weight)]);
    });
    return graph.node("Reshape", [graph.node("Sum", products), imageShape]);
  });
  return graph.node("Concat", [image, ...viewed], { axis: 0 });
}

/**
 * The probabilities [N x C] from `rows` [(1 + V) N x C], the network's probabilities of the
 * batch `withViews` made: the digit as it is counts `asIsWeight` times, each view once,
 * (a p_0 + p_1 + ... + p_V) / (a + V), named `output`. Returns it and the rows of the digit as
 * it is alone, p_0 [N x C] (a model read in two parts takes which digit from them).
 */
export function averageOverViews(
  graph: GraphBuilder,
  rows: string,
  { views, asIsWeight }: ViewAverage,
  output: string,
): { average: string; asIs: string } {
  // Split without sizes cuts the batch axis into equal blocks: N rows each.
  const blocks = graph.nodeOutputs("Split", [rows], 1 + views.length, { axis: 0 });
  const total = asIsWeight + views.length;
  const weighted = blocks.map((block, v) => {
    const weight = (v === 0 ? asIsWeight : 1) / total;
    return graph.node("Mul", [block, graph.constant(`view_${v}.share`, [], [weight])]);
  });
  return { average: graph.node("Sum", weighted, {}, output), asIs: blocks[0] };
}
