"use strict";
/**
 * Single-precision GEMM over row-major `Float32Array`s, in the shape of a BLAS `sgemm` (Goto/BLIS
 * blocking): `C = alpha · op(A) · op(B) + beta · C`.
 *
 * - op(B) is cut into `KC × NC` blocks and packed into `NR`-column micro-panels, op(A) into
 *   `MC × KC` blocks of `MR`-row micro-panels, so the micro-kernel reads both operands contiguously
 *   whatever the transposes; edge panels are zero-padded.
 * - The `MR × NR` micro-kernel keeps its 16 partial sums in locals (registers) across a `KC` run,
 *   so each C element is read and written once per `KC` block, not once per multiply-add.
 * - Partial sums are JavaScript doubles, rounded to float32 when added into C: at least as accurate
 *   as a float32 BLAS, never less.
 *
 * Every operand takes an offset and a leading dimension, so the recurrent kernels can multiply
 * sub-blocks (one time step, one gate range) of bigger buffers without copies.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.sgemm = sgemm;
/** Rows of the micro-kernel tile. */
const MR = 4;
/** Columns of the micro-kernel tile. */
const NR = 4;
/** Depth of one packed block: a `KC × NR` panel of B (4 KiB) stays in L1 while A streams past. */
const KC = 256;
/** Rows of A per packed block (`MC × KC` floats = 128 KiB, L2-sized). */
const MC = 128;
/** Columns of B per packed block (`KC × NC` floats = 2 MiB at most). */
const NC = 2048;
// Packing buffers, reused by every call (the kernels are synchronous, so never shared concurrently).
const packedA = new Float32Array(MC * KC); // [MC/MR panels][KC][MR]
let packedB = new Float32Array(0); // [NC/NR panels][KC][NR], grown on demand
// Tile of an edge micro-kernel before it is clipped into C.
const edgeTile = new Float64Array(MR * NR); // [MR, NR]
/**
 * `C = alpha · op(A) · op(B) + beta · C` on sub-matrices of row-major buffers.
 * op(A) is `[M, K]`: `a[aOff + i·lda + k]`, or `a[aOff + k·lda + i]` when `transA`.
 * op(B) is `[K, N]`: `b[bOff + k·ldb + j]`, or `b[bOff + j·ldb + k]` when `transB`.
 * C is `[M, N]`: `c[cOff + i·ldc + j]`. With `beta = 0`, C is overwritten (NaN in C does not
 * propagate); with `K = 0` or `alpha = 0`, A and B are not read.
 */
