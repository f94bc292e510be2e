#include "gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "parallel.h"

namespace rnn {

namespace {

void blas_sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda, const float* b,
                int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, M, N, K,
              alpha, a, lda, b, ldb, beta, c, ldc);
}

// Cuts of C fall on multiples of 16 where they can: OpenBLAS's panel widths.
constexpr int kCutAlign = 16;

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  if (beta == 0.0f && (K == 0 || alpha == 0.0f)) {
    // beta = 0 overwrites: OpenBLAS's beta pass stores zeros (never multiplies, so NaN or Inf in c
    // cannot leak); clear ourselves only where it may skip the product entirely.
    for (int r = 0; r < M; ++r) std::memset(c + static_cast<std::size_t>(r) * ldc, 0, sizeof(float) * N);
  }
  const bool by_rows = M >= N;
  const int extent = by_rows ? M : N;
  const int blocks = block_count(extent, static_cast<long long>(M) * N * K, gemm_block_macs());
  if (blocks == 1) {
    blas_sgemm(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  parallel_blocks(blocks, [&](int k) {
    const BlockRange r = block_range(extent, blocks, k, kCutAlign);
    const int n = r.end - r.begin;
    if (by_rows) {
      const float* a_rows = trans_a ? a + r.begin : a + static_cast<std::size_t>(r.begin) * lda;
      blas_sgemm(trans_a, trans_b, n, N, K, alpha, a_rows, lda, b, ldb, beta, c + static_cast<std::size_t>(r.begin) * ldc,
                 ldc);
    } else {
      const float* b_cols = trans_b ? b + static_cast<std::size_t>(r.begin) * ldb : b + r.begin;
      blas_sgemm(trans_a, trans_b, M, n, K, alpha, a, lda, b_cols, ldb, beta, c + r.begin, ldc);
    }
  });
}

void keep_blas_single_threaded() { openblas_set_num_threads(1); }

std::string blas_description() {
  const char* config = openblas_get_config();
  return config != nullptr ? std::string(config) : std::string("OpenBLAS (no config string)");
}

int blas_cores() { return openblas_get_num_procs(); }

}  // namespace rnn
