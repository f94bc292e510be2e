#include "gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>

namespace rnn {

namespace {

// Threads for large GEMMs. Only changed by set_blas_threads (the addon serialises kernel calls, so
// the toggling in sgemm never races with another GEMM).
int g_threads = 1;

// Measured on a 2-core x86-64 VM with OpenBLAS 0.3.21 (pthreads), square and recurrent-step shapes:
// below ~1.5e5 multiply-adds, a second OpenBLAS thread costs more in wake-up than it saves.
// OpenBLAS's own cut-off (65536 · GEMM_MULTITHREAD_THRESHOLD) is close but build-dependent, so we
// decide explicitly.
constexpr long long kSingleThreadMnk = 150000;

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  if (beta == 0.0f) {
    // beta = 0 overwrites: clear first so NaN or Inf already in c can never leak through.
    for (int r = 0; r < M; ++r) std::memset(c + static_cast<std::size_t>(r) * ldc, 0, sizeof(float) * N);
  }
  const long long mnk = static_cast<long long>(M) * N * K;
  const bool single = g_threads > 1 && mnk < kSingleThreadMnk;
  if (single) openblas_set_num_threads(1);
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, M, N, K,
              alpha, a, lda, b, ldb, beta, c, ldc);
  if (single) openblas_set_num_threads(g_threads);
}

int set_blas_threads(int threads) {
  g_threads = std::max(1, threads);
  openblas_set_num_threads(g_threads);
  return g_threads;
}

int blas_threads() { return g_threads; }

long long single_thread_mnk_threshold() { return kSingleThreadMnk; }

std::string blas_description() {
  const char* config = openblas_get_config();
  return config != nullptr ? std::string(config) : std::string("OpenBLAS (no config string)");
}

int blas_cores() { return openblas_get_num_procs(); }

}  // namespace rnn