function sgemm(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) {
    if (M <= 0 || N <= 0)
        return;
    scaleMatrix(M, N, beta, c, cOff, ldc);
    if (K <= 0 || alpha === 0)
        return;
    const ncMax = Math.min(NC, roundUp(N, NR));
    const kcMax = Math.min(KC, K);
    if (packedB.length < ncMax * kcMax)
        packedB = new Float32Array(ncMax * kcMax);
    for (let jc = 0; jc < N; jc += NC) {
        const nc = Math.min(NC, N - jc);
        for (let pc = 0; pc < K; pc += KC) {
            const kc = Math.min(KC, K - pc);
            packB(transB, b, bOff, ldb, pc, jc, kc, nc, packedB);
            for (let ic = 0; ic < M; ic += MC) {
                const mc = Math.min(MC, M - ic);
                packA(transA, a, aOff, lda, ic, pc, mc, kc, packedA);
                macroKernel(mc, nc, kc, alpha, packedA, packedB, c, cOff + ic * ldc + jc, ldc);
            }
        }
    }
}
function roundUp(n, multiple) {
    return Math.ceil(n / multiple) * multiple;
}
/** C ← beta · C, with beta = 0 writing zeros (so NaN/Inf already in C disappear, as in BLAS). */
function scaleMatrix(M, N, beta, c, cOff, ldc) {
    if (beta === 1)
        return;
    for (let i = 0; i < M; i++) {
        const row = cOff + i * ldc;
        if (beta === 0) {
            c.fill(0, row, row + N);
        }
        else {
            for (let j = row, end = row + N; j < end; j++)
                c[j] *= beta;
        }
    }
}
/** Packs rows [ic, ic+mc) × depth [pc, pc+kc) of op(A) into MR-row panels laid out [k][MR]. */
function packA(transA, a, aOff, lda, ic, pc, mc, kc, out) {
    let dst = 0;
    for (let ir = 0; ir < mc; ir += MR) {
        const rows = Math.min(MR, mc - ir);
        const i0 = ic + ir;
        if (transA) {
            // op(A)[i, k] = a[k·lda + i]: the MR rows of one k are adjacent in memory.
            for (let k = 0; k < kc; k++) {
                const src = aOff + (pc + k) * lda + i0;
                for (let r = 0; r < MR; r++)
                    out[dst++] = r < rows ? a[src + r] : 0;
            }
        }
        else {
            // op(A)[i, k] = a[i·lda + k]: walk MR rows side by side.
            const s0 = aOff + i0 * lda + pc;
            const s1 = s0 + lda;
            const s2 = s1 + lda;
            const s3 = s2 + lda;
            if (rows === MR) {
                for (let k = 0; k < kc; k++) {
                    out[dst] = a[s0 + k];
                    out[dst + 1] = a[s1 + k];
                    out[dst + 2] = a[s2 + k];
                    out[dst + 3] = a[s3 + k];
                    dst += MR;
                }
            }
            else {
                for (let k = 0; k < kc; k++) {
                    for (let r = 0; r < MR; r++)
                        out[dst++] = r < rows ? a[s0 + r * lda + k] : 0;
                }
            }
        }
    }
}
/** Packs depth [pc, pc+kc) × columns [jc, jc+nc) of op(B) into NR-column panels laid out [k][NR]. */
function packB(transB, b, bOff, ldb, pc, jc, kc, nc, out) {
    let dst = 0;
    for (let jr = 0; jr < nc; jr += NR) {
        const cols = Math.min(NR, nc - jr);
        const j0 = jc + jr;
        if (transB) {
            // op(B)[k, j] = b[j·ldb + k]: walk NR rows of b side by side.
            const s0 = bOff + j0 * ldb + pc;
            const s1 = s0 + ldb;
            const s2 = s1 + ldb;
            const s3 = s2 + ldb;
            if (cols === NR) {
                for (let k = 0; k < kc; k++) {
                    out[dst] = b[s0 + k];
                    out[dst + 1] = b[s1 + k];
                    out[dst + 2] = b[s2 + k];
                    out[dst + 3] = b[s3 + k];
                    dst += NR;
                }
            }
            else {
                for (let k = 0; k < kc; k++) {
                    for (let r = 0; r < NR; r++)
                        out[dst++] = r < cols ? b[s0 + r * ldb + k] : 0;
                }
            }
        }
        else {
            // op(B)[k, j] = b[k·ldb + j]: the NR columns of one k are adjacent in memory.
            for (let k = 0; k < kc; k++) {
                const src = bOff + (pc + k) * ldb + j0;
                for (let r = 0; r < NR; r++)
                    out[dst++] = r < cols ? b[src + r] : 0;
            }
        }
    }
}
/** C[mc, nc] += alpha · packedA[mc, kc] · packedB[kc, nc], one MR × NR tile at a time. */
function macroKernel(mc, nc, kc, alpha, pa, pb, c, cOff, ldc) {
    for (let jr = 0; jr < nc; jr += NR) {
        const cols = Math.min(NR, nc - jr);
        const bPanel = (jr / NR) * kc * NR;
        for (let ir = 0; ir < mc; ir += MR) {
            const rows = Math.min(MR, mc - ir);
            microKernel(kc, pa, (ir / MR) * kc * MR, pb, bPanel, alpha, c, cOff + ir * ldc + jr, ldc, rows, cols);
        }
    }
}
/** One MR × NR tile: 16 running sums in locals over the packed depth, then C += alpha · tile. */
function microKernel(kc, pa, ia, pb, ib, alpha, c, cOff, ldc, rows, cols) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let k = 0; k < kc; k++) {
        const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
        const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
        ia += MR;
        ib += NR;
    }
    if (rows === MR && cols === NR) {
        let o = cOff;
        c[o] += alpha * c00;
        c[o + 1] += alpha * c01;
        c[o + 2] += alpha * c02;
        c[o + 3] += alpha * c03;
        o += ldc;
        c[o] += alpha * c10;
        c[o + 1] += alpha * c11;
        c[o + 2] += alpha * c12;
        c[o + 3] += alpha * c13;
        o += ldc;
        c[o] += alpha * c20;
        c[o + 1] += alpha * c21;
        c[o + 2] += alpha * c22;
        c[o + 3] += alpha * c23;
        o += ldc;
        c[o] += alpha * c30;
        c[o + 1] += alpha * c31;
        c[o + 2] += alpha * c32;
        c[o + 3] += alpha * c33;
        return;
    }
    // Edge tile: park the sums, then write only the rows × cols that exist in C.
    const t = edgeTile;
    t[0] = c00;
    t[1] = c01;
    t[2] = c02;
    t[3] = c03;
    t[4] = c10;
    t[5] = c11;
    t[6] = c12;
    t[7] = c13;
    t[8] = c20;
    t[9] = c21;
    t[10] = c22;
    t[11] = c23;
    t[12] = c30;
    t[13] = c31;
    t[14] = c32;
    t[15] = c33;
    for (let r = 0; r < rows; r++) {
        const o = cOff + r * ldc;
        for (let j = 0; j < cols; j++)
            c[o + j] += alpha * t[r * NR + j];
    }
}
