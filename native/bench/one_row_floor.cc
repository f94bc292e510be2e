// The one-caller floor: a B = 1 call reads all of W_hh for every step, one step after another, so
// one core's read rate from its cache bounds the recurrent product. This times, side by side, a
// plain read of the packed W_hh once a step, the addon's own one-row step product over it (the
// micro-kernel of src/kernels/micro_kernel.inl, T dependent steps), and packing W_hh (PackedGates),
// which every forward call does. The level is the compiler's: build with -march=x86-64-v4 on a CPU
// with AVX-512, x86-64-v3 on one with AVX2.
//
//   g++ -O3 -march=x86-64-v4 -I src -I src/kernels -o /tmp/one_row_floor
//       bench/one_row_floor.cc src/kernels/packed_weights.cc && /tmp/one_row_floor [H=128] [T=50] [gates=4]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/packed_weights.h"
#include "kernels/recurrent_common.h"
#include "kernels/step_kernels.h"

namespace rnn {
namespace floor_probe {
#define RNN_LEVEL_TARGET
#if defined(__AVX512F__)
#define RNN_LEVEL_LANES 16
#define RNN_LEVEL_ROWS 12
#elif defined(__AVX2__)
#define RNN_LEVEL_LANES 8
#define RNN_LEVEL_ROWS 6
#else
#define RNN_LEVEL_LANES 4
#define RNN_LEVEL_ROWS 6
#endif
#include "kernels/micro_kernel.inl"

// Σ of every float of p[n] (n a multiple of kPanel) in 2·kPanel/kLanes independent sums: the read
// rate with nothing else in the loop.
float read_all(const float* p, std::size_t n) {
  constexpr int kSums = 2 * kPanel / kLanes;
  Vec sum[kSums] = {};
  for (std::size_t i = 0; i < n; i += kSums * kLanes) {
#pragma GCC unroll 8
    for (int v = 0; v < kSums; ++v) sum[v] += load(p + i + v * kLanes);
  }
  Vec total = {};
  for (int v = 0; v < kSums; ++v) total += sum[v];
  float out = 0;
  for (int l = 0; l < kLanes; ++l) out += total[l];
  return out;
}

// T steps of h · W_hhᵀ for one row, each step's h made from the one before (as a recurrence does).
// h: [K]; sums: [tiles, G, kPanel].
void one_row_steps(const PackedGates& w, float* h, float* sums, int T) {
  for (int s = 0; s < T; ++s) {
    for (int tile = 0; tile < w.tiles; ++tile) {
      panel_rows(1, w.G, h, w.K, w.panel(tile, 0), w.panel_stride(), w.K,
                 sums + static_cast<std::size_t>(tile) * w.G * kPanel, kPanel);
    }
    for (int k = 0; k < w.K; ++k) h[k] = sums[k] * 1e-3f;
  }
}

}  // namespace floor_probe
}  // namespace rnn

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rnn::floor_probe;
  const int H = argc > 1 ? std::atoi(argv[1]) : 128, T = argc > 2 ? std::atoi(argv[2]) : 50;
  const int G = argc > 3 ? std::atoi(argv[3]) : 4;
  if (H < 1 || T < 1 || G < 1 || G > 4) {
    std::fprintf(stderr, "usage: one_row_floor [H >= 1] [T >= 1] [gates 1..4]\n");
    return 2;
  }
  std::vector<float> w_hh(static_cast<std::size_t>(G) * H * H);  // [G·H, H] as PyTorch stores it
  for (std::size_t i = 0; i < w_hh.size(); ++i) w_hh[i] = static_cast<float>(i % 97) * 1e-4f - 4.8e-3f;
  rnn::PackedGates packed(w_hh.data(), G, H, H, kPanel);
  const std::size_t floats = static_cast<std::size_t>(packed.tiles) * G * H * kPanel;  // packed, padding included
  std::vector<float> h(H), sums(static_cast<std::size_t>(packed.tiles) * G * kPanel);  // [H]; [tiles, G, kPanel]
  std::vector<double> read_us, product_us, pack_us;
  float sink = 0;
  for (int round = 0; round < 2000; ++round) {
    auto t0 = Clock::now();
    for (int s = 0; s < T; ++s) {
      sink += read_all(packed.storage.data(), floats);
      asm volatile("" : : : "memory");  // one read a step: the compiler may not merge them
    }
    auto t1 = Clock::now();
    for (int k = 0; k < H; ++k) h[k] = 0.01f * static_cast<float>(k % 13);
    auto t2 = Clock::now();
    one_row_steps(packed, h.data(), sums.data(), T);
    auto t3 = Clock::now();
    { rnn::PackedGates again(w_hh.data(), G, H, H, kPanel); sink += again.storage.data()[round % floats]; }
    auto t4 = Clock::now();
    sink += h[round % H];
    read_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    product_us.push_back(std::chrono::duration<double, std::micro>(t3 - t2).count());
    pack_us.push_back(std::chrono::duration<double, std::micro>(t4 - t3).count());
  }
  const double read = median(read_us), product = median(product_us), pack = median(pack_us);
  const double kb = floats * sizeof(float) / 1024.0;
  std::printf("level: %d floats a vector; H %d, %d gates, T %d: packed W_hh %.0f KB (medians of 2000 rounds)\n",
              kLanes, H, G, T, kb);
  std::printf("read packed W_hh once a step (a plain loop):  %8.1f us  (%.2f us a step, %.0f GB/s)\n", read,
              read / T, floats * sizeof(float) * T / read / 1e3);
  std::printf("one-row product, T dependent steps:            %8.1f us  (%.2fx the read)\n", product, product / read);
  std::printf("pack W_hh (PackedGates, once a call):          %8.1f us\n", pack);
  return sink == 12345.0f ? 1 : 0;  // keeps the reads
}
