// Row-major single-precision GEMM over OpenBLAS's cblas_sgemm, plus the thread controls.
//
// c = alpha · op(a) · op(b) + beta · c, op(a) [M, K], op(b) [K, N], c [M, N], with leading
// dimensions so that kernels can multiply column blocks of a wider matrix (e.g. one gate block).
#pragma once

#include <string>

namespace rnn {

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

// Sets the OpenBLAS thread count used for large GEMMs; returns the count in force.
int set_blas_threads(int threads);

// The OpenBLAS thread count used for large GEMMs.
int blas_threads();

// Switches OpenBLAS to `threads` now (no-op when already there); for the batch-split region.
void set_current_blas_threads(int threads);

// GEMMs with M·N·K below this run on one thread (threads cost more than they save there).
long long single_thread_mnk_threshold();

// "OpenBLAS 0.3.21 …" from openblas_get_config().
std::string blas_description();

// Logical cores OpenBLAS sees.
int blas_cores();

}  // namespace rnn
