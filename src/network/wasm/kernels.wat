;; WebAssembly SIMD versions of every kernel of ../kernels.ts (the contract and the TypeScript
;; reference): dense forward/backward/gradients, convolution (direct, and im2col/col2im), max
;; pooling, ReLU, adding gradients, and the sgd/momentum and Adam steps. Assembled by build.ts
;; into kernels_wasm.ts.
;;
;; Every pointer argument is a byte offset into this module's memory; every size is a count of
;; floats. Matrices are row-major [rows x cols] float32, rows need not be 16-byte aligned.
;;
;; The tiling, in pseudocode (w is [in x out], one row per input; x is [B x in]):
;;
;;   forwardDense  z[B x out] = x · w + bias
;;     for each row b of x:
;;       list = [(x[b,i], &w[i]) for each i with x[b,i] != 0]   ; compactContiguous
;;       addScaledRows(bias, z[b], list)
;;
;;   addScaledRows(init, dst, list)   dst[0..width) = init[0..width) + sum over (v, row) in list
;;                                    of v * row   (init is dst, or forwardDense's bias)
;;     for each tile of dst: 32 floats while they last, then at most one of 24, 16, 8 and 4, then
;;     the last 1..3 floats:
;;       acc = init[tile]                  ; up to 8 f32x4 registers
;;       for (v, row) in list: acc += splat(v) * row[tile]
;;       dst[tile] = acc                   ; dst read and written once per tile
;;
;;   gradDense     dw[in x out] = x^T · dz,  db = sum over rows of dz
;;     for each four columns i..i+3 of x (one v128 load per row tests all four for zero):
;;       list_j = [(x[b,i+j], &dz[b]) for each row b with x[b,i+j] != 0]   ; j = 0..3
;;       dw[i+j] = 0;  addScaledRows(dw[i+j], list_j)
;;
;;   gradDenseHalves  rows [from, to) of dw = x^T · dz over a batch given as two halves (the
;;     first half's rows, then the second's), then, when asked, AdamW on those rows:
;;     for each two columns i, i+1 of x (read four at a time: one v128 load per row):
;;       list = [(x[b,i], x[b,i+1], &dz[b]) for each row b of both halves, in order, where
;;               either is nonzero]                          ; 15-20% of rows on MNIST
;;       for each tile of 16 floats of a row:                ; 8 f32x4 accumulators, 4 loads
;;         dw[i][tile], dw[i+1][tile] = sum over the list of x[b,i] * dz[b][tile] and
;;                                      x[b,i+1] * dz[b][tile]   ; adding 0 * dz changes no bit
;;       adamStep on rows i, i+1 of w, m, v                  ; while they are in L1
;;
;;   backDense     dx[B x in] = dz · w^T
;;     for each row b, four inputs i..i+3 at a time:
;;       acc_j = sum over vectors o of dz[b, o] * w[i+j, o]   ; four f32x4 partial sums
;;       dx[b, i..i+3] = transposeSum(acc_0..acc_3)          ; one v128 store
;;
;;   convForward   z[P x F] = patches(x) · wT + bias   (x channels-last, P output pixels)
;;     list[q] = [(x[q, c], c) for the nonzero channels c of input pixel q]   ; once per pixel
;;     z[p] = bias for every output pixel p
;;     for each tap t = (ky, kx):                  ; wT's block for t, C x F floats, stays in L1
;;       for each output pixel p whose input pixel q = p + t - pad is inside the image:
;;         for each tile of z[p]: z[p][tile] += sum over (v, c) in list[q] of v * wT[t, c][tile]
;;   convBackInput dx = col2im(delta · w): the same loops with lists of each output pixel's
;;     nonzero deltas, added into the input pixel under each tap.
;;   convGradWeights dw += delta^T · patches(x): per filter o the list of output pixels with a
;;     nonzero delta, then per tap dw[o, tap] += sum of value * the window of x (inside a zero
;;     border) under the tap.
;;   Layers with few input channels use im2col (patches written as rows), forwardDense,
;;   addGradWeights (gradDense's dw part, accumulating) and col2im instead.
;;
;; Memory layout (bytes). The memory is shared: several instances (one per thread) run on it
;; at once, each with its own scratch slot, given at instantiation as the global `scratch`.
;;   [0, 131072)    two scratch slots of 65536 bytes: lists of the nonzero inputs of one row
;;                  of x (forwardDense) or of four columns (gradDense, a quarter each), 8
;;                  bytes per entry: (f32 value, i32 byte address of the row of w or dz); or
;;                  gradDenseHalves' two lists of column pairs (half a slot each), 16 bytes per
;;                  entry: (f32 x[b,i], f32 x[b,i+1], i32 address of dz[b], unused).
;;   [131072, ...)  the arena handed to JavaScript (created at the size arena() asks for),
;;                  followed by at least 64 bytes of slack, so that the v128 loads of a row's
;;                  last 1..15 floats may run past the end of a matrix without leaving memory.
(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; This instance's scratch slot: 0 or 65536.
  (import "env" "scratch" (global $scratch i32))

  ;; Where the arena starts: just after the scratch slots.
  (global (export "arenaStart") i32 (i32.const 131072))

  ;; Appends (value, row) to a list at end and returns the new end. The entry is always
  ;; written but only kept (end advances 8 bytes) when value is nonzero, so the unpredictable
  ;; "is this pixel ink?" test costs no branch mispredictions. NaN counts as nonzero and -0 as
  ;; zero, exactly like `x === 0` in the TS reference.
  (func $append (param $end i32) (param $value f32) (param $row i32) (result i32)
    (f32.store (local.get $end) (local.get $value))
    (i32.store offset=4 (local.get $end) (local.get $row))
    (i32.add (local.get $end)
      (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))

  ;; Lists the nonzero values among count contiguous floats at vals, value k paired with the
  ;; row at rows + k*rowStride, appended to the list that ends at end; returns the new end. Values are
  ;; tested four at a time, so a run of background pixels costs one compare per four.
  (func $compactContiguous
    (param $vals i32) (param $rows i32) (param $rowStride i32) (param $count i32) (param $end i32)
    (result i32)
    (local $groupsEnd i32) (local $valsEnd i32) (local $mask i32) (local $at i32)
    (local.set $groupsEnd (i32.add (local.get $vals)
      (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (local.set $valsEnd (i32.add (local.get $vals) (i32.shl (local.get $count) (i32.const 2))))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.ge_u (local.get $vals) (local.get $groupsEnd)))
        ;; Bit k of mask says whether value k is nonzero. Each value is written where the list
        ;; stands after the ones before it (a zero's entry is overwritten by the next one), and
        ;; the list end moves once per group, by popcnt: no chain of dependent updates per value.
        (local.set $mask (i32x4.bitmask
          (f32x4.ne (v128.load (local.get $vals)) (v128.const f32x4 0 0 0 0))))
        (if (local.get $mask)
          (then
            (f32.store (local.get $end) (f32.load (local.get $vals)))
            (i32.store offset=4 (local.get $end) (local.get $rows))
            (local.set $at (i32.add (local.get $end)
              (i32.shl (i32.and (local.get $mask) (i32.const 1)) (i32.const 3))))
            (f32.store (local.get $at) (f32.load offset=4 (local.get $vals)))
            (i32.store offset=4 (local.get $at) (i32.add (local.get $rows) (local.get $rowStride)))
            (local.set $at (i32.add (local.get $at)
              (i32.shl (i32.and (local.get $mask) (i32.const 2)) (i32.const 2))))
            (f32.store (local.get $at) (f32.load offset=8 (local.get $vals)))
            (i32.store offset=4 (local.get $at)
              (i32.add (local.get $rows) (i32.shl (local.get $rowStride) (i32.const 1))))
            (local.set $at (i32.add (local.get $at)
              (i32.shl (i32.and (local.get $mask) (i32.const 4)) (i32.const 1))))
            (f32.store (local.get $at) (f32.load offset=12 (local.get $vals)))
            (i32.store offset=4 (local.get $at)
              (i32.add (local.get $rows) (i32.mul (local.get $rowStride) (i32.const 3))))
            (local.set $end (i32.add (local.get $end)
              (i32.shl (i32.popcnt (local.get $mask)) (i32.const 3))))))
        (local.set $rows
          (i32.add (local.get $rows) (i32.shl (local.get $rowStride) (i32.const 2))))
        (local.set $vals (i32.add (local.get $vals) (i32.const 16)))
        (br $group)))
    (block $done
      (loop $single
        (br_if $done (i32.ge_u (local.get $vals) (local.get $valsEnd)))
        (local.set $end
          (call $append (local.get $end) (f32.load (local.get $vals)) (local.get $rows)))
        (local.set $vals (i32.add (local.get $vals) (i32.const 4)))
        (local.set $rows (i32.add (local.get $rows) (local.get $rowStride)))
        (br $single)))
    (local.get $end))

  ;; Like compactContiguous for count floats spaced valStride bytes apart (a column of x).
  (func $compactStrided
    (param $vals i32) (param $valStride i32) (param $rows i32) (param $rowStride i32)
    (param $count i32) (result i32)
    (local $end i32)
    (local.set $end (global.get $scratch))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $end
          (call $append (local.get $end) (f32.load (local.get $vals)) (local.get $rows)))
        (local.set $vals (i32.add (local.get $vals) (local.get $valStride)))
        (local.set $rows (i32.add (local.get $rows) (local.get $rowStride)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next)))
    (local.get $end))

  ;; dst[0..width) = init[0..width) + the sum over the list [list, end) of value * row[0..width)
  ;; (init is dst itself, or another row: forwardDense's bias, so that z needs no copy of it).
  ;; Needs end > list. The output is cut into tiles of 32 floats, then at most one each of
  ;; 24, 16, 8 and 4 floats; a tile's accumulators stay in registers while the whole list streams
  ;; past, so init is read and dst written once per call. The last 1..3 floats use a partly filled vector whose extra lanes
  ;; hold neighbouring floats: lanes never mix, and only the valid lanes are stored.
  (func $addScaledRows (param $init i32) (param $dst i32) (param $list i32) (param $end i32)
    (param $width i32)
    (local $o i32) (local $bytes i32) (local $e i32) (local $row i32) (local $rest i32)
    (local $s v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $bytes (i32.shl (local.get $width) (i32.const 2)))

    ;; Tiles of 32 floats (8 vectors).
    (block $done32
      (loop $tile32
        (br_if $done32 (i32.gt_u (i32.add (local.get $o) (i32.const 128)) (local.get $bytes)))
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $a1 (v128.load offset=16 (local.get $row)))
        (local.set $a2 (v128.load offset=32 (local.get $row)))
        (local.set $a3 (v128.load offset=48 (local.get $row)))
        (local.set $a4 (v128.load offset=64 (local.get $row)))
        (local.set $a5 (v128.load offset=80 (local.get $row)))
        (local.set $a6 (v128.load offset=96 (local.get $row)))
        (local.set $a7 (v128.load offset=112 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entry32
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
            (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
            (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
            (local.get $a3)))
          (local.set $a4 (f32x4.relaxed_madd (local.get $s) (v128.load offset=64 (local.get $row))
            (local.get $a4)))
          (local.set $a5 (f32x4.relaxed_madd (local.get $s) (v128.load offset=80 (local.get $row))
            (local.get $a5)))
          (local.set $a6 (f32x4.relaxed_madd (local.get $s) (v128.load offset=96 (local.get $row))
            (local.get $a6)))
          (local.set $a7 (f32x4.relaxed_madd (local.get $s) (v128.load offset=112 (local.get $row))
            (local.get $a7)))
          (br_if $entry32
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (v128.store offset=32 (local.get $row) (local.get $a2))
        (v128.store offset=48 (local.get $row) (local.get $a3))
        (v128.store offset=64 (local.get $row) (local.get $a4))
        (v128.store offset=80 (local.get $row) (local.get $a5))
        (v128.store offset=96 (local.get $row) (local.get $a6))
        (v128.store offset=112 (local.get $row) (local.get $a7))
        (local.set $o (i32.add (local.get $o) (i32.const 128)))
        (br $tile32)))

    ;; At most one tile of 24 floats (6 vectors): a 24-wide row (the fast recipe's conv5x24
    ;; through im2col) in one pass over the list instead of two (16 and 8).
    (if (i32.le_u (i32.add (local.get $o) (i32.const 96)) (local.get $bytes))
      (then
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $a1 (v128.load offset=16 (local.get $row)))
        (local.set $a2 (v128.load offset=32 (local.get $row)))
        (local.set $a3 (v128.load offset=48 (local.get $row)))
        (local.set $a4 (v128.load offset=64 (local.get $row)))
        (local.set $a5 (v128.load offset=80 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entry24
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
            (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
            (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
            (local.get $a3)))
          (local.set $a4 (f32x4.relaxed_madd (local.get $s) (v128.load offset=64 (local.get $row))
            (local.get $a4)))
          (local.set $a5 (f32x4.relaxed_madd (local.get $s) (v128.load offset=80 (local.get $row))
            (local.get $a5)))
          (br_if $entry24
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (v128.store offset=32 (local.get $row) (local.get $a2))
        (v128.store offset=48 (local.get $row) (local.get $a3))
        (v128.store offset=64 (local.get $row) (local.get $a4))
        (v128.store offset=80 (local.get $row) (local.get $a5))
        (local.set $o (i32.add (local.get $o) (i32.const 96)))))

    ;; At most one tile of 16 floats (4 vectors).
    (if (i32.le_u (i32.add (local.get $o) (i32.const 64)) (local.get $bytes))
      (then
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $a1 (v128.load offset=16 (local.get $row)))
        (local.set $a2 (v128.load offset=32 (local.get $row)))
        (local.set $a3 (v128.load offset=48 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entry16
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
            (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
            (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
            (local.get $a3)))
          (br_if $entry16
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (v128.store offset=32 (local.get $row) (local.get $a2))
        (v128.store offset=48 (local.get $row) (local.get $a3))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))))

    ;; The last 1..15 floats in one pass over the list: 1 to 4 vectors, the last one partly
    ;; filled (its extra lanes hold neighbouring floats: lanes never mix, and only the valid
    ;; lanes are stored). A 10-wide output layer is one pass of 3 vectors, not 2 and then 1.
    (local.set $rest (i32.sub (local.get $bytes) (local.get $o)))
    (if (i32.gt_u (local.get $rest) (i32.const 48))
      (then
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $a1 (v128.load offset=16 (local.get $row)))
        (local.set $a2 (v128.load offset=32 (local.get $row)))
        (local.set $a3 (v128.load offset=48 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entryLast4
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
            (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
            (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
            (local.get $a3)))
          (br_if $entryLast4
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (v128.store offset=32 (local.get $row) (local.get $a2))
        (call $storeLastLanes (i32.add (local.get $row) (i32.const 48)) (local.get $a3)
          (i32.sub (local.get $rest) (i32.const 48))))
      (else (if (i32.gt_u (local.get $rest) (i32.const 32))
      (then
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $a1 (v128.load offset=16 (local.get $row)))
        (local.set $a2 (v128.load offset=32 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entryLast3
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
            (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
            (local.get $a2)))
          (br_if $entryLast3
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (call $storeLastLanes (i32.add (local.get $row) (i32.const 32)) (local.get $a2)
          (i32.sub (local.get $rest) (i32.const 32))))
      (else (if (i32.gt_u (local.get $rest) (i32.const 16))
      (then
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $a1 (v128.load offset=16 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entryLast2
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
            (local.get $a1)))
          (br_if $entryLast2
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (call $storeLastLanes (i32.add (local.get $row) (i32.const 16)) (local.get $a1)
          (i32.sub (local.get $rest) (i32.const 16))))
      (else (if (local.get $rest)
      (then
        (local.set $row (i32.add (local.get $init) (local.get $o)))
        (local.set $a0 (v128.load offset=0 (local.get $row)))
        (local.set $e (local.get $list))
        (loop $entryLast1
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (i32.load offset=4 (local.get $e)) (local.get $o)))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
            (local.get $a0)))
          (br_if $entryLast1
            (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 8))) (local.get $end))))
        (local.set $row (i32.add (local.get $dst) (local.get $o)))
        (call $storeLastLanes (i32.add (local.get $row) (i32.const 0)) (local.get $a0)
          (i32.sub (local.get $rest) (i32.const 0))))))))))))

  ;; Stores the first rest/4 (1..4) floats of v at p.
  (func $storeLastLanes (param $p i32) (param $v v128) (param $rest i32)
    (if (i32.eq (local.get $rest) (i32.const 16))
      (then (v128.store (local.get $p) (local.get $v)))
      (else (call $storeFirstLanes (local.get $p) (local.get $v) (local.get $rest)))))

  ;; Stores the first rest/4 (1..3) floats of v at p.
  (func $storeFirstLanes (param $p i32) (param $v v128) (param $rest i32)
    (if (i32.eq (local.get $rest) (i32.const 4))
      (then (v128.store32_lane 0 (local.get $p) (local.get $v)))
      (else
        (v128.store64_lane 0 (local.get $p) (local.get $v))
        (if (i32.eq (local.get $rest) (i32.const 12))
          (then (v128.store32_lane offset=8 2 (local.get $p) (local.get $v)))))))

  ;; z[B x out] = x[B x in] · w[in x out] + bias[out]
  ;; Row by row: z[b] = bias + sum over nonzero x[b,i] of x[b,i] * w[i], the nonzero inputs
  ;; listed first, in chunks that fit the scratch (8192 entries).
  (func (export "forwardDense")
    (param $x i32) (param $w i32) (param $bias i32) (param $z i32)
    (param $batch i32) (param $in i32) (param $out i32)
    (local $zRowBytes i32) (local $vals i32) (local $rows i32) (local $left i32)
    (local $chunk i32) (local $end i32) (local $init i32)
    (local.set $zRowBytes (i32.shl (local.get $out) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $batch)))
        ;; The first chunk's sums start from the bias (a copy of it when the chunk is all
        ;; zeros), the next ones from z.
        (local.set $init (local.get $bias))
        (local.set $rows (local.get $w))
        (local.set $left (local.get $in))
        (block $chunksDone
          (loop $nextChunk
            (br_if $chunksDone (i32.eqz (local.get $left)))
            (local.set $chunk (select (local.get $left) (i32.const 8192)
              (i32.lt_u (local.get $left) (i32.const 8192))))
            (local.set $end (call $compactContiguous (local.get $x) (local.get $rows)
              (local.get $zRowBytes) (local.get $chunk) (global.get $scratch)))
            (if (i32.ne (local.get $end) (global.get $scratch))
              (then (call $addScaledRows (local.get $init)
                (local.get $z) (global.get $scratch) (local.get $end) (local.get $out)))
              (else (if (i32.eq (local.get $init) (local.get $bias))
                (then (memory.copy (local.get $z) (local.get $bias) (local.get $zRowBytes))))))
            (local.set $init (local.get $z))
            (local.set $x (i32.add (local.get $x) (i32.shl (local.get $chunk) (i32.const 2))))
            (local.set $rows
              (i32.add (local.get $rows) (i32.mul (local.get $chunk) (local.get $zRowBytes))))
            (local.set $left (i32.sub (local.get $left) (local.get $chunk)))
            (br $nextChunk)))
        (local.set $z (i32.add (local.get $z) (local.get $zRowBytes)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $row))))

  ;; dw[in x out] = x[B x in]^T · dz[B x out];  db[out] = sum over rows of dz.
  (func (export "gradDense")
    (param $x i32) (param $dz i32) (param $dw i32) (param $db i32)
    (param $batch i32) (param $in i32) (param $out i32)
    (call $sumRows (local.get $dz) (local.get $db) (local.get $batch) (local.get $out)
      (i32.const 0))
    (call $gradWeights (local.get $x) (local.get $dz) (local.get $dw)
      (local.get $batch) (local.get $in) (local.get $out) (i32.const 0)
      (i32.shl (local.get $in) (i32.const 2))))

  ;; dw[in x out] += x[B x in]^T · dz[B x out] (a convolution's weight gradient, chunk by chunk).
  (func (export "addGradWeights")
    (param $x i32) (param $dz i32) (param $dw i32)
    (param $batch i32) (param $in i32) (param $out i32)
    (call $gradWeights (local.get $x) (local.get $dz) (local.get $dw)
      (local.get $batch) (local.get $in) (local.get $out) (i32.const 1)
      (i32.shl (local.get $in) (i32.const 2))))

  ;; Rows [from, to) of dw[in x out] = (or += when accumulate is 1) x[B x in][:, from..to)^T ·
  ;; dz[B x out], and, when db is not 0, db[out] = (or +=) the sum over rows of dz. Every sum
  ;; runs over the rows in order and each call ends with the partial sums stored as floats, so
  ;; a batch given in two calls (the second accumulating) has the bits of one call.
  (func (export "gradDenseRows")
    (param $x i32) (param $dz i32) (param $dw i32) (param $db i32)
    (param $batch i32) (param $in i32) (param $out i32)
    (param $from i32) (param $to i32) (param $accumulate i32)
    (if (local.get $db)
      (then (call $sumRows (local.get $dz) (local.get $db) (local.get $batch) (local.get $out)
        (local.get $accumulate))))
    (call $gradWeights
      (i32.add (local.get $x) (i32.shl (local.get $from) (i32.const 2)))
      (local.get $dz)
      (i32.add (local.get $dw)
        (i32.shl (i32.mul (local.get $from) (local.get $out)) (i32.const 2)))
      (local.get $batch) (i32.sub (local.get $to) (local.get $from)) (local.get $out)
      (local.get $accumulate) (i32.shl (local.get $in) (i32.const 2))))

;; Rows [from, to) of dw[in x out] = x^T · dz over a batch given as two halves: x0, dz0 (rows0
  ;; rows), then x1, dz1 (rows1 rows), every sum over the rows in that order; when db is not 0,
  ;; db[out] = the sum over those rows of dz. Then, when adam is 1, the AdamW step (adamStep,
  ;; with the same constants) of those rows of w, m and v, two rows at a time while they are in
  ;; L1. The bits of gradDenseRows on the first half and then, accumulating, on the second,
  ;; followed by adamStep. Needs rows0 + rows1 <= 2048 (a list per column pair, half a
  ;; scratch slot of 16-byte entries).
  (func (export "gradDenseHalves")
    (param $x0 i32) (param $dz0 i32) (param $rows0 i32)
    (param $x1 i32) (param $dz1 i32) (param $rows1 i32)
    (param $dw i32) (param $db i32) (param $in i32) (param $out i32)
    (param $from i32) (param $to i32)
    (param $adam i32) (param $w i32) (param $m i32) (param $v i32)
    (param $lr f32) (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32)
    (param $oneMinusBeta2 f32) (param $eps f32) (param $weightDecay f32)
    (param $invC1 f32) (param $invC2 f32)
    (local $rowBytes i32) (local $xRowBytes i32) (local $i i32) (local $take i32)
    (local $listA i32) (local $listB i32) (local $endA i32) (local $endB i32)
    (local $half i32) (local $vals i32) (local $src i32) (local $count i32) (local $mask i32)
    (local $xv v128) (local $pair i32) (local $list i32) (local $end i32) (local $rowOff i32)
    (local $two i32) (local $o i32)
    (local.set $rowBytes (i32.shl (local.get $out) (i32.const 2)))
    (local.set $xRowBytes (i32.shl (local.get $in) (i32.const 2)))
    (local.set $listA (global.get $scratch))
    (local.set $listB (i32.add (global.get $scratch) (i32.const 32768)))
    (if (local.get $db)
      (then
        (call $sumRows (local.get $dz0) (local.get $db) (local.get $rows0) (local.get $out)
          (i32.const 0))
        (call $sumRows (local.get $dz1) (local.get $db) (local.get $rows1) (local.get $out)
          (i32.const 1))))
    (local.set $i (local.get $from))
    (block $columnsDone
      (loop $columns
        (br_if $columnsDone (i32.ge_u (local.get $i) (local.get $to)))
        ;; Four columns (two pairs) while they last, then two (a pair), then one (a pair
        ;; whose second column reads as zeros and whose second row is not stored).
        (local.set $take
          (select (i32.const 4)
            (select (i32.const 2) (i32.const 1)
              (i32.le_u (i32.add (local.get $i) (i32.const 2)) (local.get $to)))
            (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $to))))
        ;; The pair lists, rows of the first half then of the second. Every entry is written
        ;; and only kept (the end moves 16 bytes) when one of its two values is nonzero: no
        ;; branch on the unpredictable "is this pixel ink?".
        (local.set $endA (local.get $listA))
        (local.set $endB (local.get $listB))
        (local.set $half (i32.const 0))
        (loop $halves
          (local.set $vals (i32.add (select (local.get $x1) (local.get $x0) (local.get $half))
            (i32.shl (local.get $i) (i32.const 2))))
          (local.set $src (select (local.get $dz1) (local.get $dz0) (local.get $half)))
          (local.set $count (select (local.get $rows1) (local.get $rows0) (local.get $half)))
          (block $rowsDone
            (loop $row
              (br_if $rowsDone (i32.eqz (local.get $count)))
              (local.set $xv
                (if (result v128) (i32.eq (local.get $take) (i32.const 4))
                  (then (v128.load (local.get $vals)))
                  (else (if (result v128) (i32.eq (local.get $take) (i32.const 2))
                    (then (v128.load64_zero (local.get $vals)))
                    (else (v128.load32_zero (local.get $vals)))))))
              ;; NaN counts as nonzero and -0 as zero, like `x === 0` in the TS reference.
              (local.set $mask (i32x4.bitmask
                (f32x4.ne (local.get $xv) (v128.const f32x4 0 0 0 0))))
              (v128.store64_lane 0 (local.get $endA) (local.get $xv))
              (i32.store offset=8 (local.get $endA) (local.get $src))
              (local.set $endA (i32.add (local.get $endA)
                (i32.shl (i32.ne (i32.and (local.get $mask) (i32.const 3)) (i32.const 0))
                  (i32.const 4))))
              (v128.store64_lane 1 (local.get $endB) (local.get $xv))
              (i32.store offset=8 (local.get $endB) (local.get $src))
              (local.set $endB (i32.add (local.get $endB)
                (i32.shl (i32.ne (i32.and (local.get $mask) (i32.const 12)) (i32.const 0))
                  (i32.const 4))))
              (local.set $vals (i32.add (local.get $vals) (local.get $xRowBytes)))
              (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
              (local.set $count (i32.sub (local.get $count) (i32.const 1)))
              (br $row)))
          (if (i32.eqz (local.get $half))
            (then (local.set $half (i32.const 1)) (br $halves))))
        ;; Each pair: its two rows of dw tile by tile.
        (local.set $pair (i32.const 0))
        (loop $pairs
          (local.set $list (select (local.get $listB) (local.get $listA) (local.get $pair)))
          (local.set $end (select (local.get $endB) (local.get $endA) (local.get $pair)))
          (local.set $two (i32.ge_u
            (i32.sub (local.get $take) (i32.shl (local.get $pair) (i32.const 1))) (i32.const 2)))
          (local.set $rowOff (i32.mul
            (i32.add (local.get $i) (i32.shl (local.get $pair) (i32.const 1)))
            (local.get $rowBytes)))
          (local.set $o (i32.const 0))
          (loop $tiles
            (call $pairTile (local.get $list) (local.get $end) (local.get $o)
              (i32.sub (local.get $rowBytes) (local.get $o))
              (i32.add (local.get $dw) (local.get $rowOff)) (local.get $rowBytes) (local.get $two))
            (br_if $tiles (i32.lt_u
              (local.tee $o (i32.add (local.get $o) (i32.const 64))) (local.get $rowBytes))))
          (if (i32.and (i32.eqz (local.get $pair)) (i32.eq (local.get $take) (i32.const 4)))
            (then (local.set $pair (i32.const 1)) (br $pairs))))
        ;; The AdamW step of these rows, while they are in L1.
        (if (local.get $adam)
          (then
            (local.set $rowOff (i32.mul (local.get $i) (local.get $rowBytes)))
            (call $adam
              (i32.add (local.get $w) (local.get $rowOff))
              (i32.add (local.get $dw) (local.get $rowOff))
              (i32.add (local.get $m) (local.get $rowOff))
              (i32.add (local.get $v) (local.get $rowOff))
              (i32.mul (local.get $out) (local.get $take))
              (local.get $lr) (local.get $beta1) (local.get $oneMinusBeta1) (local.get $beta2)
              (local.get $oneMinusBeta2) (local.get $eps) (local.get $weightDecay)
              (local.get $invC1) (local.get $invC2))))
        (local.set $i (i32.add (local.get $i) (local.get $take)))
        (br $columns))))

  ;; One tile of two rows of dw, the rest (up to 16) floats of each from byte o on: over the
  ;; pair list [list, end), row r0 = sum of x[b,i] * dz[b][o..] and row r1 (rowBytes further,
  ;; stored only when two is 1) = sum of x[b,i+1] * dz[b][o..], each sum from +0 in list order.
  ;; rest: the row's bytes from o on (64 or more: a whole tile; fewer: the loads run past the
  ;; row into its neighbours or the slack, and only the rest is stored).
  (func $pairTile (param $list i32) (param $end i32) (param $o i32) (param $rest i32)
    (param $r0 i32) (param $rowBytes i32) (param $two i32)
    (local $e i32) (local $row i32) (local $s0 v128) (local $s1 v128) (local $d v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $e (local.get $list))
    (block $empty
      (br_if $empty (i32.ge_u (local.get $e) (local.get $end)))
      (loop $entry
        ;; One load per entry: both values and the row's address.
        (local.set $d (v128.load (local.get $e)))
        (local.set $s0 (f32x4.splat (f32x4.extract_lane 0 (local.get $d))))
        (local.set $s1 (f32x4.splat (f32x4.extract_lane 1 (local.get $d))))
        (local.set $row (i32.add (i32x4.extract_lane 2 (local.get $d)) (local.get $o)))
        ;; Each vector of dz[b] is loaded once for both rows.
        (local.set $d (v128.load offset=0 (local.get $row)))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s0) (local.get $d) (local.get $a0)))
        (local.set $b0 (f32x4.relaxed_madd (local.get $s1) (local.get $d) (local.get $b0)))
        (local.set $d (v128.load offset=16 (local.get $row)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $s0) (local.get $d) (local.get $a1)))
        (local.set $b1 (f32x4.relaxed_madd (local.get $s1) (local.get $d) (local.get $b1)))
        (local.set $d (v128.load offset=32 (local.get $row)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $s0) (local.get $d) (local.get $a2)))
        (local.set $b2 (f32x4.relaxed_madd (local.get $s1) (local.get $d) (local.get $b2)))
        (local.set $d (v128.load offset=48 (local.get $row)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $s0) (local.get $d) (local.get $a3)))
        (local.set $b3 (f32x4.relaxed_madd (local.get $s1) (local.get $d) (local.get $b3)))
        (br_if $entry
          (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 16))) (local.get $end)))))
    (local.set $row (i32.add (local.get $r0) (local.get $o)))
    (if (i32.ge_u (local.get $rest) (i32.const 64))
      (then
        (v128.store offset=0 (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (v128.store offset=32 (local.get $row) (local.get $a2))
        (v128.store offset=48 (local.get $row) (local.get $a3))
        (if (local.get $two)
          (then
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (v128.store offset=0 (local.get $row) (local.get $b0))
            (v128.store offset=16 (local.get $row) (local.get $b1))
            (v128.store offset=32 (local.get $row) (local.get $b2))
            (v128.store offset=48 (local.get $row) (local.get $b3)))))
      (else
        (call $storeTile (local.get $row)
          (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $rest))
        (if (local.get $two)
          (then (call $storeTile (i32.add (local.get $row) (local.get $rowBytes))
            (local.get $b0) (local.get $b1) (local.get $b2) (local.get $b3) (local.get $rest)))))))

  ;; Stores the first rest bytes (4..60, a multiple of 4) of v0, v1, v2, v3 at p.
  (func $storeTile (param $p i32) (param $v0 v128) (param $v1 v128) (param $v2 v128)
    (param $v3 v128) (param $rest i32)
    (if (i32.le_u (local.get $rest) (i32.const 16))
      (then (call $storeLastLanes (local.get $p) (local.get $v0) (local.get $rest)) (return)))
    (v128.store (local.get $p) (local.get $v0))
    (if (i32.le_u (local.get $rest) (i32.const 32))
      (then (call $storeLastLanes (i32.add (local.get $p) (i32.const 16)) (local.get $v1)
        (i32.sub (local.get $rest) (i32.const 16))) (return)))
    (v128.store offset=16 (local.get $p) (local.get $v1))
    (if (i32.le_u (local.get $rest) (i32.const 48))
      (then (call $storeLastLanes (i32.add (local.get $p) (i32.const 32)) (local.get $v2)
        (i32.sub (local.get $rest) (i32.const 32))) (return)))
    (v128.store offset=32 (local.get $p) (local.get $v2))
    (call $storeLastLanes (i32.add (local.get $p) (i32.const 48)) (local.get $v3)
      (i32.sub (local.get $rest) (i32.const 48))))

  ;; sums[cols] = sum over rows of x[rows x cols].
  (func (export "sumRows") (param $x i32) (param $sums i32) (param $rows i32) (param $cols i32)
    (call $sumRows (local.get $x) (local.get $sums) (local.get $rows) (local.get $cols)
      (i32.const 0)))

  ;; db[out] = sum over the batch rows of dz[B x out] (overwrites), or += when accumulate is 1.
  (func $sumRows
    (param $dz i32) (param $db i32) (param $batch i32) (param $out i32) (param $accumulate i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $b i32) (local $o i32) (local $src i32)
    (local.set $rowBytes (i32.shl (local.get $out) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    ;; db = sum_b dz[b]: row after row added into db (it stays in L1).
    (if (i32.eqz (local.get $accumulate))
      (then (memory.fill (local.get $db) (i32.const 0) (local.get $rowBytes))))
    (local.set $src (local.get $dz))
    (block $dbDone
      (loop $dbRow
        (br_if $dbDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $o (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $o) (local.get $vecBytes)))
            (v128.store (i32.add (local.get $db) (local.get $o))
              (f32x4.add
                (v128.load (i32.add (local.get $db) (local.get $o)))
                (v128.load (i32.add (local.get $src) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $vec)))
        (block $scalarDone
          (loop $scalar
            (br_if $scalarDone (i32.ge_u (local.get $o) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $db) (local.get $o))
              (f32.add
                (f32.load (i32.add (local.get $db) (local.get $o)))
                (f32.load (i32.add (local.get $src) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $scalar)))
        (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $dbRow))))

  ;; dw[in x out] = x[B x in]^T · dz[B x out], or += when accumulate is 1; x's rows are
  ;; xRowBytes apart (4 * in, or more for a range of x's columns).
  ;; Row i of dw is sum over nonzero x[b,i] of x[b,i] * dz[b]: a column of x drives it, so a
  ;; pixel that is background in the whole batch costs only compares and a zero fill.
  (func $gradWeights
    (param $x i32) (param $dz i32) (param $dw i32)
    (param $batch i32) (param $in i32) (param $out i32) (param $accumulate i32)
    (param $xRowBytes i32)
    (local $rowBytes i32) (local $src i32)
    (local $i i32) (local $vals i32) (local $left i32) (local $chunk i32)
    (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e3 i32) (local $value f32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local.set $rowBytes (i32.shl (local.get $out) (i32.const 2)))
    ;; The four lists' starts in this instance's scratch slot.
    (local.set $s0 (global.get $scratch))
    (local.set $s1 (i32.add (local.get $s0) (i32.const 16384)))
    (local.set $s2 (i32.add (local.get $s0) (i32.const 32768)))
    (local.set $s3 (i32.add (local.get $s0) (i32.const 49152)))

    ;; dw, four rows at a time: row b of x supplies x[b, i..i+3] with one load, and when
    ;; all four are zero (72% of the time on MNIST) one compare skips them. Each of the four
    ;; columns gets its own list, a quarter of scratch (2048 entries), in chunks of rows.
    (block $quadsDone
      (loop $quad
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $in)))
        (if (i32.eqz (local.get $accumulate))
          (then (memory.fill
            (local.get $dw) (i32.const 0) (i32.shl (local.get $rowBytes) (i32.const 2)))))
        (local.set $vals (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $src (local.get $dz))
        (local.set $left (local.get $batch))
        (block $chunksDone
          (loop $nextChunk
            (br_if $chunksDone (i32.eqz (local.get $left)))
            (local.set $chunk (select (local.get $left) (i32.const 2048)
              (i32.lt_u (local.get $left) (i32.const 2048))))
            (local.set $left (i32.sub (local.get $left) (local.get $chunk)))
            (local.set $e0 (local.get $s0))
            (local.set $e1 (local.get $s1))
            (local.set $e2 (local.get $s2))
            (local.set $e3 (local.get $s3))
            (loop $batchRow
              (if (v128.any_true
                    (f32x4.ne (v128.load (local.get $vals)) (v128.const f32x4 0 0 0 0)))
                (then
                  ;; $append inlined by hand: V8 does not inline calls in a function this big,
                  ;; and the calls made gradDense 10-40% slower.
                  (f32.store (local.get $e0) (local.tee $value (f32.load (local.get $vals))))
                  (i32.store offset=4 (local.get $e0) (local.get $src))
                  (local.set $e0 (i32.add (local.get $e0)
                    (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                  (f32.store (local.get $e1)
                    (local.tee $value (f32.load offset=4 (local.get $vals))))
                  (i32.store offset=4 (local.get $e1) (local.get $src))
                  (local.set $e1 (i32.add (local.get $e1)
                    (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                  (f32.store (local.get $e2)
                    (local.tee $value (f32.load offset=8 (local.get $vals))))
                  (i32.store offset=4 (local.get $e2) (local.get $src))
                  (local.set $e2 (i32.add (local.get $e2)
                    (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                  (f32.store (local.get $e3)
                    (local.tee $value (f32.load offset=12 (local.get $vals))))
                  (i32.store offset=4 (local.get $e3) (local.get $src))
                  (local.set $e3 (i32.add (local.get $e3)
                    (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))))
              (local.set $vals (i32.add (local.get $vals) (local.get $xRowBytes)))
              (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
              (br_if $batchRow
                (local.tee $chunk (i32.sub (local.get $chunk) (i32.const 1)))))
            (if (i32.ne (local.get $e0) (local.get $s0))
              (then (call $addScaledRows (local.get $dw)
                (local.get $dw) (local.get $s0) (local.get $e0) (local.get $out))))
            (if (i32.ne (local.get $e1) (local.get $s1))
              (then (call $addScaledRows (i32.add (local.get $dw) (local.get $rowBytes))
                (i32.add (local.get $dw) (local.get $rowBytes))
                (local.get $s1) (local.get $e1) (local.get $out))))
            (if (i32.ne (local.get $e2) (local.get $s2))
              (then (call $addScaledRows
                (i32.add (local.get $dw) (i32.shl (local.get $rowBytes) (i32.const 1)))
                (i32.add (local.get $dw) (i32.shl (local.get $rowBytes) (i32.const 1)))
                (local.get $s2) (local.get $e2) (local.get $out))))
            (if (i32.ne (local.get $e3) (local.get $s3))
              (then (call $addScaledRows
                (i32.add (local.get $dw) (i32.mul (local.get $rowBytes) (i32.const 3)))
                (i32.add (local.get $dw) (i32.mul (local.get $rowBytes) (i32.const 3)))
                (local.get $s3) (local.get $e3) (local.get $out))))
            (br $nextChunk)))
        (local.set $dw (i32.add (local.get $dw) (i32.shl (local.get $rowBytes) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad)))

    ;; The last 1..3 rows of dw, one column of x at a time.
    (block $singlesDone
      (loop $single
        (br_if $singlesDone (i32.ge_u (local.get $i) (local.get $in)))
        (if (i32.eqz (local.get $accumulate))
          (then (memory.fill (local.get $dw) (i32.const 0) (local.get $rowBytes))))
        (local.set $vals (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $src (local.get $dz))
        (local.set $left (local.get $batch))
        (block $chunksDone
          (loop $nextChunk
            (br_if $chunksDone (i32.eqz (local.get $left)))
            (local.set $chunk (select (local.get $left) (i32.const 8192)
              (i32.lt_u (local.get $left) (i32.const 8192))))
            (local.set $e0 (call $compactStrided (local.get $vals) (local.get $xRowBytes)
              (local.get $src) (local.get $rowBytes) (local.get $chunk)))
            (if (i32.ne (local.get $e0) (local.get $s0))
              (then (call $addScaledRows (local.get $dw)
                (local.get $dw) (local.get $s0) (local.get $e0) (local.get $out))))
            (local.set $vals
              (i32.add (local.get $vals) (i32.mul (local.get $chunk) (local.get $xRowBytes))))
            (local.set $src
              (i32.add (local.get $src) (i32.mul (local.get $chunk) (local.get $rowBytes))))
            (local.set $left (i32.sub (local.get $left) (local.get $chunk)))
            (br $nextChunk)))
        (local.set $dw (i32.add (local.get $dw) (local.get $rowBytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $single))))

  ;; Sum of the four lanes of each of a0..a3, as one vector [sum a0, sum a1, sum a2, sum a3].
  (func $transposeSum (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
    (result v128)
    (local $s01 v128) (local $s23 v128)
    ;; s01 = [a0.0+a0.1, a1.0+a1.1, a0.2+a0.3, a1.2+a1.3], s23 likewise for a2, a3.
    (local.set $s01 (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $a0) (local.get $a1))
      (i8x16.shuffle 4 5 6 7 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $s23 (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $a2) (local.get $a3))
      (i8x16.shuffle 4 5 6 7 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (local.get $s01) (local.get $s23))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
        (local.get $s01) (local.get $s23))))

  ;; dx[B x in] = dz[B x out] · w[in x out]^T: dx[b,i] = dot(dz[b], w[i]).
  ;; Four inputs at a time, each dot product in its own vector of partial sums, folded
  ;; together by transposeSum into one store. The last 1..3 floats of a row are a masked
  ;; vector (the lanes past the row are zeroed after the multiply, so NaN cannot leak in).
  (func (export "backDense")
    (param $dz i32) (param $w i32) (param $dx i32)
    (param $batch i32) (param $in i32) (param $out i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $mask v128) (local $hasTail i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $i i32) (local $o i32)
    (local $d v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    ;; A few outputs (the output layer's ten): each row of dx as a sum of w's transposed rows.
    (if (i32.and (i32.le_u (local.get $out) (i32.const 16))
          (i32.le_u (i32.mul (local.get $in) (local.get $out)) (i32.const 12288)))
      (then
        (call $backDenseNarrow (local.get $dz) (local.get $w) (local.get $dx)
          (local.get $batch) (local.get $in) (local.get $out))
        (return)))
    (local.set $rowBytes (i32.shl (local.get $out) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $hasTail (i32.and (local.get $out) (i32.const 3)))
    ;; mask lane k is all ones when k < out % 4
    (local.set $mask
      (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $hasTail))))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $batch)))
        (local.set $w0 (local.get $w))
        (local.set $i (local.get $in))
        ;; four inputs at a time
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.lt_u (local.get $i) (i32.const 4)))
            (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
            (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
            (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $o) (local.get $vecBytes)))
                (local.set $d (v128.load (i32.add (local.get $dz) (local.get $o))))
                (local.set $a0 (f32x4.relaxed_madd (local.get $d) (v128.load (i32.add (local.get $w0) (local.get $o))) (local.get $a0)))
                (local.set $a1 (f32x4.relaxed_madd (local.get $d) (v128.load (i32.add (local.get $w1) (local.get $o))) (local.get $a1)))
                (local.set $a2 (f32x4.relaxed_madd (local.get $d) (v128.load (i32.add (local.get $w2) (local.get $o))) (local.get $a2)))
                (local.set $a3 (f32x4.relaxed_madd (local.get $d) (v128.load (i32.add (local.get $w3) (local.get $o))) (local.get $a3)))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $vec)))
            (if (local.get $hasTail)
              (then
                (local.set $d (v128.load (i32.add (local.get $dz) (local.get $o))))
                (local.set $a0 (f32x4.add (local.get $a0) (v128.and (local.get $mask)
                  (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w0) (local.get $o)))))))
                (local.set $a1 (f32x4.add (local.get $a1) (v128.and (local.get $mask)
                  (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w1) (local.get $o)))))))
                (local.set $a2 (f32x4.add (local.get $a2) (v128.and (local.get $mask)
                  (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w2) (local.get $o)))))))
                (local.set $a3 (f32x4.add (local.get $a3) (v128.and (local.get $mask)
                  (f32x4.mul (local.get $d)
                    (v128.load (i32.add (local.get $w3) (local.get $o)))))))))
            (v128.store (local.get $dx)
              (call $transposeSum (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
            (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
            (local.set $w0 (i32.add (local.get $w3) (local.get $rowBytes)))
            (local.set $i (i32.sub (local.get $i) (i32.const 4)))
            (br $quad)))
        ;; the last 1..3 inputs, one at a time
        (block $singlesDone
          (loop $single
            (br_if $singlesDone (i32.eqz (local.get $i)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $o) (local.get $vecBytes)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
                  (v128.load (i32.add (local.get $dz) (local.get $o)))
                  (v128.load (i32.add (local.get $w0) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $vec)))
            (if (local.get $hasTail)
              (then
                (local.set $a0 (f32x4.add (local.get $a0) (v128.and (local.get $mask) (f32x4.mul
                  (v128.load (i32.add (local.get $dz) (local.get $o)))
                  (v128.load (i32.add (local.get $w0) (local.get $o)))))))))
            (local.set $a0 (f32x4.add (local.get $a0)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                (local.get $a0) (local.get $a0))))
            (f32.store (local.get $dx) (f32.add
              (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))))
            (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
            (local.set $w0 (i32.add (local.get $w0) (local.get $rowBytes)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $single)))
        (local.set $dz (i32.add (local.get $dz) (local.get $rowBytes)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $row))))

;; backDense for at most 16 outputs and in * out <= 12288 (wT fits in the scratch slot after
  ;; its first 16 KB): wT[out x in] = w^T, then for each row b, dx[b] = sum over the nonzero
  ;; dz[b,o] of dz[b,o] * wT[o] (addScaledRows: tiles of dx in registers), instead of one dot
  ;; product of out floats per input.
  (func $backDenseNarrow
    (param $dz i32) (param $w i32) (param $dx i32)
    (param $batch i32) (param $in i32) (param $out i32)
    (local $wT i32) (local $i i32) (local $o i32) (local $from i32) (local $to i32)
    (local $inBytes i32) (local $end i32)
    (local.set $wT (i32.add (global.get $scratch) (i32.const 16384)))
    (local.set $inBytes (i32.shl (local.get $in) (i32.const 2)))
    ;; wT[o, i] = w[i, o]
    (local.set $from (local.get $w))
    (block $transposed
      (loop $input
        (br_if $transposed (i32.ge_u (local.get $i) (local.get $in)))
        (local.set $to (i32.add (local.get $wT) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $o (i32.const 0))
        (block $outputsDone
          (loop $output
            (br_if $outputsDone (i32.ge_u (local.get $o) (local.get $out)))
            (f32.store (local.get $to) (f32.load (local.get $from)))
            (local.set $from (i32.add (local.get $from) (i32.const 4)))
            (local.set $to (i32.add (local.get $to) (local.get $inBytes)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $output)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $input)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $batch)))
        (memory.fill (local.get $dx) (i32.const 0) (local.get $inBytes))
        (local.set $end (call $compactContiguous (local.get $dz) (local.get $wT)
          (local.get $inBytes) (local.get $out) (global.get $scratch)))
        (if (i32.ne (local.get $end) (global.get $scratch))
          (then (call $addScaledRows (local.get $dx)
            (local.get $dx) (global.get $scratch) (local.get $end) (local.get $in))))
        (local.set $dz (i32.add (local.get $dz) (i32.shl (local.get $out) (i32.const 2))))
        (local.set $dx (i32.add (local.get $dx) (local.get $inBytes)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $row))))

  ;; Convolution as matrix products (see Kernels.im2col in ../kernels.ts): im2col lays each
  ;; k x k x C patch of channels-last images out as one row; col2im adds rows back. Row
  ;; (s, oy, ox) is, for each ky, one run of k*C floats of input row iy = oy + ky - pad
  ;; starting at column ox - pad: zeros for the columns hanging over the border [0, kx0) and
  ;; [kx1, k), a copy of the input for [kx0, kx1).

  ;; dst[0..n) = src[0..n).
  (func $copyFloats (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $vecEnd i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $dst)
      (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $dst) (local.get $vecEnd)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $scalar))))

  ;; dst[0..n) += src[0..n).
  (func $addFloats (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $vecEnd i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $dst)
      (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $dst) (local.get $vecEnd)))
        (v128.store (local.get $dst)
          (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst)
          (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $scalar))))

  ;; dst[0..n) = 0.
  (func $zeroFloats (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $scalar))))

  ;; col[(S*OH*OW) x (k*k*C)] = the patches of x[S x H x W x C] (add = 0), or, the adjoint,
  ;; dx[S x H x W x C] = sum of the patch rows of col put back (add = 1; x is then dx and is
  ;; zeroed first). The additions happen in the TS reference's order, so results are equal.
  (func $patches
    (param $x i32) (param $col i32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $kernel i32)
    (param $pad i32) (param $outHeight i32) (param $outWidth i32) (param $add i32)
    (local $segment i32) (local $imageBytes i32) (local $oy i32) (local $ox i32) (local $ky i32)
    (local $iy i32) (local $kx0 i32) (local $kx1 i32) (local $inside i32) (local $from i32)
    (local.set $segment (i32.mul (local.get $kernel) (local.get $channels)))
    (local.set $imageBytes (i32.shl (i32.mul (i32.mul (local.get $height) (local.get $width))
      (local.get $channels)) (i32.const 2)))
    (if (local.get $add)
      (then (memory.fill (local.get $x) (i32.const 0)
        (i32.mul (local.get $samples) (local.get $imageBytes)))))
    (block $samplesDone
      (loop $sample
        (br_if $samplesDone (i32.eqz (local.get $samples)))
        (local.set $oy (i32.const 0))
        (loop $outRow
          (local.set $ox (i32.const 0))
          (loop $outColumn
            ;; kx0 = max(0, pad - ox), kx1 = max(kx0, min(k, width + pad - ox))
            (local.set $kx0 (i32.sub (local.get $pad) (local.get $ox)))
            (if (i32.lt_s (local.get $kx0) (i32.const 0)) (then (local.set $kx0 (i32.const 0))))
            (local.set $kx1
              (i32.sub (i32.add (local.get $width) (local.get $pad)) (local.get $ox)))
            (if (i32.gt_s (local.get $kx1) (local.get $kernel))
              (then (local.set $kx1 (local.get $kernel))))
            (if (i32.lt_s (local.get $kx1) (local.get $kx0))
              (then (local.set $kx1 (local.get $kx0))))
            (local.set $inside (i32.mul (i32.sub (local.get $kx1) (local.get $kx0))
              (local.get $channels)))
            (local.set $ky (i32.const 0))
            (loop $patchRow
              (local.set $iy (i32.sub (i32.add (local.get $oy) (local.get $ky)) (local.get $pad)))
              (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0))
                    (i32.lt_s (local.get $iy) (local.get $height)))
                (then
                  ;; &x[s, iy, ox - pad + kx0, 0]
                  (local.set $from (i32.add (local.get $x) (i32.shl (i32.mul
                    (i32.add (i32.mul (local.get $iy) (local.get $width))
                      (i32.add (i32.sub (local.get $ox) (local.get $pad)) (local.get $kx0)))
                    (local.get $channels)) (i32.const 2))))
                  (if (local.get $add)
                    (then
                      (call $addFloats (local.get $from)
                        (i32.add (local.get $col) (i32.shl
                          (i32.mul (local.get $kx0) (local.get $channels)) (i32.const 2)))
                        (local.get $inside)))
                    (else
                      (call $zeroFloats (local.get $col)
                        (i32.mul (local.get $kx0) (local.get $channels)))
                      (call $copyFloats
                        (i32.add (local.get $col) (i32.shl
                          (i32.mul (local.get $kx0) (local.get $channels)) (i32.const 2)))
                        (local.get $from) (local.get $inside))
                      (call $zeroFloats
                        (i32.add (local.get $col) (i32.shl
                          (i32.mul (local.get $kx1) (local.get $channels)) (i32.const 2)))
                        (i32.mul (i32.sub (local.get $kernel) (local.get $kx1))
                          (local.get $channels))))))
                (else
                  (if (i32.eqz (local.get $add))
                    (then (call $zeroFloats (local.get $col) (local.get $segment))))))
              (local.set $col
                (i32.add (local.get $col) (i32.shl (local.get $segment) (i32.const 2))))
              (br_if $patchRow (i32.lt_u
                (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kernel))))
            (br_if $outColumn (i32.lt_u
              (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $outWidth))))
          (br_if $outRow (i32.lt_u
            (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $outHeight))))
        (local.set $x (i32.add (local.get $x) (local.get $imageBytes)))
        (local.set $samples (i32.sub (local.get $samples) (i32.const 1)))
        (br $sample))))

