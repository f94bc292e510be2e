#include "gemm.h"

#include "parallel.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace rnn {

namespace {

// Threads for large GEMMs, and the count OpenBLAS is set to right now. sgemm switches lazily, only
// when a GEMM needs the other count: openblas_set_num_threads costs more than a small per-step GEMM
// computes (bench README, "Native constants"). Calls run one at a time (one kernel slot), so the
// switching never races with another GEMM.
std::atomic<int> g_threads{1};  // read by getNumThreads on any JS thread
int g_current = 1;

void use_threads(int threads) {
  if (threads == g_current) return;
  openblas_set_num_threads(threads);
  g_current = threads;
}

// GEMMs below this many multiply-adds (M·N·K) run on one thread: below it a second thread costs
// more than it saves (bench/gemm_thread_threshold.cc measures it; figures in the bench README).
// OpenBLAS's own cut-off is build-dependent and far lower, so we decide explicitly. The recurrent
// per-step GEMM [B, G·H] of typical layers stays below this; the big all-steps GEMMs over T·B rows
// use threads.
constexpr long long kSingleThreadMnk = 2'000'000;

}  // namespace

namespace {

void blas_sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda, const float* b,
                int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, M, N, K,
              alpha, a, lda, b, ldb, beta, c, ldc);
}

// Where to cut n (≥ 2) in two: near the middle, on a multiple of 16 (OpenBLAS's panel widths).
int half_point(int n) {
  const int cut = (n / 2 + 8) / 16 * 16;
  return cut > 0 && cut < n ? cut : n / 2;
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  if (beta == 0.0f && (K == 0 || alpha == 0.0f)) {
    // beta = 0 overwrites: OpenBLAS's beta pass stores zeros (never multiplies, so NaN or Inf in c
    // cannot leak); clear ourselves only where it may skip the product entirely.
    for (int r = 0; r < M; ++r) std::memset(c + static_cast<std::size_t>(r) * ldc, 0, sizeof(float) * N);
  }
  // Inside a batch split two threads call sgemm at once on one OpenBLAS thread each; the count was
  // set to 1 before the split and must not be touched (openblas_set_num_threads is process-global).
  if (in_split_region()) {
    blas_sgemm(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const long long mnk = static_cast<long long>(M) * N * K;
  if (mnk < kSingleThreadMnk || g_threads == 1) {
    use_threads(1);
    blas_sgemm(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  if (g_threads > 2 || std::max(M, N) < 2) {
    use_threads(g_threads);
    blas_sgemm(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // Two threads: split C in two halves ourselves (rows, or columns when it is wider), one on the
  // persistent worker, each on single-threaded OpenBLAS. OpenBLAS's own pool, once used, keeps
  // spinning in sched_yield after every call, taking cores from the batch-split recurrence; this
  // way it is never woken.
  if (M >= N) {
    const int m0 = half_point(M);
    const float* a2 = trans_a ? a + m0 : a + static_cast<std::size_t>(m0) * lda;
    run_pair([&] { blas_sgemm(trans_a, trans_b, m0, N, K, alpha, a, lda, b, ldb, beta, c, ldc); },
             [&] {
               blas_sgemm(trans_a, trans_b, M - m0, N, K, alpha, a2, lda, b, ldb, beta,
                          c + static_cast<std::size_t>(m0) * ldc, ldc);
             });
  } else {
    const int n0 = half_point(N);
    const float* b2 = trans_b ? b + static_cast<std::size_t>(n0) * ldb : b + n0;
    run_pair([&] { blas_sgemm(trans_a, trans_b, M, n0, K, alpha, a, lda, b, ldb, beta, c, ldc); },
             [&] { blas_sgemm(trans_a, trans_b, M, N - n0, K, alpha, a, lda, b2, ldb, beta, c + n0, ldc); });
  }
}

int set_blas_threads(int threads) {
  g_threads = std::max(1, threads);
  // With 2 threads sgemm splits large GEMMs itself and OpenBLAS stays on one thread.
  const int openblas_threads = g_threads == 2 ? 1 : g_threads.load();
  openblas_set_num_threads(openblas_threads);
  g_current = openblas_threads;
  return g_threads;
}

int blas_threads() { return g_threads; }

void set_current_blas_threads(int threads) { use_threads(threads); }

long long single_thread_mnk_threshold() { return kSingleThreadMnk; }

std::string blas_description() {
  const char* config = openblas_get_config();
  return config != nullptr ? std::string(config) : std::string("OpenBLAS (no config string)");
}

int blas_cores() { return openblas_get_num_procs(); }

}  // namespace rnn
