;; Softmax-entropy row kernel for @ares/entropy, WebAssembly SIMD (128-bit).
;;
;; Compiled by scripts/wasm/build.mjs into src/kernels/entropy-rows-wasm.generated.ts; the loader is
;; src/kernels/entropy-rows-wasm.ts. After editing this file run `node scripts/wasm/build.mjs` and commit both
;; files (a test recompiles this text and fails when the committed bytes differ).
;;
;; For each row z (vocab float32 values) and kappa = float32(log2(e) / T) the kernel computes
;;   m  = max_j z_j                                   (pseudo-max pass: NaN lanes are skipped here)
;;   t_j = max((z_j - m) * kappa, -127)               (t_j <= 0; -inf logits clamp to -127)
;;   e_j = 2^t_j                                      (exactly 0 for t_j <= -126.5, exactly 1 for t_j = 0)
;;   c   = #{j : e_j = 1},  r = sum_{e_j < 1} e_j,  u = sum_j e_j * t_j     (float64 accumulators)
;; and writes the triple (r, u, c) as three float64 at out + 24 * row. The caller finishes in float64:
;;   s = c + r,  H = (c = 1 ? log1p(r) : ln s) - ln(2) * u / s.
;; Keeping the exact ones (the maximum and its ties) out of the float32 partial sums keeps low-entropy rows
;; accurate: in a sum 1 + (small terms) float32 would round the small terms at 2^-24, an absolute error of
;; ~1e-7 in ln s that is large next to an entropy of 1e-4; r alone has no dominant term.
;; Rows whose maximum is +inf or -inf (a +inf logit, or only -inf logits) get (NaN, NaN, NaN) without the
;; second pass. A NaN logit is skipped by the maximum but turns e_j, and so s and u, into NaN in the second pass
;; (f32x4.pmax(NaN, -127) is NaN by definition), so such rows also end as NaN.
;;
;; 2^t: Cody-Waite style reduction t = n + f with n = round-to-nearest(t) and f in [-0.5, 0.5], computed with
;; the "shifter" 1.5 * 2^23 + 127: t + shifter rounds t to an integer, its low mantissa bits hold n + 127, so
;; a left shift by 23 gives the bits of the float 2^n directly (0 bits, i.e. +0.0, for n = -127), and
;; (t + shifter) - shifter is n as a float. f = t - n is exact. 2^f is a degree-6 polynomial with constant
;; term 1 (minimax for relative error on [-0.5, 0.5], approximation error 2.0e-9; Horner in float32 stays
;; within 1.2 ulp of 2^f). Coefficients from scripts/wasm/fit-exp2.py.
;;
;; Accumulation: the main loop takes 32 values (8 vectors) per iteration, adds the 8 vectors of e and of e*t
;; pairwise in float32 (three roundings per lane, all terms of one sign), and adds the 4 lanes of each group sum,
;; promoted to float64, to float64x2 accumulators. Values e = 1 are counted in an i32x4 instead of summed; since
;; a lane holding a 1 sums to >= 1, only groups with such a lane sum take the masking branch. Measured on one
;; core of a Xeon (Sapphire Rapids class) with the data already in memory: plain float32 grouping (inaccurate on
;; low-entropy rows) 4.05 GB/s; this branch 4.05 GB/s on LLM-like rows (branch almost never taken) and 3.2 GB/s
;; on uniform [-10, 10] rows (taken often); masking every group 3.6 GB/s; promoting every vector to float64
;; about 25 % slower than grouping.
;;
;; Constants live in mutable globals and are read into locals once per call: V8 (Node 20) re-materialises
;; v128.const values inside loops (three instructions per constant per iteration), which cost about 15 % here.
;;
;; The body of $pow2 is repeated inline eight times in the main loop (V8 does not inline the call; unrolling by
;; 8 measured 12 % faster than by 4, by 16 slower again); the remainder of each row (fewer than 32 values) goes
;; through $pow2 itself.
(module
  (memory (export "memory") 1)

  (global $shifter (mut v128) (v128.const f32x4 12583039 12583039 12583039 12583039))
  (global $lowest (mut v128) (v128.const f32x4 -127 -127 -127 -127))
  (global $one (mut v128) (v128.const f32x4 1 1 1 1))
  (global $c1 (mut v128) (v128.const f32x4 0.6931472028563582 0.6931472028563582 0.6931472028563582 0.6931472028563582))
  (global $c2 (mut v128) (v128.const f32x4 0.2402264791346316 0.2402264791346316 0.2402264791346316 0.2402264791346316))
  (global $c3 (mut v128) (v128.const f32x4 0.055503324687810086 0.055503324687810086 0.055503324687810086 0.055503324687810086))
  (global $c4 (mut v128) (v128.const f32x4 0.009618437368011665 0.009618437368011665 0.009618437368011665 0.009618437368011665))
  (global $c5 (mut v128) (v128.const f32x4 0.0013398875248107269 0.0013398875248107269 0.0013398875248107269 0.0013398875248107269))
  (global $c6 (mut v128) (v128.const f32x4 0.0001535336101399588 0.0001535336101399588 0.0001535336101399588 0.0001535336101399588))

  ;; 2^max(t, -127) lane-wise, for t <= 0 (or NaN, which stays NaN).
  (func $pow2 (param $t v128) (result v128)
    (local $n v128) (local $f v128) (local $p v128)
    (local.set $t (f32x4.pmax (local.get $t) (global.get $lowest)))
    (local.set $n (f32x4.add (local.get $t) (global.get $shifter)))
    (local.set $f (f32x4.sub (local.get $t) (f32x4.sub (local.get $n) (global.get $shifter))))
    (local.set $p (f32x4.add (f32x4.mul (global.get $c6) (local.get $f)) (global.get $c5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $c4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $c3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $c2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $c1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $one)))
    (f32x4.mul (local.get $p) (i32x4.shl (local.get $n) (i32.const 23))))

  ;; Test hook: out[i] = 2^max(in[i], -127) for i < count, computed 4 at a time (count rounded up to a
  ;; multiple of 4; the caller provides the room).
  (func (export "pow2") (param $in i32) (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (v128.store (local.get $out) (call $pow2 (v128.load (local.get $in))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next))))

  ;; rows x vocab float32 logits at $in; writes (r, u, c) as float64 triples at $out (see the top of the file).
  (func (export "entropy_rows")
    (param $in i32) (param $rows i32) (param $vocab i32) (param $kappa f32) (param $out i32)
    (local $row i32) (local $start i32) (local $p i32) (local $end i32) (local $end32 i32) (local $end16 i32)
    (local $end4 i32)
    (local $max f32) (local $z f32)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $v v128)
    (local $shift v128) (local $scale v128) (local $s v128) (local $u v128) (local $ones v128)
    ;; constants
    (local $shifter v128) (local $lowest v128) (local $one v128)
    (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128)
    ;; per-vector temporaries of the 8-way unrolled loop: t (exponent), n (shifted), f (fraction), e (2^t)
    (local $t0 v128) (local $n0 v128) (local $f0 v128) (local $e0 v128)
    (local $t1 v128) (local $n1 v128) (local $f1 v128) (local $e1 v128)
    (local $t2 v128) (local $n2 v128) (local $f2 v128) (local $e2 v128)
    (local $t3 v128) (local $n3 v128) (local $f3 v128) (local $e3 v128)
    (local $t4 v128) (local $n4 v128) (local $f4 v128) (local $e4 v128)
    (local $t5 v128) (local $n5 v128) (local $f5 v128) (local $e5 v128)
    (local $t6 v128) (local $n6 v128) (local $f6 v128) (local $e6 v128)
    (local $t7 v128) (local $n7 v128) (local $f7 v128) (local $e7 v128)
    (local.set $shifter (global.get $shifter))
    (local.set $lowest (global.get $lowest))
    (local.set $one (global.get $one))
    (local.set $c1 (global.get $c1))
    (local.set $c2 (global.get $c2))
    (local.set $c3 (global.get $c3))
    (local.set $c4 (global.get $c4))
    (local.set $c5 (global.get $c5))
    (local.set $c6 (global.get $c6))
    (local.set $scale (f32x4.splat (local.get $kappa)))
    (local.set $start (local.get $in))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $end (i32.add (local.get $start) (i32.shl (local.get $vocab) (i32.const 2))))
        (local.set $end16
          (i32.add (local.get $start) (i32.shl (i32.and (local.get $vocab) (i32.const -16)) (i32.const 2))))
        (local.set $end4
          (i32.add (local.get $start) (i32.shl (i32.and (local.get $vocab) (i32.const -4)) (i32.const 2))))
        (local.set $end32
          (i32.add (local.get $start) (i32.shl (i32.and (local.get $vocab) (i32.const -32)) (i32.const 2))))

        ;; Pass 1: maximum. pmax(acc, v) = acc < v ? v : acc never lets a NaN in.
        (local.set $m0 (f32x4.splat (f32.const -inf)))
        (local.set $m1 (local.get $m0))
        (local.set $m2 (local.get $m0))
        (local.set $m3 (local.get $m0))
        (local.set $p (local.get $start))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end16)))
            (local.set $m0 (f32x4.pmax (local.get $m0) (v128.load offset=0 (local.get $p))))
            (local.set $m1 (f32x4.pmax (local.get $m1) (v128.load offset=16 (local.get $p))))
            (local.set $m2 (f32x4.pmax (local.get $m2) (v128.load offset=32 (local.get $p))))
            (local.set $m3 (f32x4.pmax (local.get $m3) (v128.load offset=48 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (br $next)))
        (local.set $m0
          (f32x4.pmax (f32x4.pmax (local.get $m0) (local.get $m1)) (f32x4.pmax (local.get $m2) (local.get $m3))))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
            (local.set $m0 (f32x4.pmax (local.get $m0) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $next)))
        (local.set $max (f32x4.extract_lane 0 (local.get $m0)))
        (if (f32.gt (f32x4.extract_lane 1 (local.get $m0)) (local.get $max))
          (then (local.set $max (f32x4.extract_lane 1 (local.get $m0)))))
        (if (f32.gt (f32x4.extract_lane 2 (local.get $m0)) (local.get $max))
          (then (local.set $max (f32x4.extract_lane 2 (local.get $m0)))))
        (if (f32.gt (f32x4.extract_lane 3 (local.get $m0)) (local.get $max))
          (then (local.set $max (f32x4.extract_lane 3 (local.get $m0)))))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $z (f32.load (local.get $p)))
            (if (f32.gt (local.get $z) (local.get $max)) (then (local.set $max (local.get $z))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $next)))

        (if (f32.eq (f32.abs (local.get $max)) (f32.const inf))
          (then
            (f64.store offset=0 (local.get $out) (f64.const nan))
            (f64.store offset=8 (local.get $out) (f64.const nan))
            (f64.store offset=16 (local.get $out) (f64.const nan)))
          (else
            ;; Pass 2: r (accumulated in $s), u and c (in $ones).
            (local.set $shift (f32x4.splat (local.get $max)))
            (local.set $s (v128.const i64x2 0 0))
            (local.set $u (v128.const i64x2 0 0))
            (local.set $ones (v128.const i64x2 0 0))
            (local.set $p (local.get $start))
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $p) (local.get $end32)))
                (local.set $t0 (f32x4.mul (f32x4.sub (v128.load offset=0 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t1 (f32x4.mul (f32x4.sub (v128.load offset=16 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t2 (f32x4.mul (f32x4.sub (v128.load offset=32 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t3 (f32x4.mul (f32x4.sub (v128.load offset=48 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t4 (f32x4.mul (f32x4.sub (v128.load offset=64 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t5 (f32x4.mul (f32x4.sub (v128.load offset=80 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t6 (f32x4.mul (f32x4.sub (v128.load offset=96 (local.get $p)) (local.get $shift)) (local.get $scale)))
                (local.set $t7 (f32x4.mul (f32x4.sub (v128.load offset=112 (local.get $p)) (local.get $shift)) (local.get $scale)))
                ;; vector 0: e0 = 2^t0 (same steps as $pow2)
                (local.set $t0 (f32x4.pmax (local.get $t0) (local.get $lowest)))
                (local.set $n0 (f32x4.add (local.get $t0) (local.get $shifter)))
                (local.set $f0 (f32x4.sub (local.get $t0) (f32x4.sub (local.get $n0) (local.get $shifter))))
                (local.set $e0 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f0)) (local.get $c5)))
                (local.set $e0 (f32x4.add (f32x4.mul (local.get $e0) (local.get $f0)) (local.get $c4)))
                (local.set $e0 (f32x4.add (f32x4.mul (local.get $e0) (local.get $f0)) (local.get $c3)))
                (local.set $e0 (f32x4.add (f32x4.mul (local.get $e0) (local.get $f0)) (local.get $c2)))
                (local.set $e0 (f32x4.add (f32x4.mul (local.get $e0) (local.get $f0)) (local.get $c1)))
                (local.set $e0 (f32x4.add (f32x4.mul (local.get $e0) (local.get $f0)) (local.get $one)))
                (local.set $e0 (f32x4.mul (local.get $e0) (i32x4.shl (local.get $n0) (i32.const 23))))
                ;; vector 1: e1 = 2^t1 (same steps as $pow2)
                (local.set $t1 (f32x4.pmax (local.get $t1) (local.get $lowest)))
                (local.set $n1 (f32x4.add (local.get $t1) (local.get $shifter)))
                (local.set $f1 (f32x4.sub (local.get $t1) (f32x4.sub (local.get $n1) (local.get $shifter))))
                (local.set $e1 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f1)) (local.get $c5)))
                (local.set $e1 (f32x4.add (f32x4.mul (local.get $e1) (local.get $f1)) (local.get $c4)))
                (local.set $e1 (f32x4.add (f32x4.mul (local.get $e1) (local.get $f1)) (local.get $c3)))
                (local.set $e1 (f32x4.add (f32x4.mul (local.get $e1) (local.get $f1)) (local.get $c2)))
                (local.set $e1 (f32x4.add (f32x4.mul (local.get $e1) (local.get $f1)) (local.get $c1)))
                (local.set $e1 (f32x4.add (f32x4.mul (local.get $e1) (local.get $f1)) (local.get $one)))
                (local.set $e1 (f32x4.mul (local.get $e1) (i32x4.shl (local.get $n1) (i32.const 23))))
                ;; vector 2: e2 = 2^t2 (same steps as $pow2)
                (local.set $t2 (f32x4.pmax (local.get $t2) (local.get $lowest)))
                (local.set $n2 (f32x4.add (local.get $t2) (local.get $shifter)))
                (local.set $f2 (f32x4.sub (local.get $t2) (f32x4.sub (local.get $n2) (local.get $shifter))))
                (local.set $e2 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f2)) (local.get $c5)))
                (local.set $e2 (f32x4.add (f32x4.mul (local.get $e2) (local.get $f2)) (local.get $c4)))
                (local.set $e2 (f32x4.add (f32x4.mul (local.get $e2) (local.get $f2)) (local.get $c3)))
                (local.set $e2 (f32x4.add (f32x4.mul (local.get $e2) (local.get $f2)) (local.get $c2)))
                (local.set $e2 (f32x4.add (f32x4.mul (local.get $e2) (local.get $f2)) (local.get $c1)))
                (local.set $e2 (f32x4.add (f32x4.mul (local.get $e2) (local.get $f2)) (local.get $one)))
                (local.set $e2 (f32x4.mul (local.get $e2) (i32x4.shl (local.get $n2) (i32.const 23))))
                ;; vector 3: e3 = 2^t3 (same steps as $pow2)
                (local.set $t3 (f32x4.pmax (local.get $t3) (local.get $lowest)))
                (local.set $n3 (f32x4.add (local.get $t3) (local.get $shifter)))
                (local.set $f3 (f32x4.sub (local.get $t3) (f32x4.sub (local.get $n3) (local.get $shifter))))
                (local.set $e3 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f3)) (local.get $c5)))
                (local.set $e3 (f32x4.add (f32x4.mul (local.get $e3) (local.get $f3)) (local.get $c4)))
                (local.set $e3 (f32x4.add (f32x4.mul (local.get $e3) (local.get $f3)) (local.get $c3)))
                (local.set $e3 (f32x4.add (f32x4.mul (local.get $e3) (local.get $f3)) (local.get $c2)))
                (local.set $e3 (f32x4.add (f32x4.mul (local.get $e3) (local.get $f3)) (local.get $c1)))
                (local.set $e3 (f32x4.add (f32x4.mul (local.get $e3) (local.get $f3)) (local.get $one)))
                (local.set $e3 (f32x4.mul (local.get $e3) (i32x4.shl (local.get $n3) (i32.const 23))))
                ;; vector 4: e4 = 2^t4 (same steps as $pow2)
                (local.set $t4 (f32x4.pmax (local.get $t4) (local.get $lowest)))
                (local.set $n4 (f32x4.add (local.get $t4) (local.get $shifter)))
                (local.set $f4 (f32x4.sub (local.get $t4) (f32x4.sub (local.get $n4) (local.get $shifter))))
                (local.set $e4 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f4)) (local.get $c5)))
                (local.set $e4 (f32x4.add (f32x4.mul (local.get $e4) (local.get $f4)) (local.get $c4)))
                (local.set $e4 (f32x4.add (f32x4.mul (local.get $e4) (local.get $f4)) (local.get $c3)))
                (local.set $e4 (f32x4.add (f32x4.mul (local.get $e4) (local.get $f4)) (local.get $c2)))
                (local.set $e4 (f32x4.add (f32x4.mul (local.get $e4) (local.get $f4)) (local.get $c1)))
                (local.set $e4 (f32x4.add (f32x4.mul (local.get $e4) (local.get $f4)) (local.get $one)))
                (local.set $e4 (f32x4.mul (local.get $e4) (i32x4.shl (local.get $n4) (i32.const 23))))
                ;; vector 5: e5 = 2^t5 (same steps as $pow2)
                (local.set $t5 (f32x4.pmax (local.get $t5) (local.get $lowest)))
                (local.set $n5 (f32x4.add (local.get $t5) (local.get $shifter)))
                (local.set $f5 (f32x4.sub (local.get $t5) (f32x4.sub (local.get $n5) (local.get $shifter))))
                (local.set $e5 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f5)) (local.get $c5)))
                (local.set $e5 (f32x4.add (f32x4.mul (local.get $e5) (local.get $f5)) (local.get $c4)))
                (local.set $e5 (f32x4.add (f32x4.mul (local.get $e5) (local.get $f5)) (local.get $c3)))
                (local.set $e5 (f32x4.add (f32x4.mul (local.get $e5) (local.get $f5)) (local.get $c2)))
                (local.set $e5 (f32x4.add (f32x4.mul (local.get $e5) (local.get $f5)) (local.get $c1)))
                (local.set $e5 (f32x4.add (f32x4.mul (local.get $e5) (local.get $f5)) (local.get $one)))
                (local.set $e5 (f32x4.mul (local.get $e5) (i32x4.shl (local.get $n5) (i32.const 23))))
                ;; vector 6: e6 = 2^t6 (same steps as $pow2)
                (local.set $t6 (f32x4.pmax (local.get $t6) (local.get $lowest)))
                (local.set $n6 (f32x4.add (local.get $t6) (local.get $shifter)))
                (local.set $f6 (f32x4.sub (local.get $t6) (f32x4.sub (local.get $n6) (local.get $shifter))))
                (local.set $e6 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f6)) (local.get $c5)))
                (local.set $e6 (f32x4.add (f32x4.mul (local.get $e6) (local.get $f6)) (local.get $c4)))
                (local.set $e6 (f32x4.add (f32x4.mul (local.get $e6) (local.get $f6)) (local.get $c3)))
                (local.set $e6 (f32x4.add (f32x4.mul (local.get $e6) (local.get $f6)) (local.get $c2)))
                (local.set $e6 (f32x4.add (f32x4.mul (local.get $e6) (local.get $f6)) (local.get $c1)))
                (local.set $e6 (f32x4.add (f32x4.mul (local.get $e6) (local.get $f6)) (local.get $one)))
                (local.set $e6 (f32x4.mul (local.get $e6) (i32x4.shl (local.get $n6) (i32.const 23))))
                ;; vector 7: e7 = 2^t7 (same steps as $pow2)
                (local.set $t7 (f32x4.pmax (local.get $t7) (local.get $lowest)))
                (local.set $n7 (f32x4.add (local.get $t7) (local.get $shifter)))
                (local.set $f7 (f32x4.sub (local.get $t7) (f32x4.sub (local.get $n7) (local.get $shifter))))
                (local.set $e7 (f32x4.add (f32x4.mul (local.get $c6) (local.get $f7)) (local.get $c5)))
                (local.set $e7 (f32x4.add (f32x4.mul (local.get $e7) (local.get $f7)) (local.get $c4)))
                (local.set $e7 (f32x4.add (f32x4.mul (local.get $e7) (local.get $f7)) (local.get $c3)))
                (local.set $e7 (f32x4.add (f32x4.mul (local.get $e7) (local.get $f7)) (local.get $c2)))
                (local.set $e7 (f32x4.add (f32x4.mul (local.get $e7) (local.get $f7)) (local.get $c1)))
                (local.set $e7 (f32x4.add (f32x4.mul (local.get $e7) (local.get $f7)) (local.get $one)))
                (local.set $e7 (f32x4.mul (local.get $e7) (i32x4.shl (local.get $n7) (i32.const 23))))
                ;; u += e0 t0 + ... + e7 t7
                (local.set $v
                  (f32x4.add
                    (f32x4.add (f32x4.add (f32x4.mul (local.get $e0) (local.get $t0)) (f32x4.mul (local.get $e1) (local.get $t1)))
                      (f32x4.add (f32x4.mul (local.get $e2) (local.get $t2)) (f32x4.mul (local.get $e3) (local.get $t3))))
                    (f32x4.add (f32x4.add (f32x4.mul (local.get $e4) (local.get $t4)) (f32x4.mul (local.get $e5) (local.get $t5)))
                      (f32x4.add (f32x4.mul (local.get $e6) (local.get $t6)) (f32x4.mul (local.get $e7) (local.get $t7))))))
                (local.set $u (f64x2.add (local.get $u) (f64x2.promote_low_f32x4 (local.get $v))))
                (local.set $u (f64x2.add (local.get $u) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
                ;; s += e0 + ... + e7 (pairwise in float32, lanes promoted to float64), where values e = 1 are
                ;; counted in $ones instead. A lane holding a 1 sums to >= 1, so groups without such a lane (nearly all)
                ;; skip the masking.
                (local.set $v
                  (f32x4.add
                    (f32x4.add (f32x4.add (local.get $e0) (local.get $e1))
                      (f32x4.add (local.get $e2) (local.get $e3)))
                    (f32x4.add (f32x4.add (local.get $e4) (local.get $e5))
                      (f32x4.add (local.get $e6) (local.get $e7)))))
                (if (v128.any_true (f32x4.ge (local.get $v) (local.get $one)))
                  (then
                    (local.set $n0 (f32x4.eq (local.get $e0) (local.get $one)))
                    (local.set $n1 (f32x4.eq (local.get $e1) (local.get $one)))
                    (local.set $n2 (f32x4.eq (local.get $e2) (local.get $one)))
                    (local.set $n3 (f32x4.eq (local.get $e3) (local.get $one)))
                    (local.set $n4 (f32x4.eq (local.get $e4) (local.get $one)))
                    (local.set $n5 (f32x4.eq (local.get $e5) (local.get $one)))
                    (local.set $n6 (f32x4.eq (local.get $e6) (local.get $one)))
                    (local.set $n7 (f32x4.eq (local.get $e7) (local.get $one)))
                    (local.set $ones (i32x4.sub (local.get $ones)
                      (i32x4.add
                        (i32x4.add (i32x4.add (local.get $n0) (local.get $n1))
                          (i32x4.add (local.get $n2) (local.get $n3)))
                        (i32x4.add (i32x4.add (local.get $n4) (local.get $n5))
                          (i32x4.add (local.get $n6) (local.get $n7))))))
                    (local.set $v
                      (f32x4.add
                        (f32x4.add (f32x4.add (v128.andnot (local.get $e0) (local.get $n0)) (v128.andnot (local.get $e1) (local.get $n1)))
                          (f32x4.add (v128.andnot (local.get $e2) (local.get $n2)) (v128.andnot (local.get $e3) (local.get $n3))))
                        (f32x4.add (f32x4.add (v128.andnot (local.get $e4) (local.get $n4)) (v128.andnot (local.get $e5) (local.get $n5)))
                          (f32x4.add (v128.andnot (local.get $e6) (local.get $n6)) (v128.andnot (local.get $e7) (local.get $n7))))))))
                (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4 (local.get $v))))
                (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
                (local.set $p (i32.add (local.get $p) (i32.const 128)))
                (br $next)))
            ;; The last vocab mod 32 values, one vector at a time; a partial vector is padded with -inf (e = 0).
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
                (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 16))
                  (then (local.set $v (v128.load (local.get $p))))
                  (else
                    (local.set $v (f32x4.replace_lane 0 (f32x4.splat (f32.const -inf)) (f32.load (local.get $p))))
                    (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 8))
                      (then (local.set $v (f32x4.replace_lane 1 (local.get $v) (f32.load offset=4 (local.get $p))))))
                    (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 12))
                      (then (local.set $v (f32x4.replace_lane 2 (local.get $v) (f32.load offset=8 (local.get $p))))))))
                (local.set $t0 (f32x4.pmax
                  (f32x4.mul (f32x4.sub (local.get $v) (local.get $shift)) (local.get $scale)) (local.get $lowest)))
                (local.set $e0 (call $pow2 (local.get $t0)))
                (local.set $n0 (f32x4.eq (local.get $e0) (local.get $one)))
                (local.set $ones (i32x4.sub (local.get $ones) (local.get $n0)))
                (local.set $v (v128.andnot (local.get $e0) (local.get $n0)))
                (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4 (local.get $v))))
                (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
                (local.set $v (f32x4.mul (local.get $e0) (local.get $t0)))
                (local.set $u (f64x2.add (local.get $u) (f64x2.promote_low_f32x4 (local.get $v))))
                (local.set $u (f64x2.add (local.get $u) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $next)))
            (f64.store offset=0 (local.get $out)
              (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
            (f64.store offset=8 (local.get $out)
              (f64.add (f64x2.extract_lane 0 (local.get $u)) (f64x2.extract_lane 1 (local.get $u))))
            (f64.store offset=16 (local.get $out)
              (f64.convert_i32_u (i32.add
                (i32.add (i32x4.extract_lane 0 (local.get $ones)) (i32x4.extract_lane 1 (local.get $ones)))
                (i32.add (i32x4.extract_lane 2 (local.get $ones)) (i32x4.extract_lane 3 (local.get $ones))))))))
        (local.set $start (local.get $end))
        (local.set $out (i32.add (local.get $out) (i32.const 24)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop)))))
