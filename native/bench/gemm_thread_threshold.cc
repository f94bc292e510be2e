// Measures where a second OpenBLAS thread starts to pay off for sgemm, to set kSingleThreadMnk in
// src/kernels/gemm.cc. Shapes: square GEMMs and recurrent-step shapes [B, G·H] = [B, H]·[G·H, H]ᵀ.
//
//   g++ -O2 bench/gemm_thread_threshold.cc $(pkg-config --cflags --libs openblas) -o /tmp/gemm_threads
//   /tmp/gemm_threads
#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <vector>

namespace {

double seconds_per_call(int threads, int M, int N, int K) {
  openblas_set_num_threads(threads);
  std::vector<float> a(static_cast<size_t>(M) * K, 0.5f), b(static_cast<size_t>(N) * K, 0.25f), c(static_cast<size_t>(M) * N);
  const double mnk = static_cast<double>(M) * N * K;
  const int reps = static_cast<int>(2e8 / mnk) + 20;
  for (int i = 0; i < 5; ++i) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, a.data(), K, b.data(), K, 0.0f, c.data(), N);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, a.data(), K, b.data(), K, 0.0f, c.data(), N);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / reps;
}

}  // namespace

int main() {
  const int shapes[][3] = {{16, 16, 16}, {32, 32, 32},  {48, 48, 48},  {64, 64, 64},   {80, 80, 80},  {96, 96, 96},
                           {128, 128, 128}, {32, 128, 32}, {32, 256, 64}, {32, 512, 128}, {64, 512, 128}, {64, 1024, 256}};
  std::printf("%8s %8s %8s %12s %12s %12s %8s\n", "M", "N", "K", "M*N*K", "1 thread us", "2 threads us", "ratio");
  for (const auto& s : shapes) {
    const double one = seconds_per_call(1, s[0], s[1], s[2]);
    const double two = seconds_per_call(2, s[0], s[1], s[2]);
    std::printf("%8d %8d %8d %12lld %12.2f %12.2f %8.2f\n", s[0], s[1], s[2], static_cast<long long>(s[0]) * s[1] * s[2],
                one * 1e6, two * 1e6, one / two);
  }
  return 0;
}
