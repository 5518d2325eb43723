import { deriveSeed, Random } from "../network/random.ts";

/** Fills `order` with 0..n-1 shuffled for `epoch`: it depends only on seed and epoch. */
export function epochOrder(order: Uint32Array, seed: number, epoch: number): Uint32Array {
  for (let i = 0; i < order.length; i++) order[i] = i;
  return new Random(deriveSeed(seed, epoch)).shuffle(order);
}
