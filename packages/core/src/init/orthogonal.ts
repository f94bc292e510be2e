/**
 * Keras's Orthogonal initialiser, kept free of imports and of anything outside this file: besides
 * running here, it runs on a worker thread from its source text (see `background-init.ts`).
 */

/**
 * Keras's Orthogonal for a weight of `rows × cols`: a normal matrix `A [max(r, c), min(r, c)]`
 * (drawn with `rng` in A's row-major order), its QR with the signs of `diag(R)` folded into Q,
 * transposed when `r < c`. Gram–Schmidt yields exactly that Q (its R has a positive diagonal); it
 * runs twice per column in float64 so the columns stay orthogonal to rounding.
 *
 * Writes `out` as `[rows, cols]`, or with `transposed` as `[cols, rows]` (PyTorch's layout of a
 * Keras-layout weight). `A` is held column by column (`q [n, m]`, row j = column j of A), so every
 * pass is a contiguous, cache-friendly sweep; see `orthonormalizeColumns` for the order of
 * operations, which is exactly that of the textbook loop, so the values are bit-for-bit those of
 * the straightforward version.
 */
export function orthogonalValues(out: Float32Array, rows: number, cols: number, rng: { normal(): number }, transposed: boolean): void {
  if (out.length === 0) return;
  const m = Math.max(rows, cols); // rows of A
  const n = Math.min(rows, cols); // columns of A
  const q = new Float64Array(m * n); // [n, m]: q[j·m + i] = A[i, j]
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[j * m + i] = rng.normal();
  orthonormalizeColumns(q, m, n);
  // The weight is Qᵀ = q itself when rows < cols, else Q (q read by columns); `transposed` flips it.
  if ((rows < cols) !== transposed) {
    out.set(q);
    return;
  }
  for (let j = 0; j < n; j++) {
    const base = j * m;
    for (let i = 0; i < m; i++) out[i * n + j] = q[base + i];
  }
}

/**
 * Gram–Schmidt with one re-orthogonalisation, in place on the columns of `A [m, n]` held as the
 * rows of `q [n, m]`. Column j goes through, in this order: pass 0 — for k = 0 … j−1,
 * `d = Σᵢ q_k[i]·q_j[i]` (i ascending) then `q_j −= d·q_k`; pass 1 — the same again; then
 * `q_j /= ‖q_j‖` (`Σᵢ q_j[i]²`, i ascending). That is the textbook loop's exact sequence of float64
 * operations, scheduled differently for speed:
 *
 * - each subtraction sweep also accumulates the next operation's dot product (its element i is
 *   final as soon as it is written), so a column op is one sweep over m, not two;
 * - while column h runs its pass 1 over k = 0 … h−1, column h+1 runs its pass 0 over the same k in
 *   the same sweep (it needs only the finished columns 0 … h−1); two independent sums per sweep
 *   keep the CPU busy where one would wait on the previous addition. Column h+1 then takes its last
 *   pass-0 step, against column h, once h is normalised.
 *
 * O(m·n²) with contiguous access: LSTM(512)'s recurrent kernel ([2048, 512]) in about a second.
 */
export function orthonormalizeColumns(q: Float64Array, m: number, n: number): void {
  let headDot = 0; // Σ q_0 · q_h: the dot of the head's first pass-1 op, from the step before
  for (let h = 0; h < n; h++) {
    const ch = h * m; // the head column: pass 1, then normalised
    const cf = ch + m; // the follower column h + 1: pass 0
    const follower = h + 1 < n;
    let norm = 0;
    if (h === 0) {
      for (let i = 0; i < m; i++) norm += q[i] * q[i];
    } else {
      let dh = headDot;
      let df = 0; // follower's pass 0 starts against column 0
      if (follower) for (let i = 0; i < m; i++) df += q[i] * q[cf + i];
      for (let k = 0; k < h - 1; k++) {
        const ck = k * m;
        const cn = ck + m; // column k + 1: the next op's dot, for both
        let nh = 0;
        if (follower) {
          let nf = 0;
          for (let i = 0; i < m; i++) {
            const a = q[ck + i];
            const b = q[cn + i];
            const v = q[ch + i] - dh * a;
            q[ch + i] = v;
            nh += b * v;
            const w = q[cf + i] - df * a;
            q[cf + i] = w;
            nf += b * w;
          }
          df = nf;
        } else {
          for (let i = 0; i < m; i++) {
            const v = q[ch + i] - dh * q[ck + i];
            q[ch + i] = v;
            nh += q[cn + i] * v;
          }
        }
        dh = nh;
      }
      // Last op k = h − 1: the head's sweep accumulates its norm; the follower's has no next dot yet.
      const ck = (h - 1) * m;
      if (follower) {
        for (let i = 0; i < m; i++) {
          const a = q[ck + i];
          const v = q[ch + i] - dh * a;
          q[ch + i] = v;
          norm += v * v;
          q[cf + i] -= df * a;
        }
      } else {
        for (let i = 0; i < m; i++) {
          const v = q[ch + i] - dh * q[ck + i];
          q[ch + i] = v;
          norm += v * v;
        }
      }
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[ch + i] /= norm;
    if (follower) {
      // The follower's last pass-0 op, against the head just finished, fused with the dot of its
      // first pass-1 op (against column 0), which it needs as the next head.
      let d = 0;
      for (let i = 0; i < m; i++) d += q[ch + i] * q[cf + i];
      let next = 0;
      for (let i = 0; i < m; i++) {
        const w = q[cf + i] - d * q[ch + i];
        q[cf + i] = w;
        next += q[i] * w;
      }
      headDot = next;
    }
  }
}