;; z[P x F] = patches(x) · wT[kkC x F] + bias without writing the patches: the sums of
  ;; im2col followed by forwardDense, in the same order. Per sample, each input pixel's
  ;; nonzero channels are listed once, into `lists`: (value, byte offset of its row within a
  ;; tap's block of wT), C entries of room per pixel, then one count per pixel. Then tap by tap
  ;; (ky, kx): every output pixel whose tap lies inside the image adds its tap pixel's list
  ;; against the tap's block of wT (C x F floats, small enough to stay in L1), tile by tile
  ;; of its row of z. An input value is tested for zero once, not once per patch it is in.
  (func (export "convForward")
    (param $x i32) (param $wT i32) (param $bias i32) (param $z i32) (param $lists i32)
    (param $samples i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $kernel i32) (param $pad i32) (param $outHeight i32) (param $outWidth i32)
    (param $filters i32)
    (local $zRowBytes i32) (local $tapBytes i32) (local $pixels i32) (local $counts i32)
    (local $q i32) (local $c i32) (local $entry i32) (local $first i32) (local $value f32)
    (local $oy i32) (local $ox i32) (local $o i32) (local $p i32) (local $zp i32)
    (local $ky i32) (local $kx i32) (local $oy0 i32) (local $oy1 i32) (local $ox0 i32)
    (local $ox1 i32) (local $base i32) (local $e i32) (local $end i32) (local $outBytes i32)
    (local.set $zRowBytes (i32.shl (local.get $filters) (i32.const 2)))
    (local.set $tapBytes (i32.mul (local.get $channels) (local.get $zRowBytes)))
    (local.set $pixels (i32.mul (local.get $height) (local.get $width)))
    (local.set $outBytes (i32.mul (i32.mul (local.get $outHeight) (local.get $outWidth))
      (local.get $zRowBytes)))
    (local.set $counts (i32.add (local.get $lists)
      (i32.shl (i32.mul (local.get $pixels) (local.get $channels)) (i32.const 3))))
    (block $samplesDone
      (loop $sample
        (br_if $samplesDone (i32.eqz (local.get $samples)))
        ;; the nonzero channels of every input pixel (x advances through the image)
        (local.set $q (i32.const 0))
        (local.set $first (local.get $lists))
        (block $pixelsDone
          (loop $pixel
            (br_if $pixelsDone (i32.ge_u (local.get $q) (local.get $pixels)))
            (local.set $entry (local.get $first))
            (local.set $c (i32.const 0))
            (block $channelsDone
              (loop $channel
                (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $channels)))
                (f32.store (local.get $entry) (local.tee $value (f32.load (local.get $x))))
                (i32.store offset=4 (local.get $entry)
                  (i32.mul (local.get $c) (local.get $zRowBytes)))
                (local.set $entry (i32.add (local.get $entry)
                  (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $channel)))
            (i32.store (i32.add (local.get $counts) (i32.shl (local.get $q) (i32.const 2)))
              (i32.shr_u (i32.sub (local.get $entry) (local.get $first)) (i32.const 3)))
            (local.set $first (i32.add (local.get $first)
              (i32.shl (local.get $channels) (i32.const 3))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $pixel)))
        ;; z = bias for every output pixel
        (local.set $p (i32.const 0))
        (block $biasDone
          (loop $biasRow
            (br_if $biasDone (i32.ge_u (local.get $p) (local.get $outBytes)))
            (memory.copy (i32.add (local.get $z) (local.get $p)) (local.get $bias)
              (local.get $zRowBytes))
            (local.set $p (i32.add (local.get $p) (local.get $zRowBytes)))
            (br $biasRow)))
        ;; row of taps by row of taps: for ky, each output pixel whose row iy = oy + ky - pad
        ;; is inside the image adds the taps kx whose column ix = ox + kx - pad is inside, all
        ;; in one pass per tile of z (its accumulators stay in registers across the taps;
        ;; each (ky, kx) in order, as the TS reference and im2col + forwardDense add them).
        (local.set $ky (i32.const 0))
        (loop $tapRow
          (local.set $oy0 (i32.sub (local.get $pad) (local.get $ky)))
          (if (i32.lt_s (local.get $oy0) (i32.const 0)) (then (local.set $oy0 (i32.const 0))))
          (local.set $oy1 (i32.sub (i32.add (local.get $height) (local.get $pad)) (local.get $ky)))
          (if (i32.gt_s (local.get $oy1) (local.get $outHeight))
            (then (local.set $oy1 (local.get $outHeight))))
          (local.set $oy (local.get $oy0))
          (block $rowsDone
            (loop $row
              (br_if $rowsDone (i32.ge_s (local.get $oy) (local.get $oy1)))
              (local.set $ox (i32.const 0))
              (block $columnsDone
                (loop $column
                  (br_if $columnsDone (i32.ge_s (local.get $ox) (local.get $outWidth)))
                  ;; taps kx in [max(0, pad - ox), min(k, width + pad - ox))
                  (local.set $kx (i32.sub (local.get $pad) (local.get $ox)))
                  (if (i32.lt_s (local.get $kx) (i32.const 0)) (then (local.set $kx (i32.const 0))))
                  (local.set $ox1
                    (i32.sub (i32.add (local.get $width) (local.get $pad)) (local.get $ox)))
                  (if (i32.gt_s (local.get $ox1) (local.get $kernel))
                    (then (local.set $ox1 (local.get $kernel))))
                  (if (i32.gt_s (local.get $ox1) (local.get $kx))
                    (then
                      ;; q: the input pixel under the first tap; its list and count
                      (local.set $q (i32.add
                        (i32.mul (i32.sub (i32.add (local.get $oy) (local.get $ky)) (local.get $pad))
                          (local.get $width))
                        (i32.sub (i32.add (local.get $ox) (local.get $kx)) (local.get $pad))))
                      (call $tapsTiles
                        (i32.add (local.get $z) (i32.mul (local.get $zRowBytes)
                          (i32.add (i32.mul (local.get $oy) (local.get $outWidth)) (local.get $ox))))
                        (i32.add (local.get $lists)
                          (i32.shl (i32.mul (local.get $q) (local.get $channels)) (i32.const 3)))
                        (i32.add (local.get $counts) (i32.shl (local.get $q) (i32.const 2)))
                        (i32.sub (local.get $ox1) (local.get $kx))
                        (i32.add (local.get $wT) (i32.mul (local.get $tapBytes)
                          (i32.add (i32.mul (local.get $ky) (local.get $kernel)) (local.get $kx))))
                        (local.get $tapBytes)
                        (i32.shl (local.get $channels) (i32.const 3))
                        (local.get $zRowBytes))))
                  (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                  (br $column)))
              (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
              (br $row)))
          (br_if $tapRow (i32.lt_u
            (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kernel))))
        (local.set $z (i32.add (local.get $z) (local.get $outBytes)))
        (local.set $samples (i32.sub (local.get $samples) (i32.const 1)))
        (br $sample))))

;; dx[S x H x W x C] = col2im(delta[P x F] · w[F x kkC]), the input gradient of a convolution,
  ;; tap by tap like convForward with the roles swapped: each output pixel's nonzero deltas
  ;; are listed once, as (value, byte offset of row o of w); then for each tap (ky, kx) every
  ;; output pixel p adds its list against w's C floats of that tap into the input pixel under
  ;; the tap. The sums are those of the TS reference, but in tap order (they round differently).
  (func (export "convBackInput")
    (param $delta i32) (param $w i32) (param $dx i32) (param $lists i32)
    (param $samples i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $kernel i32) (param $pad i32) (param $outHeight i32) (param $outWidth i32)
    (param $filters i32)
    (local $patchBytes i32) (local $pixelBytes i32) (local $outPixels i32) (local $counts i32)
    (local $imageBytes i32) (local $p i32) (local $o i32) (local $entry i32) (local $first i32)
    (local $value f32) (local $ky i32) (local $kx i32) (local $oy i32) (local $ox i32)
    (local $oy0 i32) (local $oy1 i32) (local $ox0 i32) (local $ox1 i32) (local $base i32)
    (local $e i32) (local $end i32) (local $zp i32) (local $t i32)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $patchBytes (i32.mul (i32.mul (local.get $kernel) (local.get $kernel))
      (local.get $pixelBytes)))
    (local.set $outPixels (i32.mul (local.get $outHeight) (local.get $outWidth)))
    (local.set $imageBytes (i32.mul (i32.mul (local.get $height) (local.get $width))
      (local.get $pixelBytes)))
    (local.set $counts (i32.add (local.get $lists)
      (i32.shl (i32.mul (local.get $outPixels) (local.get $filters)) (i32.const 3))))
    (block $samplesDone
      (loop $sample
        (br_if $samplesDone (i32.eqz (local.get $samples)))
        ;; the nonzero deltas of every output pixel (delta advances through the sample)
        (local.set $p (i32.const 0))
        (local.set $first (local.get $lists))
        (block $pixelsDone
          (loop $pixel
            (br_if $pixelsDone (i32.ge_u (local.get $p) (local.get $outPixels)))
            (local.set $entry (local.get $first))
            (local.set $o (i32.const 0))
            (block $filtersDone
              (loop $filter
                (br_if $filtersDone (i32.ge_u (local.get $o) (local.get $filters)))
                (f32.store (local.get $entry) (local.tee $value (f32.load (local.get $delta))))
                (i32.store offset=4 (local.get $entry)
                  (i32.mul (local.get $o) (local.get $patchBytes)))
                (local.set $entry (i32.add (local.get $entry)
                  (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                (local.set $delta (i32.add (local.get $delta) (i32.const 4)))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))
                (br $filter)))
            (i32.store (i32.add (local.get $counts) (i32.shl (local.get $p) (i32.const 2)))
              (i32.shr_u (i32.sub (local.get $entry) (local.get $first)) (i32.const 3)))
            (local.set $first (i32.add (local.get $first)
              (i32.shl (local.get $filters) (i32.const 3))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $pixel)))
        (memory.fill (local.get $dx) (i32.const 0) (local.get $imageBytes))
        ;; tap by tap, over the output pixels whose tap is inside the image (as in convForward)
        (local.set $ky (i32.const 0))
        (loop $tapRow
          (local.set $oy0 (i32.sub (local.get $pad) (local.get $ky)))
          (if (i32.lt_s (local.get $oy0) (i32.const 0)) (then (local.set $oy0 (i32.const 0))))
          (local.set $oy1 (i32.sub (i32.add (local.get $height) (local.get $pad)) (local.get $ky)))
          (if (i32.gt_s (local.get $oy1) (local.get $outHeight))
            (then (local.set $oy1 (local.get $outHeight))))
          (local.set $kx (i32.const 0))
          (loop $tapColumn
            (local.set $ox0 (i32.sub (local.get $pad) (local.get $kx)))
            (if (i32.lt_s (local.get $ox0) (i32.const 0)) (then (local.set $ox0 (i32.const 0))))
            (local.set $ox1
              (i32.sub (i32.add (local.get $width) (local.get $pad)) (local.get $kx)))
            (if (i32.gt_s (local.get $ox1) (local.get $outWidth))
              (then (local.set $ox1 (local.get $outWidth))))
            ;; w's C floats of tap (ky, kx) in row 0
            (local.set $base (i32.add (local.get $w) (i32.mul (local.get $pixelBytes)
              (i32.add (i32.mul (local.get $ky) (local.get $kernel)) (local.get $kx)))))
            (local.set $oy (local.get $oy0))
            (block $rowsDone
              (loop $row
                (br_if $rowsDone (i32.ge_s (local.get $oy) (local.get $oy1)))
                (local.set $ox (local.get $ox0))
                (block $columnsDone
                  (loop $column
                    (br_if $columnsDone (i32.ge_s (local.get $ox) (local.get $ox1)))
                    (local.set $p (i32.add (i32.mul (local.get $oy) (local.get $outWidth))
                      (local.get $ox)))
                    (local.set $e (i32.add (local.get $lists)
                      (i32.shl (i32.mul (local.get $p) (local.get $filters)) (i32.const 3))))
                    (local.set $end (i32.add (local.get $e) (i32.shl (i32.load
                      (i32.add (local.get $counts) (i32.shl (local.get $p) (i32.const 2))))
                      (i32.const 3))))
                    (if (i32.gt_u (local.get $end) (local.get $e))
                      (then
                        ;; dx row of the input pixel under the tap
                        (local.set $zp (i32.add (local.get $dx) (i32.mul (local.get $pixelBytes)
                          (i32.add
                            (i32.mul (i32.sub (i32.add (local.get $oy) (local.get $ky))
                              (local.get $pad)) (local.get $width))
                            (i32.sub (i32.add (local.get $ox) (local.get $kx))
                              (local.get $pad))))))
                        (call $tapTiles (local.get $zp) (local.get $e) (local.get $end) (local.get $base)
                          (local.get $pixelBytes))))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                    (br $column)))
                (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                (br $row)))
            (br_if $tapColumn (i32.lt_u
              (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kernel))))
          (br_if $tapRow (i32.lt_u
            (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kernel))))
        (local.set $dx (i32.add (local.get $dx) (local.get $imageBytes)))
        (local.set $samples (i32.sub (local.get $samples) (i32.const 1)))
        (br $sample))))

;; dw[F x kkC] += the weight gradient of a convolution, delta^T · patches(x), without patch
  ;; rows: the sample is copied into a zero-bordered image, each filter o gets the list of the
  ;; output pixels where delta[p, o] is nonzero (value, byte offset of p's window in the
  ;; bordered image), and for each tap (ky, kx) the row of dw for (o, tap) adds those windows
  ;; shifted by the tap. Per element the sums run over p in order, as addGradWeights over
  ;; im2col rows does. scratch: the bordered image, then F lists of OH*OW entries, F ends.
  (func (export "convGradWeights")
    (param $x i32) (param $delta i32) (param $dw i32) (param $scratch i32)
    (param $samples i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $kernel i32) (param $pad i32) (param $outHeight i32) (param $outWidth i32)
    (param $filters i32)
    (local $pixelBytes i32) (local $paddedRowBytes i32) (local $paddedBytes i32)
    (local $rowBytes i32) (local $imageBytes i32) (local $lists i32) (local $listBytes i32)
    (local $ends i32) (local $patchBytes i32) (local $y i32) (local $oy i32) (local $ox i32)
    (local $o i32) (local $offset i32) (local $value f32) (local $slot i32) (local $end i32)
    (local $e i32) (local $ky i32) (local $kx i32) (local $base i32) (local $dst i32)
    (local $t i32) (local $quads i32)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $width) (local.get $pixelBytes)))
    (local.set $imageBytes (i32.mul (local.get $height) (local.get $rowBytes)))
    (local.set $paddedRowBytes (i32.mul (i32.add (local.get $width)
      (i32.shl (local.get $pad) (i32.const 1))) (local.get $pixelBytes)))
    (local.set $paddedBytes (i32.mul (i32.add (local.get $height)
      (i32.shl (local.get $pad) (i32.const 1))) (local.get $paddedRowBytes)))
    (local.set $lists (i32.add (local.get $scratch) (local.get $paddedBytes)))
    (local.set $listBytes (i32.shl (i32.mul (local.get $outHeight) (local.get $outWidth))
      (i32.const 3)))
    (local.set $ends (i32.add (local.get $lists)
      (i32.mul (local.get $filters) (local.get $listBytes))))
    (local.set $patchBytes (i32.mul (i32.mul (local.get $kernel) (local.get $kernel))
      (local.get $pixelBytes)))
    (local.set $quads (i32.and (local.get $filters) (i32.const -4)))
    (memory.fill (local.get $scratch) (i32.const 0) (local.get $paddedBytes))
    (block $samplesDone
      (loop $sample
        (br_if $samplesDone (i32.eqz (local.get $samples)))
        ;; the image inside its zero border
        (local.set $y (i32.const 0))
        (block $copied
          (loop $copyRow
            (br_if $copied (i32.ge_u (local.get $y) (local.get $height)))
            (memory.copy
              (i32.add (local.get $scratch) (i32.add
                (i32.mul (i32.add (local.get $y) (local.get $pad)) (local.get $paddedRowBytes))
                (i32.mul (local.get $pad) (local.get $pixelBytes))))
              (i32.add (local.get $x) (i32.mul (local.get $y) (local.get $rowBytes)))
              (local.get $rowBytes))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $copyRow)))
        ;; each filter's list of output pixels with a nonzero delta
        (local.set $o (i32.const 0))
        (block $endsSet
          (loop $setEnd
            (br_if $endsSet (i32.ge_u (local.get $o) (local.get $filters)))
            (i32.store (i32.add (local.get $ends) (i32.shl (local.get $o) (i32.const 2)))
              (i32.add (local.get $lists) (i32.mul (local.get $o) (local.get $listBytes))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $setEnd)))
        (local.set $oy (i32.const 0))
        (loop $outRow
          (local.set $ox (i32.const 0))
          (loop $outColumn
            ;; the window of p in the bordered image starts at (oy, ox)
            (local.set $offset (i32.add (i32.mul (local.get $oy) (local.get $paddedRowBytes))
              (i32.mul (local.get $ox) (local.get $pixelBytes))))
            (local.set $o (i32.const 0))
            (block $quadsDone
              (loop $quad
                (br_if $quadsDone (i32.ge_u (local.get $o) (local.get $quads)))
                (if (v128.any_true
                      (f32x4.ne (v128.load (local.get $delta)) (v128.const f32x4 0 0 0 0)))
                  (then
                      (local.set $value (f32.load offset=0 (local.get $delta)))
                      (local.set $slot (i32.add (local.get $ends) (i32.shl (i32.add (local.get $o) (i32.const 0)) (i32.const 2))))
                      (local.set $end (i32.load (local.get $slot)))
                      (f32.store (local.get $end) (local.get $value))
                      (i32.store offset=4 (local.get $end) (local.get $offset))
                      (i32.store (local.get $slot) (i32.add (local.get $end)
                        (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                      (local.set $value (f32.load offset=4 (local.get $delta)))
                      (local.set $slot (i32.add (local.get $ends) (i32.shl (i32.add (local.get $o) (i32.const 1)) (i32.const 2))))
                      (local.set $end (i32.load (local.get $slot)))
                      (f32.store (local.get $end) (local.get $value))
                      (i32.store offset=4 (local.get $end) (local.get $offset))
                      (i32.store (local.get $slot) (i32.add (local.get $end)
                        (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                      (local.set $value (f32.load offset=8 (local.get $delta)))
                      (local.set $slot (i32.add (local.get $ends) (i32.shl (i32.add (local.get $o) (i32.const 2)) (i32.const 2))))
                      (local.set $end (i32.load (local.get $slot)))
                      (f32.store (local.get $end) (local.get $value))
                      (i32.store offset=4 (local.get $end) (local.get $offset))
                      (i32.store (local.get $slot) (i32.add (local.get $end)
                        (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                      (local.set $value (f32.load offset=12 (local.get $delta)))
                      (local.set $slot (i32.add (local.get $ends) (i32.shl (i32.add (local.get $o) (i32.const 3)) (i32.const 2))))
                      (local.set $end (i32.load (local.get $slot)))
                      (f32.store (local.get $end) (local.get $value))
                      (i32.store offset=4 (local.get $end) (local.get $offset))
                      (i32.store (local.get $slot) (i32.add (local.get $end)
                        (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                  ))
                (local.set $delta (i32.add (local.get $delta) (i32.const 16)))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $quad)))
            (block $singlesDone
              (loop $single
                (br_if $singlesDone (i32.ge_u (local.get $o) (local.get $filters)))
                (local.set $value (f32.load offset=0 (local.get $delta)))
                (local.set $slot (i32.add (local.get $ends) (i32.shl (i32.add (local.get $o) (i32.const 0)) (i32.const 2))))
                (local.set $end (i32.load (local.get $slot)))
                (f32.store (local.get $end) (local.get $value))
                (i32.store offset=4 (local.get $end) (local.get $offset))
                (i32.store (local.get $slot) (i32.add (local.get $end)
                  (i32.shl (f32.ne (local.get $value) (f32.const 0)) (i32.const 3))))
                (local.set $delta (i32.add (local.get $delta) (i32.const 4)))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))
                (br $single)))
            (br_if $outColumn (i32.lt_u
              (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $outWidth))))
          (br_if $outRow (i32.lt_u
            (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $outHeight))))
        ;; tap by tap, filter by filter: dw[o, tap] += sum over the list of value * window
        (local.set $ky (i32.const 0))
        (loop $tapRow
          (local.set $kx (i32.const 0))
          (loop $tapColumn
            (local.set $base (i32.add (local.get $scratch) (i32.add
              (i32.mul (local.get $ky) (local.get $paddedRowBytes))
              (i32.mul (local.get $kx) (local.get $pixelBytes)))))
            (local.set $o (i32.const 0))
            (block $filtersDone
              (loop $filter
                (br_if $filtersDone (i32.ge_u (local.get $o) (local.get $filters)))
                (local.set $e (i32.add (local.get $lists)
                  (i32.mul (local.get $o) (local.get $listBytes))))
                (local.set $end
                  (i32.load (i32.add (local.get $ends) (i32.shl (local.get $o) (i32.const 2)))))
                (if (i32.gt_u (local.get $end) (local.get $e))
                  (then
                    (local.set $dst (i32.add (local.get $dw) (i32.add
                      (i32.mul (local.get $o) (local.get $patchBytes))
                      (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kernel))
                        (local.get $kx)) (local.get $pixelBytes)))))
                    (call $tapTiles (local.get $dst) (local.get $e) (local.get $end) (local.get $base)
                          (local.get $pixelBytes))))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))
                (br $filter)))
            (br_if $tapColumn (i32.lt_u
              (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kernel))))
          (br_if $tapRow (i32.lt_u
            (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kernel))))
        (local.set $x (i32.add (local.get $x) (local.get $imageBytes)))
        (local.set $samples (i32.sub (local.get $samples) (i32.const 1)))
        (br $sample))))

  ;; zp[0..bytes) += for each of n taps t: sum over list t of value * (base + t * tapBytes +
  ;; row offset)[0..bytes), where list t starts at lists + t * listBytes and holds the count
  ;; at counts + 4t entries (n >= 1): tapTiles for a row of taps, each tile's accumulators in
  ;; registers across all n lists.
  (func $tapsTiles (param $zp i32) (param $lists i32) (param $counts i32) (param $n i32)
    (param $base i32) (param $tapBytes i32) (param $listBytes i32) (param $bytes i32)
    (local $o i32) (local $t i32)
    (block $tiles32Done
      (loop $tile32
        (br_if $tiles32Done (i32.gt_u (i32.add (local.get $o) (i32.const 128)) (local.get $bytes)))
        (call $tapsTile32 (i32.add (local.get $zp) (local.get $o)) (local.get $lists)
          (local.get $counts) (local.get $n) (i32.add (local.get $base) (local.get $o))
          (local.get $tapBytes) (local.get $listBytes))
        (local.set $o (i32.add (local.get $o) (i32.const 128)))
        (br $tile32)))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 96)) (local.get $bytes))
      (then
        (call $tapsTile24 (i32.add (local.get $zp) (local.get $o)) (local.get $lists)
          (local.get $counts) (local.get $n) (i32.add (local.get $base) (local.get $o))
          (local.get $tapBytes) (local.get $listBytes))
        (local.set $o (i32.add (local.get $o) (i32.const 96)))))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 64)) (local.get $bytes))
      (then
        (call $tapsTile16 (i32.add (local.get $zp) (local.get $o)) (local.get $lists)
          (local.get $counts) (local.get $n) (i32.add (local.get $base) (local.get $o))
          (local.get $tapBytes) (local.get $listBytes))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 32)) (local.get $bytes))
      (then
        (call $tapsTile8 (i32.add (local.get $zp) (local.get $o)) (local.get $lists)
          (local.get $counts) (local.get $n) (i32.add (local.get $base) (local.get $o))
          (local.get $tapBytes) (local.get $listBytes))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 16)) (local.get $bytes))
      (then
        (call $tapsTile4 (i32.add (local.get $zp) (local.get $o)) (local.get $lists)
          (local.get $counts) (local.get $n) (i32.add (local.get $base) (local.get $o))
          (local.get $tapBytes) (local.get $listBytes))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))))
    ;; the last 1..3 floats: one tap at a time (a rare shape: filters not a multiple of 4)
    (if (i32.lt_u (local.get $o) (local.get $bytes))
      (then
        (loop $tailTap
          (call $tapTileTail (i32.add (local.get $zp) (local.get $o)) (local.get $lists)
            (i32.add (local.get $lists) (i32.shl (i32.load (local.get $counts)) (i32.const 3)))
            (i32.add (local.get $base) (local.get $o)) (i32.sub (local.get $bytes) (local.get $o)))
          (local.set $lists (i32.add (local.get $lists) (local.get $listBytes)))
          (local.set $counts (i32.add (local.get $counts) (i32.const 4)))
          (local.set $base (i32.add (local.get $base) (local.get $tapBytes)))
          (br_if $tailTap (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))))

  (func $tapsTile32 (param $zp i32) (param $lists i32) (param $counts i32) (param $n i32)
    (param $base i32) (param $tapBytes i32) (param $listBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $s v128) (local $row i32) (local $e i32) (local $end i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (local.set $a2 (v128.load offset=32 (local.get $zp)))
    (local.set $a3 (v128.load offset=48 (local.get $zp)))
    (local.set $a4 (v128.load offset=64 (local.get $zp)))
    (local.set $a5 (v128.load offset=80 (local.get $zp)))
    (local.set $a6 (v128.load offset=96 (local.get $zp)))
    (local.set $a7 (v128.load offset=112 (local.get $zp)))
    (loop $tap
      (local.set $e (local.get $lists))
      (local.set $end (i32.add (local.get $e) (i32.shl (i32.load (local.get $counts)) (i32.const 3))))
      (block $done
        (loop $entry
          (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=0 (local.get $row)) (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=16 (local.get $row)) (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=32 (local.get $row)) (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=48 (local.get $row)) (local.get $a3)))
          (local.set $a4 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=64 (local.get $row)) (local.get $a4)))
          (local.set $a5 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=80 (local.get $row)) (local.get $a5)))
          (local.set $a6 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=96 (local.get $row)) (local.get $a6)))
          (local.set $a7 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=112 (local.get $row)) (local.get $a7)))
          (local.set $e (i32.add (local.get $e) (i32.const 8)))
          (br $entry)))
      (local.set $lists (i32.add (local.get $lists) (local.get $listBytes)))
      (local.set $counts (i32.add (local.get $counts) (i32.const 4)))
      (local.set $base (i32.add (local.get $base) (local.get $tapBytes)))
      (br_if $tap (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1))
    (v128.store offset=32 (local.get $zp) (local.get $a2))
    (v128.store offset=48 (local.get $zp) (local.get $a3))
    (v128.store offset=64 (local.get $zp) (local.get $a4))
    (v128.store offset=80 (local.get $zp) (local.get $a5))
    (v128.store offset=96 (local.get $zp) (local.get $a6))
    (v128.store offset=112 (local.get $zp) (local.get $a7)))

  (func $tapsTile24 (param $zp i32) (param $lists i32) (param $counts i32) (param $n i32)
    (param $base i32) (param $tapBytes i32) (param $listBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $s v128) (local $row i32) (local $e i32) (local $end i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (local.set $a2 (v128.load offset=32 (local.get $zp)))
    (local.set $a3 (v128.load offset=48 (local.get $zp)))
    (local.set $a4 (v128.load offset=64 (local.get $zp)))
    (local.set $a5 (v128.load offset=80 (local.get $zp)))
    (loop $tap
      (local.set $e (local.get $lists))
      (local.set $end (i32.add (local.get $e) (i32.shl (i32.load (local.get $counts)) (i32.const 3))))
      (block $done
        (loop $entry
          (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=0 (local.get $row)) (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=16 (local.get $row)) (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=32 (local.get $row)) (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=48 (local.get $row)) (local.get $a3)))
          (local.set $a4 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=64 (local.get $row)) (local.get $a4)))
          (local.set $a5 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=80 (local.get $row)) (local.get $a5)))
          (local.set $e (i32.add (local.get $e) (i32.const 8)))
          (br $entry)))
      (local.set $lists (i32.add (local.get $lists) (local.get $listBytes)))
      (local.set $counts (i32.add (local.get $counts) (i32.const 4)))
      (local.set $base (i32.add (local.get $base) (local.get $tapBytes)))
      (br_if $tap (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1))
    (v128.store offset=32 (local.get $zp) (local.get $a2))
    (v128.store offset=48 (local.get $zp) (local.get $a3))
    (v128.store offset=64 (local.get $zp) (local.get $a4))
    (v128.store offset=80 (local.get $zp) (local.get $a5)))

  (func $tapsTile16 (param $zp i32) (param $lists i32) (param $counts i32) (param $n i32)
    (param $base i32) (param $tapBytes i32) (param $listBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s v128) (local $row i32) (local $e i32) (local $end i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (local.set $a2 (v128.load offset=32 (local.get $zp)))
    (local.set $a3 (v128.load offset=48 (local.get $zp)))
    (loop $tap
      (local.set $e (local.get $lists))
      (local.set $end (i32.add (local.get $e) (i32.shl (i32.load (local.get $counts)) (i32.const 3))))
      (block $done
        (loop $entry
          (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=0 (local.get $row)) (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=16 (local.get $row)) (local.get $a1)))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=32 (local.get $row)) (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=48 (local.get $row)) (local.get $a3)))
          (local.set $e (i32.add (local.get $e) (i32.const 8)))
          (br $entry)))
      (local.set $lists (i32.add (local.get $lists) (local.get $listBytes)))
      (local.set $counts (i32.add (local.get $counts) (i32.const 4)))
      (local.set $base (i32.add (local.get $base) (local.get $tapBytes)))
      (br_if $tap (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1))
    (v128.store offset=32 (local.get $zp) (local.get $a2))
    (v128.store offset=48 (local.get $zp) (local.get $a3)))

  (func $tapsTile8 (param $zp i32) (param $lists i32) (param $counts i32) (param $n i32)
    (param $base i32) (param $tapBytes i32) (param $listBytes i32)
    (local $a0 v128) (local $a1 v128) (local $s v128) (local $row i32) (local $e i32) (local $end i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (loop $tap
      (local.set $e (local.get $lists))
      (local.set $end (i32.add (local.get $e) (i32.shl (i32.load (local.get $counts)) (i32.const 3))))
      (block $done
        (loop $entry
          (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=0 (local.get $row)) (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=16 (local.get $row)) (local.get $a1)))
          (local.set $e (i32.add (local.get $e) (i32.const 8)))
          (br $entry)))
      (local.set $lists (i32.add (local.get $lists) (local.get $listBytes)))
      (local.set $counts (i32.add (local.get $counts) (i32.const 4)))
      (local.set $base (i32.add (local.get $base) (local.get $tapBytes)))
      (br_if $tap (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1)))

  (func $tapsTile4 (param $zp i32) (param $lists i32) (param $counts i32) (param $n i32)
    (param $base i32) (param $tapBytes i32) (param $listBytes i32)
    (local $a0 v128) (local $s v128) (local $row i32) (local $e i32) (local $end i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (loop $tap
      (local.set $e (local.get $lists))
      (local.set $end (i32.add (local.get $e) (i32.shl (i32.load (local.get $counts)) (i32.const 3))))
      (block $done
        (loop $entry
          (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $s (v128.load32_splat (local.get $e)))
          (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s)
            (v128.load offset=0 (local.get $row)) (local.get $a0)))
          (local.set $e (i32.add (local.get $e) (i32.const 8)))
          (br $entry)))
      (local.set $lists (i32.add (local.get $lists) (local.get $listBytes)))
      (local.set $counts (i32.add (local.get $counts) (i32.const 4)))
      (local.set $base (i32.add (local.get $base) (local.get $tapBytes)))
      (br_if $tap (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (v128.store offset=0 (local.get $zp) (local.get $a0)))

  ;; zp[0..bytes) += sum over the list [e, end) of value * (base + row offset)[0..bytes): the
  ;; row cut into tiles of 32 floats while they last, then at most one of 24, 16, 8 and 4
  ;; floats, then the last 1..3; each tile's accumulators stay in registers while the whole list
  ;; streams past. (One accumulator alone waits on its own multiply-add at every entry: the 24
  ;; channels of the fast recipe's conv3x32 took six such passes before the 24-float tile.)
  (func $tapTiles (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (param $bytes i32)
    (local $o i32)
    (block $tiles32Done
      (loop $tile32
        (br_if $tiles32Done (i32.gt_u (i32.add (local.get $o) (i32.const 128)) (local.get $bytes)))
        (call $tapTile32 (i32.add (local.get $zp) (local.get $o)) (local.get $e) (local.get $end)
          (i32.add (local.get $base) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 128)))
        (br $tile32)))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 96)) (local.get $bytes))
      (then
        (call $tapTile24 (i32.add (local.get $zp) (local.get $o)) (local.get $e) (local.get $end)
          (i32.add (local.get $base) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 96)))))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 64)) (local.get $bytes))
      (then
        (call $tapTile16 (i32.add (local.get $zp) (local.get $o)) (local.get $e) (local.get $end)
          (i32.add (local.get $base) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 32)) (local.get $bytes))
      (then
        (call $tapTile8 (i32.add (local.get $zp) (local.get $o)) (local.get $e) (local.get $end)
          (i32.add (local.get $base) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 16)) (local.get $bytes))
      (then
        (call $tapTile4 (i32.add (local.get $zp) (local.get $o)) (local.get $e) (local.get $end)
          (i32.add (local.get $base) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))))
    (if (i32.lt_u (local.get $o) (local.get $bytes))
      (then (call $tapTileTail (i32.add (local.get $zp) (local.get $o)) (local.get $e)
        (local.get $end) (i32.add (local.get $base) (local.get $o))
        (i32.sub (local.get $bytes) (local.get $o))))))

  ;; zp[tile] += sum over the list [e, end) of value * (base + row offset)[tile], for a tile
  ;; of 32, 24, 16, 8 or 4 floats (8 to 1 accumulators), or the last rest/4 floats of a row
  ;; (only those stored).
  (func $tapTile32 (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $s v128) (local $row i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (local.set $a2 (v128.load offset=32 (local.get $zp)))
    (local.set $a3 (v128.load offset=48 (local.get $zp)))
    (local.set $a4 (v128.load offset=64 (local.get $zp)))
    (local.set $a5 (v128.load offset=80 (local.get $zp)))
    (local.set $a6 (v128.load offset=96 (local.get $zp)))
    (local.set $a7 (v128.load offset=112 (local.get $zp)))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $e)))
        (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
          (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
          (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
          (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
          (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $s) (v128.load offset=64 (local.get $row))
          (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (local.get $s) (v128.load offset=80 (local.get $row))
          (local.get $a5)))
        (local.set $a6 (f32x4.relaxed_madd (local.get $s) (v128.load offset=96 (local.get $row))
          (local.get $a6)))
        (local.set $a7 (f32x4.relaxed_madd (local.get $s) (v128.load offset=112 (local.get $row))
          (local.get $a7)))
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $entry)))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1))
    (v128.store offset=32 (local.get $zp) (local.get $a2))
    (v128.store offset=48 (local.get $zp) (local.get $a3))
    (v128.store offset=64 (local.get $zp) (local.get $a4))
    (v128.store offset=80 (local.get $zp) (local.get $a5))
    (v128.store offset=96 (local.get $zp) (local.get $a6))
    (v128.store offset=112 (local.get $zp) (local.get $a7)))

  (func $tapTile24 (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $s v128) (local $row i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (local.set $a2 (v128.load offset=32 (local.get $zp)))
    (local.set $a3 (v128.load offset=48 (local.get $zp)))
    (local.set $a4 (v128.load offset=64 (local.get $zp)))
    (local.set $a5 (v128.load offset=80 (local.get $zp)))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $e)))
        (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
          (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
          (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
          (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
          (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $s) (v128.load offset=64 (local.get $row))
          (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (local.get $s) (v128.load offset=80 (local.get $row))
          (local.get $a5)))
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $entry)))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1))
    (v128.store offset=32 (local.get $zp) (local.get $a2))
    (v128.store offset=48 (local.get $zp) (local.get $a3))
    (v128.store offset=64 (local.get $zp) (local.get $a4))
    (v128.store offset=80 (local.get $zp) (local.get $a5)))

  (func $tapTile16 (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s v128) (local $row i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (local.set $a2 (v128.load offset=32 (local.get $zp)))
    (local.set $a3 (v128.load offset=48 (local.get $zp)))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $e)))
        (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
          (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
          (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $s) (v128.load offset=32 (local.get $row))
          (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $s) (v128.load offset=48 (local.get $row))
          (local.get $a3)))
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $entry)))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1))
    (v128.store offset=32 (local.get $zp) (local.get $a2))
    (v128.store offset=48 (local.get $zp) (local.get $a3)))

  (func $tapTile8 (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (local $a0 v128) (local $a1 v128) (local $s v128) (local $row i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (local.set $a1 (v128.load offset=16 (local.get $zp)))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $e)))
        (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
          (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $row))
          (local.get $a1)))
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $entry)))
    (v128.store offset=0 (local.get $zp) (local.get $a0))
    (v128.store offset=16 (local.get $zp) (local.get $a1)))

  (func $tapTile4 (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (local $a0 v128) (local $s v128) (local $row i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $e)))
        (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
          (local.get $a0)))
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $entry)))
    (v128.store offset=0 (local.get $zp) (local.get $a0)))

  (func $tapTileTail (param $zp i32) (param $e i32) (param $end i32) (param $base i32)
    (param $rest i32)
    (local $a0 v128) (local $s v128) (local $row i32)
    (local.set $a0 (v128.load offset=0 (local.get $zp)))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $e)))
        (local.set $row (i32.add (local.get $base) (i32.load offset=4 (local.get $e))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $row))
          (local.get $a0)))
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $entry)))
    (call $storeFirstLanes (local.get $zp) (local.get $a0) (local.get $rest)))

  (func (export "im2col")
    (param $x i32) (param $col i32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $kernel i32)
    (param $pad i32) (param $outHeight i32) (param $outWidth i32)
    (call $patches (local.get $x) (local.get $col) (local.get $samples)
      (local.get $height) (local.get $width) (local.get $channels) (local.get $kernel)
      (local.get $pad) (local.get $outHeight) (local.get $outWidth) (i32.const 0)))

  (func (export "col2im")
    (param $col i32) (param $dx i32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $kernel i32)
    (param $pad i32) (param $outHeight i32) (param $outWidth i32)
    (call $patches (local.get $dx) (local.get $col) (local.get $samples)
      (local.get $height) (local.get $width) (local.get $channels) (local.get $kernel)
      (local.get $pad) (local.get $outHeight) (local.get $outWidth) (i32.const 1)))

  ;; values[0..n) = bytes[0..n) / 255: pixels to network inputs. Each byte is divided by 255 in
  ;; single precision (one correctly rounded division): exactly Math.fround(byte / 255), as
  ;; JavaScript computes it, for all 256 bytes (checked by the tests). 16 bytes a round.
  (func (export "bytesToUnit") (param $bytes i32) (param $values i32) (param $n i32)
    (local $end i32) (local $vecEnd i32) (local $b v128) (local $h v128) (local $q v128)
    (local $scale v128)
    (local.set $scale (v128.const f32x4 255 255 255 255))
    (local.set $end (i32.add (local.get $bytes) (local.get $n)))
    (local.set $vecEnd (i32.add (local.get $bytes) (i32.and (local.get $n) (i32.const -16))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $bytes) (local.get $vecEnd)))
        (local.set $b (v128.load (local.get $bytes)))
        (if (v128.any_true (local.get $b))
          (then
            ;; bytes 0..7, then 8..15, as eight 16-bit lanes; each four as 32-bit lanes, as
            ;; floats, divided by 255.
            (local.set $h (i16x8.extend_low_i8x16_u (local.get $b)))
            (local.set $q (i32x4.extend_low_i16x8_u (local.get $h)))
            (v128.store offset=0 (local.get $values)
              (f32x4.div (f32x4.convert_i32x4_u (local.get $q)) (local.get $scale)))
            (local.set $q (i32x4.extend_high_i16x8_u (local.get $h)))
            (v128.store offset=16 (local.get $values)
              (f32x4.div (f32x4.convert_i32x4_u (local.get $q)) (local.get $scale)))
            (local.set $h (i16x8.extend_high_i8x16_u (local.get $b)))
            (local.set $q (i32x4.extend_low_i16x8_u (local.get $h)))
            (v128.store offset=32 (local.get $values)
              (f32x4.div (f32x4.convert_i32x4_u (local.get $q)) (local.get $scale)))
            (local.set $q (i32x4.extend_high_i16x8_u (local.get $h)))
            (v128.store offset=48 (local.get $values)
              (f32x4.div (f32x4.convert_i32x4_u (local.get $q)) (local.get $scale))))
          (else
            ;; Background (most of a digit's border): sixteen zeros.
            (v128.store offset=0 (local.get $values) (local.get $b))
            (v128.store offset=16 (local.get $values) (local.get $b))
            (v128.store offset=32 (local.get $values) (local.get $b))
            (v128.store offset=48 (local.get $values) (local.get $b))))
        (local.set $bytes (i32.add (local.get $bytes) (i32.const 16)))
        (local.set $values (i32.add (local.get $values) (i32.const 64)))
        (br $vec)))
    (block $done
      (loop $single
        (br_if $done (i32.ge_u (local.get $bytes) (local.get $end)))
        (f32.store (local.get $values)
          (f32.div (f32.convert_i32_u (i32.load8_u (local.get $bytes))) (f32.const 255)))
        (local.set $bytes (i32.add (local.get $bytes) (i32.const 1)))
        (local.set $values (i32.add (local.get $values) (i32.const 4)))
        (br $single))))

  ;; dst[0..n) += src[0..n): the second half-batch's gradient added to the first's.
  (func (export "addInto") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $vecEnd i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $dst)
      (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $dst) (local.get $vecEnd)))
        (v128.store (local.get $dst)
          (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst)
          (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $scalar))))

  ;; ReLU and its derivative over n floats, with the TS reference's exact semantics (x < 0
  ;; becomes 0, so -0 and NaN pass; the gradient is zeroed where the output is <= 0).
  (func (export "relu") (param $v i32) (param $n i32)
    (local $end i32) (local $vecEnd i32) (local $x v128)
    (local.set $end (i32.add (local.get $v) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $v)
      (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $v) (local.get $vecEnd)))
        (local.set $x (v128.load (local.get $v)))
        (v128.store (local.get $v) (v128.andnot (local.get $x)
          (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
        (if (f32.lt (f32.load (local.get $v)) (f32.const 0))
          (then (f32.store (local.get $v) (f32.const 0))))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $scalar))))

  (func (export "reluGrad") (param $delta i32) (param $a i32) (param $n i32)
    (local $end i32) (local $vecEnd i32)
    (local.set $end (i32.add (local.get $delta) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $delta)
      (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $delta) (local.get $vecEnd)))
        (v128.store (local.get $delta) (v128.andnot (v128.load (local.get $delta))
          (f32x4.le (v128.load (local.get $a)) (v128.const f32x4 0 0 0 0))))
        (local.set $delta (i32.add (local.get $delta) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $delta) (local.get $end)))
        (if (f32.le (f32.load (local.get $a)) (f32.const 0))
          (then (f32.store (local.get $delta) (f32.const 0))))
        (local.set $delta (i32.add (local.get $delta) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br $scalar))))

  ;; 2x2 max pooling, stride 2, over channels-last images, four channels per vector where
  ;; they come in fours. forward = 1: y = the max of each window (the first of equals, by
  ;; strict compares like the TS reference). forward = 0: dx = dy routed to the first input
  ;; that equals its window's y, zero elsewhere (the odd last row or column zeroed first).
  (func $pool
    (param $x i32) (param $y i32) (param $dy i32) (param $dx i32) (param $batch i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $forward i32)
    (local $rowBytes i32) (local $imageBytes i32) (local $pixelBytes i32) (local $vecBytes i32)
    (local $outHeight i32) (local $outWidth i32) (local $oy i32) (local $ox i32) (local $c i32)
    (local $p i32) (local $q i32) (local $d i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $m v128)
    (local $g v128) (local $taken v128) (local $mk v128)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $best f32)
    (local $gs f32) (local $which i32)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $pixelBytes) (i32.const -16)))
    (local.set $rowBytes (i32.mul (local.get $width) (local.get $pixelBytes)))
    (local.set $imageBytes (i32.mul (local.get $height) (local.get $rowBytes)))
    (local.set $outHeight (i32.shr_u (local.get $height) (i32.const 1)))
    (local.set $outWidth (i32.shr_u (local.get $width) (i32.const 1)))
    (if (i32.and (i32.eqz (local.get $forward))
          (i32.and (i32.or (local.get $height) (local.get $width)) (i32.const 1)))
      (then (memory.fill (local.get $dx) (i32.const 0)
        (i32.mul (local.get $batch) (local.get $imageBytes)))))
    (block $samplesDone
      (loop $sample
        (br_if $samplesDone (i32.eqz (local.get $batch)))
        (local.set $oy (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outHeight)))
            (local.set $ox (i32.const 0))
            (block $columnsDone
              (loop $column
                (br_if $columnsDone (i32.ge_u (local.get $ox) (local.get $outWidth)))
                ;; p: top left input of the window, q: its byte offset in dx (x and dx
                ;; share a layout), c: byte offset of the channel
                (local.set $q (i32.add (i32.mul (i32.shl (local.get $oy) (i32.const 1))
                  (local.get $rowBytes))
                  (i32.mul (i32.shl (local.get $ox) (i32.const 1)) (local.get $pixelBytes))))
                (local.set $p (i32.add (local.get $x) (local.get $q)))
                (local.set $c (i32.const 0))
                (block $vecDone
                  (loop $vec
                    (br_if $vecDone (i32.ge_u (local.get $c) (local.get $vecBytes)))
                    (local.set $d (i32.add (local.get $p) (local.get $c)))
                    (local.set $x0 (v128.load (local.get $d)))
                    (local.set $x1 (v128.load (i32.add (local.get $d) (local.get $pixelBytes))))
                    (local.set $d (i32.add (local.get $d) (local.get $rowBytes)))
                    (local.set $x2 (v128.load (local.get $d)))
                    (local.set $x3 (v128.load (i32.add (local.get $d) (local.get $pixelBytes))))
                    (if (local.get $forward)
                      (then
                        (local.set $m (local.get $x0))
                        (local.set $m (v128.bitselect (local.get $x1) (local.get $m)
                          (f32x4.gt (local.get $x1) (local.get $m))))
                        (local.set $m (v128.bitselect (local.get $x2) (local.get $m)
                          (f32x4.gt (local.get $x2) (local.get $m))))
                        (local.set $m (v128.bitselect (local.get $x3) (local.get $m)
                          (f32x4.gt (local.get $x3) (local.get $m))))
                        (v128.store (local.get $y) (local.get $m)))
                      (else
                        (local.set $m (v128.load (local.get $y)))
                        (local.set $g (v128.load (local.get $dy)))
                        (local.set $d (i32.add (i32.add (local.get $dx) (local.get $q))
                          (local.get $c)))
                        (local.set $taken (f32x4.eq (local.get $x0) (local.get $m)))
                        (v128.store (local.get $d) (v128.and (local.get $g) (local.get $taken)))
                        (local.set $mk (v128.andnot
                          (f32x4.eq (local.get $x1) (local.get $m)) (local.get $taken)))
                        (v128.store (i32.add (local.get $d) (local.get $pixelBytes))
                          (v128.and (local.get $g) (local.get $mk)))
                        (local.set $taken (v128.or (local.get $taken) (local.get $mk)))
                        (local.set $d (i32.add (local.get $d) (local.get $rowBytes)))
                        (local.set $mk (v128.andnot
                          (f32x4.eq (local.get $x2) (local.get $m)) (local.get $taken)))
                        (v128.store (local.get $d) (v128.and (local.get $g) (local.get $mk)))
                        (local.set $taken (v128.or (local.get $taken) (local.get $mk)))
                        (v128.store (i32.add (local.get $d) (local.get $pixelBytes))
                          (v128.andnot (local.get $g) (local.get $taken)))
                        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))))
                    (local.set $y (i32.add (local.get $y) (i32.const 16)))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $vec)))
                (block $scalarDone
                  (loop $scalar
                    (br_if $scalarDone (i32.ge_u (local.get $c) (local.get $pixelBytes)))
                    (local.set $d (i32.add (local.get $p) (local.get $c)))
                    (local.set $s0 (f32.load (local.get $d)))
                    (local.set $s1 (f32.load (i32.add (local.get $d) (local.get $pixelBytes))))
                    (local.set $d (i32.add (local.get $d) (local.get $rowBytes)))
                    (local.set $s2 (f32.load (local.get $d)))
                    (local.set $s3 (f32.load (i32.add (local.get $d) (local.get $pixelBytes))))
                    (if (local.get $forward)
                      (then
                        (local.set $best (local.get $s0))
                        (if (f32.gt (local.get $s1) (local.get $best))
                          (then (local.set $best (local.get $s1))))
                        (if (f32.gt (local.get $s2) (local.get $best))
                          (then (local.set $best (local.get $s2))))
                        (if (f32.gt (local.get $s3) (local.get $best))
                          (then (local.set $best (local.get $s3))))
                        (f32.store (local.get $y) (local.get $best)))
                      (else
                        (local.set $best (f32.load (local.get $y)))
                        (local.set $gs (f32.load (local.get $dy)))
                        (local.set $which (i32.const 3))
                        (if (f32.eq (local.get $s2) (local.get $best))
                          (then (local.set $which (i32.const 2))))
                        (if (f32.eq (local.get $s1) (local.get $best))
                          (then (local.set $which (i32.const 1))))
                        (if (f32.eq (local.get $s0) (local.get $best))
                          (then (local.set $which (i32.const 0))))
                        (local.set $d (i32.add (i32.add (local.get $dx) (local.get $q))
                          (local.get $c)))
                        (f32.store (local.get $d) (select (local.get $gs) (f32.const 0)
                          (i32.eq (local.get $which) (i32.const 0))))
                        (f32.store (i32.add (local.get $d) (local.get $pixelBytes))
                          (select (local.get $gs) (f32.const 0)
                            (i32.eq (local.get $which) (i32.const 1))))
                        (local.set $d (i32.add (local.get $d) (local.get $rowBytes)))
                        (f32.store (local.get $d) (select (local.get $gs) (f32.const 0)
                          (i32.eq (local.get $which) (i32.const 2))))
                        (f32.store (i32.add (local.get $d) (local.get $pixelBytes))
                          (select (local.get $gs) (f32.const 0)
                            (i32.eq (local.get $which) (i32.const 3))))
                        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))))
                    (local.set $y (i32.add (local.get $y) (i32.const 4)))
                    (local.set $c (i32.add (local.get $c) (i32.const 4)))
                    (br $scalar)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $column)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $row)))
        (local.set $x (i32.add (local.get $x) (local.get $imageBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $imageBytes)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $sample))))

  (func (export "maxPool")
    (param $x i32) (param $y i32) (param $batch i32)
    (param $height i32) (param $width i32) (param $channels i32)
    (call $pool (local.get $x) (local.get $y) (i32.const 0) (i32.const 0) (local.get $batch)
      (local.get $height) (local.get $width) (local.get $channels) (i32.const 1)))

  (func (export "maxPoolGrad")
    (param $x i32) (param $y i32) (param $dy i32) (param $dx i32) (param $batch i32)
    (param $height i32) (param $width i32) (param $channels i32)
    (call $pool (local.get $x) (local.get $y) (local.get $dy) (local.get $dx) (local.get $batch)
      (local.get $height) (local.get $width) (local.get $channels) (i32.const 0)))

  ;; SGD with momentum and L2 weight decay over n floats, in place:
  ;; g' = grad + weightDecay * param;  velocity = momentum * velocity - lr * g';
  ;; param += velocity.
  (func (export "sgdStep")
    (param $param i32) (param $grad i32) (param $velocity i32) (param $n i32)
    (param $lr f32) (param $momentum f32) (param $weightDecay f32)
    (local $end i32) (local $vecEnd i32) (local $p v128) (local $vel v128)
    (local $lrV v128) (local $momentumV v128) (local $decayV v128) (local $ps f32) (local $vs f32)
    (local.set $end (i32.add (local.get $param) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $param) (i32.shl (i32.and (local.get $n) (i32.const -4))
      (i32.const 2))))
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $momentumV (f32x4.splat (local.get $momentum)))
    (local.set $decayV (f32x4.splat (local.get $weightDecay)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $param) (local.get $vecEnd)))
        (local.set $p (v128.load (local.get $param)))
        (local.set $vel (f32x4.sub
          (f32x4.mul (local.get $momentumV) (v128.load (local.get $velocity)))
          (f32x4.mul (local.get $lrV) (f32x4.add (v128.load (local.get $grad))
            (f32x4.mul (local.get $decayV) (local.get $p))))))
        (v128.store (local.get $velocity) (local.get $vel))
        (v128.store (local.get $param) (f32x4.add (local.get $p) (local.get $vel)))
        (local.set $param (i32.add (local.get $param) (i32.const 16)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 16)))
        (local.set $velocity (i32.add (local.get $velocity) (i32.const 16)))
        (br $vec)))
    (block $scalarDone
      (loop $scalar
        (br_if $scalarDone (i32.ge_u (local.get $param) (local.get $end)))
        (local.set $ps (f32.load (local.get $param)))
        (local.set $vs (f32.sub
          (f32.mul (local.get $momentum) (f32.load (local.get $velocity)))
          (f32.mul (local.get $lr) (f32.add (f32.load (local.get $grad))
            (f32.mul (local.get $weightDecay) (local.get $ps))))))
        (f32.store (local.get $velocity) (local.get $vs))
        (f32.store (local.get $param) (f32.add (local.get $ps) (local.get $vs)))
        (local.set $param (i32.add (local.get $param) (i32.const 4)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 4)))
        (local.set $velocity (i32.add (local.get $velocity) (i32.const 4)))
        (br $scalar))))

  ;; AdamW over n floats, in place (constants derived by the caller):
  ;; m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
  ;; param -= lr * (m * invC1 / (sqrt(v * invC2) + eps) + weightDecay * param).
  (func (export "adamStep")
    (param $param i32) (param $grad i32) (param $m i32) (param $v i32) (param $n i32)
    (param $lr f32) (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32)
    (param $oneMinusBeta2 f32) (param $eps f32) (param $weightDecay f32)
    (param $invC1 f32) (param $invC2 f32)
    (call $adam (local.get $param) (local.get $grad) (local.get $m) (local.get $v) (local.get $n)
      (local.get $lr) (local.get $beta1) (local.get $oneMinusBeta1) (local.get $beta2)
      (local.get $oneMinusBeta2) (local.get $eps) (local.get $weightDecay) (local.get $invC1)
      (local.get $invC2)))

  (func $adam
    (param $param i32) (param $grad i32) (param $m i32) (param $v i32) (param $n i32)
    (param $lr f32) (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32)
    (param $oneMinusBeta2 f32) (param $eps f32) (param $weightDecay f32)
    (param $invC1 f32) (param $invC2 f32)
    (local $end i32) (local $vecEnd i32)
    (local $g v128) (local $mk v128) (local $vk v128) (local $p v128)
    (local $lrV v128) (local $beta1V v128) (local $oneMinusBeta1V v128) (local $beta2V v128)
    (local $oneMinusBeta2V v128) (local $epsV v128) (local $decayV v128) (local $invC1V v128)
    (local $invC2V v128)
    (local $gs f32) (local $ms f32) (local $vs f32) (local $ps f32)
    (local.set $end (i32.add (local.get $param) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $param) (i32.shl (i32.and (local.get $n) (i32.const -4))
      (i32.const 2))))
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $beta1V (f32x4.splat (local.get $beta1)))
    (local.set $oneMinusBeta1V (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $beta2V (f32x4.splat (local.get $beta2)))
    (local.set $oneMinusBeta2V (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $decayV (f32x4.splat (local.get $weightDecay)))
    (local.set $invC1V (f32x4.splat (local.get $invC1)))
    (local.set $invC2V (f32x4.splat (local.get $invC2)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $param) (local.get $vecEnd)))
        (local.set $g (v128.load (local.get $grad)))
        (local.set $mk (f32x4.add
          (f32x4.mul (local.get $beta1V) (v128.load (local.get $m)))
          (f32x4.mul (local.get $oneMinusBeta1V) (local.get $g))))
        (local.set $vk (f32x4.add
          (f32x4.mul (local.get $beta2V) (v128.load (local.get $v)))
          (f32x4.mul (f32x4.mul (local.get $oneMinusBeta2V) (local.get $g)) (local.get $g))))
        (v128.store (local.get $m) (local.get $mk))
        (v128.store (local.get $v) (local.get $vk))
        (local.set $p (v128.load (local.get $param)))
        (v128.store (local.get $param) (f32x4.sub (local.get $p) (f32x4.mul (local.get $lrV)
          (f32x4.add
            (f32x4.div
              (f32x4.mul (local.get $mk) (local.get $invC1V))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vk) (local.get $invC2V)))
                (local.get $epsV)))
            (f32x4.mul (local.get $decayV) (local.get $p))))))
        (local.set $param (i32.add (local.get $param) (i32.const 16)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $vec)))
    (block $scalarDone
      (loop $scalar
        (br_if $scalarDone (i32.ge_u (local.get $param) (local.get $end)))
        (local.set $gs (f32.load (local.get $grad)))
        (local.set $ms (f32.add
          (f32.mul (local.get $beta1) (f32.load (local.get $m)))
          (f32.mul (local.get $oneMinusBeta1) (local.get $gs))))
        (local.set $vs (f32.add
          (f32.mul (local.get $beta2) (f32.load (local.get $v)))
          (f32.mul (f32.mul (local.get $oneMinusBeta2) (local.get $gs)) (local.get $gs))))
        (f32.store (local.get $m) (local.get $ms))
        (f32.store (local.get $v) (local.get $vs))
        (local.set $ps (f32.load (local.get $param)))
        (f32.store (local.get $param) (f32.sub (local.get $ps) (f32.mul (local.get $lr)
          (f32.add
            (f32.div
              (f32.mul (local.get $ms) (local.get $invC1))
              (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $invC2)))
                (local.get $eps)))
            (f32.mul (local.get $weightDecay) (local.get $ps))))))
        (local.set $param (i32.add (local.get $param) (i32.const 4)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 4)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $scalar)))))
