// Row-major single-precision GEMM over OpenBLAS's cblas_sgemm, split over the scheduler's threads.
//
// c = alpha · op(a) · op(b) + beta · c, op(a) [M, K], op(b) [K, N], c [M, N], with leading
// dimensions so that kernels can multiply column blocks of a wider matrix (e.g. one gate block).
#pragma once

#include <string>

namespace rnn {

// Splits C in blocks of rows (or of columns when it is wider) by the call's policy
// (parallel.h); every block is one single-threaded OpenBLAS call.
void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

// Puts OpenBLAS on one thread for good: our own threads split the work, and OpenBLAS's pool, once
// woken, keeps spinning on the cores our threads need (two pools on the same cores).
void keep_blas_single_threaded();

// "OpenBLAS 0.3.21 …" from openblas_get_config().
std::string blas_description();

// Logical cores OpenBLAS sees.
int blas_cores();

}  // namespace rnn
