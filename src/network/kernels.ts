/**
 * The numeric kernels the network spends its time in, behind one interface so that the plain
 * TypeScript versions here (the reference, used by the gradient checks) and the WebAssembly
 * SIMD versions (src/network/wasm/) are interchangeable.
 *
 * Layout conventions (all row-major Float32Array views):
 * - a batch of activations is [batch x size]: one sample per row;
 * - a dense layer's weights are [in x out], so that `z = x · w + bias`; rows of `w` are
 *   contiguous in the output dimension, which lets the forward pass and the weight gradient
 *   skip zero inputs (about 80% of MNIST pixels are 0).
 *
 * Every buffer handed to a kernel must be a view into the array returned by `arena()` of the
 * same kernel set: the WebAssembly kernels read and write that memory directly, no copies.
 */
export interface Kernels {
  /** Short name shown in benchmarks: "ts", "wasm-simd" (strict) or "wasm-simd-fma". */
  readonly name: string;
  /**
   * Whether multiply-adds are fused (one rounding where the CPU has FMA): results then differ
   * in the last bits between machines. False: strict IEEE single precision, the same bits
   * anywhere (the TS kernels and `--strict-math`).
   */
  readonly fused: boolean;
  /**
   * The shared WebAssembly memory the arena lives in, once `arena()` made it (wasm kernels
   * only): another thread attaches its own kernel instance to it (`attachWasmKernels`).
   */
  readonly memory?: WebAssembly.Memory;
  /**
   * Returns zeroed memory for `length` floats. Called once per kernel set; every buffer given to
   * the other methods must be a subarray of it.
   */
  arena(length: number): Float32Array;
  /** z[B x out] = x[B x in] · w[in x out] + bias[out] (bias broadcast over rows). */
  forwardDense(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    z: Float32Array,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  /** dw[in x out] = x[B x in]^T · dz[B x out] and db[out] = sum over rows of dz (overwrites). */
  gradDense(
    x: Float32Array,
    dz: Float32Array,
    dw: Float32Array,
    db: Float32Array,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  /** dx[B x in] = dz[B x out] · w[in x out]^T (overwrites). */
  backDense(
    dz: Float32Array,
    w: Float32Array,
    dx: Float32Array,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  /** dw[in x out] += x[B x in]^T · dz[B x out]: gradDense's weight part, accumulating. */
  addGradWeights(
    x: Float32Array,
    dz: Float32Array,
    dw: Float32Array,
    batch: number,
    inSize: number,
    outSize: number,
  ): void;
  /**
   * Rows [from, to) of the weight gradient of a batch given as two halves (the first `rows0`
   * samples in x0, dz0, then `rows1` in x1, dz1): dw[from..to) = x^T · dz over all the batch's
   * samples, each sum running over them in order (the first half's, then the second's), and,
   * with `db`, db[out] = the column sums of dz. With `adam`, then one AdamW step (`adamStep`)
   * of those rows of `adam.param` and its moments, in the same pass over the weights. How the
   * two-halves engine sums both halves' samples into one gradient, each thread its own rows.
   */
  gradDenseHalves(
    x0: Float32Array,
    dz0: Float32Array,
    rows0: number,
    x1: Float32Array,
    dz1: Float32Array,
    rows1: number,
    dw: Float32Array,
    db: Float32Array | undefined,
    inSize: number,
    outSize: number,
    from: number,
    to: number,
    adam: AdamUpdate | undefined,
  ): void;
  /** sums[cols] = sum over the `rows` rows of x[rows x cols] (overwrites). */
  sumRows(x: Float32Array, sums: Float32Array, rows: number, cols: number): void;
  /**
   * Unfolds `samples` images x[S x H x W x C] into patch rows col[(S*OH*OW) x (k*k*C)]: row
   * (s, oy, ox) holds the k x k x C input patch whose top left is (oy - pad, ox - pad), in
   * (ky, kx, c) order, zeros where it hangs over the border. A convolution is then
   * col · W^T with W [out x k*k*C].
   */
  im2col(x: Float32Array, col: Float32Array, samples: number, geometry: ConvGeometry): void;
  /**
   * z[(S*OH*OW) x F] = the patch rows of x[S x H x W x C] · wT[kkC x F] + bias[F]: im2col and
   * forwardDense in one pass, without writing the patches, with exactly their sums (in the
   * same order). `scratch` holds `convScratchSize(geometry)` floats of working space.
   */
  convForward(
    x: Float32Array,
    wT: Float32Array,
    bias: Float32Array,
    z: Float32Array,
    samples: number,
    geometry: ConvGeometry,
    filters: number,
    scratch: Float32Array,
  ): void;
  /**
   * dx[S x H x W x C] = col2im(delta[(S*OH*OW) x F] · w[F x kkC]): the input gradient of a
   * convolution without writing the patch rows (the sums may round differently). `scratch`
   * holds `convScratchSize(geometry, filters)` floats.
   */
  convBackInput(
    delta: Float32Array,
    w: Float32Array,
    dx: Float32Array,
    samples: number,
    geometry: ConvGeometry,
    filters: number,
    scratch: Float32Array,
  ): void;
  /**
   * dw[F x kkC] += delta[(S*OH*OW) x F]^T · the patch rows of x[S x H x W x C]: a
   * convolution's weight gradient without writing the patch rows (the sums run over the
   * output pixels in order, as addGradWeights over im2col does). `scratch` holds
   * `convScratchSize(geometry, filters)` floats.
   */
  convGradWeights(
    x: Float32Array,
    delta: Float32Array,
    dw: Float32Array,
    samples: number,
    geometry: ConvGeometry,
    filters: number,
    scratch: Float32Array,
  ): void;
  /** The adjoint of im2col: dx[S x H x W x C] = the sum of every patch row put back (overwrites). */
  col2im(col: Float32Array, dx: Float32Array, samples: number, geometry: ConvGeometry): void;
  /**
   * values[k] = bytes[k] / 255 over n values, rounded to float as `Math.fround(byte / 255)`:
   * pixels to network inputs (`bytes` is a byte view into the arena's memory too).
   */
  bytesToUnit(bytes: Uint8Array, values: Float32Array, n: number): void;
  /** dst[k] += src[k] over n values (the second half-batch's gradient into the first's). */
  addInto(dst: Float32Array, src: Float32Array, n: number): void;
  /** ReLU in place over n values: x < 0 becomes 0 (exactly `activateInPlace("relu", ...)`). */
  relu(values: Float32Array, n: number): void;
  /** delta[k] = 0 where activated[k] <= 0, over n values (`multiplyByDerivative("relu", ...)`). */
  reluGrad(delta: Float32Array, activated: Float32Array, n: number): void;
  /**
   * 2x2 max pooling, stride 2, of x[B x H x W x C] into y[B x H/2 x W/2 x C] (rounded down):
   * each y is the first largest of its window (strict compares: NaN and equals keep the first).
   */
  maxPool(
    x: Float32Array,
    y: Float32Array,
    batch: number,
    height: number,
    width: number,
    channels: number,
  ): void;
  /**
   * The gradient of maxPool: dx[B x H x W x C] gets each dy at the first input of its window
   * that equals the window's y, zero everywhere else (overwrites).
   */
  maxPoolGrad(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    batch: number,
    height: number,
    width: number,
    channels: number,
  ): void;
  /**
   * SGD with momentum and L2 weight decay, in place over n = param.length values:
   * g' = grad + weightDecay * param;  velocity = momentum * velocity - lr * g';  param += velocity.
   * Plain SGD is momentum = 0.
   */
  sgdStep(
    param: Float32Array,
    grad: Float32Array,
    velocity: Float32Array,
    lr: number,
    momentum: number,
    weightDecay: number,
  ): void;
  /**
   * Adam with decoupled weight decay (AdamW), in place:
   * m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
   * param -= lr * (m / correction1 / (sqrt(v / correction2) + eps) + weightDecay * param),
   * where correction_k = 1 - b_k^t for step t (passed in so the kernel stays stateless).
   */
  adamStep(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    correction1: number,
    correction2: number,
  ): void;
}

/**
 * One AdamW step (`Kernels.adamStep`) of a tensor, for a kernel that takes it in the same pass
 * as computing the gradient (`Kernels.gradDenseHalves`): the whole tensor and its moments,
 * laid out as the gradient, and this step's numbers.
 */
export interface AdamUpdate {
  param: Float32Array;
  m: Float32Array;
  v: Float32Array;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1 - beta1^t. */
  correction1: number;
  /** 1 - beta2^t. */
  correction2: number;
}

/**
 * Floats of working space `Kernels.convForward`, `convBackInput` and `convGradWeights` need
 * for one image: lists of nonzero values (8 bytes an entry) with their counts, and for the
 * weight gradient a copy of the image inside a zero border.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convScratchSize } from "./kernels.ts";
 * const geometry = { height: 14, width: 14, channels: 32, kernel: 5, pad: 2, outHeight: 14, outWidth: 14 };
 * assert.equal(convScratchSize(geometry, 64), 18 * 18 * 32 + 128 * 196 + 64);
 * ```
 */
export function convScratchSize(geometry: ConvGeometry, filters: number): number {
  const { height, width, channels, pad, outHeight, outWidth } = geometry;
  const bordered = (height + 2 * pad) * (width + 2 * pad) * channels;
  return Math.max(
    (2 * channels + 1) * height * width,
    (2 * filters + 1) * outHeight * outWidth,
    bordered + 2 * filters * outHeight * outWidth + filters,
  );
}

/** The sizes of one convolution over channels-last images (see `Kernels.im2col`). */
export interface ConvGeometry {
  /** Input image height. */
  height: number;
  /** Input image width. */
  width: number;
  /** Input channels. */
  channels: number;
  /** Kernel side k. */
  kernel: number;
  /** Zero border: kernel/2 rounded down for `same`, 0 for `valid`. */
  pad: number;
  /** Output height: height for `same`, height - k + 1 for `valid`. */
  outHeight: number;
  /** Output width, likewise. */
  outWidth: number;
}

/** The plain TypeScript kernels: the reference implementation and the fallback. */
export function createTsKernels(): Kernels {
  return {
    name: "ts",
    fused: false,
    arena: (length) => new Float32Array(length),
    forwardDense(x, w, bias, z, batch, inSize, outSize) {
      for (let b = 0; b < batch; b++) {
        const zRow = b * outSize;
        const xRow = b * inSize;
        for (let o = 0; o < outSize; o++) z[zRow + o] = bias[o];
        for (let i = 0; i < inSize; i++) {
          const xv = x[xRow + i];
          if (xv === 0) continue; // most pixels are background
          const wRow = i * outSize;
          for (let o = 0; o < outSize; o++) z[zRow + o] += xv * w[wRow + o];
        }
      }
    },
    gradDense(x, dz, dw, db, batch, inSize, outSize) {
      dw.fill(0, 0, inSize * outSize);
      db.fill(0, 0, outSize);
      for (let b = 0; b < batch; b++) {
        const dzRow = b * outSize;
        const xRow = b * inSize;
        for (let o = 0; o < outSize; o++) db[o] += dz[dzRow + o];
        for (let i = 0; i < inSize; i++) {
          const xv = x[xRow + i];
          if (xv === 0) continue;
          const wRow = i * outSize;
          for (let o = 0; o < outSize; o++) dw[wRow + o] += xv * dz[dzRow + o];
        }
      }
    },
    backDense(dz, w, dx, batch, inSize, outSize) {
      for (let b = 0; b < batch; b++) {
        const dzRow = b * outSize;
        const dxRow = b * inSize;
        for (let i = 0; i < inSize; i++) {
          const wRow = i * outSize;
          let sum = 0;
          for (let o = 0; o < outSize; o++) sum += dz[dzRow + o] * w[wRow + o];
          dx[dxRow + i] = sum;
        }
      }
    },
    addGradWeights(x, dz, dw, batch, inSize, outSize) {
      for (let b = 0; b < batch; b++) {
        const dzRow = b * outSize;
        const xRow = b * inSize;
        for (let i = 0; i < inSize; i++) {
          const xv = x[xRow + i];
          if (xv === 0) continue;
          const wRow = i * outSize;
          for (let o = 0; o < outSize; o++) dw[wRow + o] += xv * dz[dzRow + o];
        }
      }
    },
    gradDenseHalves(x0, dz0, rows0, x1, dz1, rows1, dw, db, inSize, outSize, from, to, adam) {
      dw.fill(0, from * outSize, to * outSize);
      db?.fill(0, 0, outSize);
      // The first half's samples, then the second's.
      const addRows = (x: Float32Array, dz: Float32Array, batch: number) => {
        for (let b = 0; b < batch; b++) {
          const dzRow = b * outSize;
          const xRow = b * inSize;
          if (db) { for (let o = 0; o < outSize; o++) db[o] += dz[dzRow + o]; }
          for (let i = from; i < to; i++) {
            const xv = x[xRow + i];
            if (xv === 0) continue;
            const wRow = i * outSize;
            for (let o = 0; o < outSize; o++) dw[wRow + o] += xv * dz[dzRow + o];
          }
        }
      };
      addRows(x0, dz0, rows0);
      addRows(x1, dz1, rows1);
      if (!adam) return;
      const [start, end] = [from * outSize, to * outSize];
      tsAdamStep(
        adam.param.subarray(start, end),
        dw.subarray(start, end),
        adam.m.subarray(start, end),
        adam.v.subarray(start, end),
        adam.lr,
        adam.beta1,
        adam.beta2,
        adam.eps,
        adam.weightDecay,
        adam.correction1,
        adam.correction2,
      );
    },
    sumRows(x, sums, rows, cols) {
      sums.fill(0, 0, cols);
      for (let r = 0; r < rows; r++) {
        const row = r * cols;
        for (let c = 0; c < cols; c++) sums[c] += x[row + c];
      }
    },
    im2col(x, col, samples, g) {
      const { height, width, channels, kernel, pad, outHeight, outWidth } = g;
      const rowLength = kernel * kernel * channels;
      let r = 0;
      for (let s = 0; s < samples; s++) {
        const image = s * height * width * channels;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++, r++) {
            let k = r * rowLength;
            for (let ky = 0; ky < kernel; ky++) {
              const iy = oy + ky - pad;
              for (let kx = 0; kx < kernel; kx++) {
                const ix = ox + kx - pad;
                const inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                const from = image + (iy * width + ix) * channels;
                for (let c = 0; c < channels; c++, k++) col[k] = inside ? x[from + c] : 0;
              }
            }
          }
        }
      }
    },
    convForward(x, wT, bias, z, samples, g, filters) { // (no scratch needed here)
      const { height, width, channels, kernel, pad, outHeight, outWidth } = g;
      let zRow = 0;
      for (let s = 0; s < samples; s++) {
        const image = s * height * width * channels;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++, zRow += filters) {
            for (let o = 0; o < filters; o++) z[zRow + o] = bias[o];
            // The patch in im2col's (ky, kx, c) order, zeros and the border skipped.
            for (let ky = 0; ky < kernel; ky++) {
              const iy = oy + ky - pad;
              if (iy < 0 || iy >= height) continue;
              for (let kx = 0; kx < kernel; kx++) {
                const ix = ox + kx - pad;
                if (ix < 0 || ix >= width) continue;
                const from = image + (iy * width + ix) * channels;
                const tap = (ky * kernel + kx) * channels;
                for (let c = 0; c < channels; c++) {
                  const xv = x[from + c];
                  if (xv === 0) continue;
                  const wRow = (tap + c) * filters;
                  for (let o = 0; o < filters; o++) z[zRow + o] += xv * wT[wRow + o];
                }
              }
            }
          }
        }
      }
    },
    convBackInput(delta, w, dx, samples, g, filters) { // (no scratch needed here)
      const { height, width, channels, kernel, pad, outHeight, outWidth } = g;
      const patch = kernel * kernel * channels;
      dx.fill(0, 0, samples * height * width * channels);
      let row = 0;
      for (let s = 0; s < samples; s++) {
        const image = s * height * width * channels;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++, row += filters) {
            for (let ky = 0; ky < kernel; ky++) {
              const iy = oy + ky - pad;
              if (iy < 0 || iy >= height) continue;
              for (let kx = 0; kx < kernel; kx++) {
                const ix = ox + kx - pad;
                if (ix < 0 || ix >= width) continue;
                const to = image + (iy * width + ix) * channels;
                const tap = (ky * kernel + kx) * channels;
                // dx[q, :] += sum over o of delta[p, o] * w[o, tap, :]
                for (let o = 0; o < filters; o++) {
                  const d = delta[row + o];
                  if (d === 0) continue;
                  const from = o * patch + tap;
                  for (let c = 0; c < channels; c++) dx[to + c] += d * w[from + c];
                }
              }
            }
          }
        }
      }
    },
    convGradWeights(x, delta, dw, samples, g, filters) { // (no scratch needed here)
      const { height, width, channels, kernel, pad, outHeight, outWidth } = g;
      const patch = kernel * kernel * channels;
      let row = 0;
      for (let s = 0; s < samples; s++) {
        const image = s * height * width * channels;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++, row += filters) {
            for (let o = 0; o < filters; o++) {
              const d = delta[row + o];
              if (d === 0) continue;
              // dw[o, :] += d * the patch under p (border taps add nothing)
              for (let ky = 0; ky < kernel; ky++) {
                const iy = oy + ky - pad;
                if (iy < 0 || iy >= height) continue;
                for (let kx = 0; kx < kernel; kx++) {
                  const ix = ox + kx - pad;
                  if (ix < 0 || ix >= width) continue;
                  const from = image + (iy * width + ix) * channels;
                  const to = o * patch + (ky * kernel + kx) * channels;
                  for (let c = 0; c < channels; c++) dw[to + c] += d * x[from + c];
                }
              }
            }
          }
        }
      }
    },
    col2im(col, dx, samples, g) {
      const { height, width, channels, kernel, pad, outHeight, outWidth } = g;
      const rowLength = kernel * kernel * channels;
      dx.fill(0, 0, samples * height * width * channels);
      let r = 0;
      for (let s = 0; s < samples; s++) {
        const image = s * height * width * channels;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++, r++) {
            let k = r * rowLength;
            for (let ky = 0; ky < kernel; ky++) {
              const iy = oy + ky - pad;
              for (let kx = 0; kx < kernel; kx++) {
                const ix = ox + kx - pad;
                if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
                  k += channels;
                  continue;
                }
                const to = image + (iy * width + ix) * channels;
                for (let c = 0; c < channels; c++, k++) dx[to + c] += col[k];
              }
            }
          }
        }
      }
    },
    bytesToUnit(bytes, values, n) {
      for (let k = 0; k < n; k++) values[k] = bytes[k] / 255;
    },
    addInto(dst, src, n) {
      for (let k = 0; k < n; k++) dst[k] += src[k];
    },
    relu(values, n) {
      for (let k = 0; k < n; k++) if (values[k] < 0) values[k] = 0;
    },
    reluGrad(delta, activated, n) {
      for (let k = 0; k < n; k++) if (activated[k] <= 0) delta[k] = 0;
    },
    maxPool(x, y, batch, height, width, channels) {
      const rowStride = width * channels;
      const outHeight = height >> 1;
      const outWidth = width >> 1;
      let o = 0;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++) {
            const topLeft = b * height * rowStride + 2 * oy * rowStride + 2 * ox * channels;
            for (let c = 0; c < channels; c++, o++) {
              const i = topLeft + c;
              let best = x[i];
              if (x[i + channels] > best) best = x[i + channels];
              if (x[i + rowStride] > best) best = x[i + rowStride];
              if (x[i + rowStride + channels] > best) best = x[i + rowStride + channels];
              y[o] = best;
            }
          }
        }
      }
    },
    maxPoolGrad(x, y, dy, dx, batch, height, width, channels) {
      const rowStride = width * channels;
      const outHeight = height >> 1;
      const outWidth = width >> 1;
      dx.fill(0, 0, batch * height * rowStride);
      let o = 0;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++) {
            const topLeft = b * height * rowStride + 2 * oy * rowStride + 2 * ox * channels;
            for (let c = 0; c < channels; c++, o++) {
              const i = topLeft + c;
              const best = y[o];
              // The winner: the first input equal to the max (the last when none is: NaN).
              const winner = x[i] === best
                ? i
                : x[i + channels] === best
                ? i + channels
                : x[i + rowStride] === best
                ? i + rowStride
                : i + rowStride + channels;
              dx[winner] = dy[o];
            }
          }
        }
      }
    },
    sgdStep(param, grad, velocity, lr, momentum, weightDecay) {
      const n = param.length;
      for (let k = 0; k < n; k++) {
        const g = grad[k] + weightDecay * param[k];
        const vel = momentum * velocity[k] - lr * g;
        velocity[k] = vel;
        param[k] += vel;
      }
    },
    adamStep: tsAdamStep,
  };
}

/** `Kernels.adamStep` in TypeScript. */
function tsAdamStep(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  correction1: number,
  correction2: number,
): void {
  const n = param.length;
  const oneMinusB1 = 1 - beta1;
  const oneMinusB2 = 1 - beta2;
  const invC1 = 1 / correction1;
  const invC2 = 1 / correction2;
  for (let k = 0; k < n; k++) {
    const g = grad[k];
    const mk = beta1 * m[k] + oneMinusB1 * g;
    const vk = beta2 * v[k] + oneMinusB2 * g * g;
    m[k] = mk;
    v[k] = vk;
    param[k] -= lr * (mk * invC1 / (Math.sqrt(vk * invC2) + eps) + weightDecay * param[k]);
  }
}
