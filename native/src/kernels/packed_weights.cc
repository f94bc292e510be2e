#include "packed_weights.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace rnn {

namespace {

constexpr std::size_t kAlign = 64;  // a cache line, and the widest vector

int ceil_div(int n, int d) { return (n + d - 1) / d; }

}  // namespace

AlignedFloats::AlignedFloats(std::size_t n) {
  if (n == 0) return;
  const std::size_t bytes = (n * sizeof(float) + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, bytes);
  if (p == nullptr) throw std::bad_alloc();
  data_.reset(static_cast<float*>(p));
}

void AlignedFloats::Free::operator()(float* p) const { std::free(p); }

PackedGates::PackedGates(const float* w, int G_, int H_, int K_, int width_)
    : G(G_), H(H_), K(K_), width(width_), tiles(ceil_div(H_, width_)),
      storage(static_cast<std::size_t>(tiles) * G_ * K_ * width_) {
  for (int tile = 0; tile < tiles; ++tile) {
    const int u0 = tile * width, nu = H - u0 < width ? H - u0 : width;
    for (int g = 0; g < G; ++g) {
      float* out = storage.data() + (static_cast<std::size_t>(tile) * G + g) * K * width;  // [K, width]
      const float* rows = w + (static_cast<std::size_t>(g) * H + u0) * K;                 // [nu, K]
      for (int k = 0; k < K; ++k) {
        float* line = out + static_cast<std::size_t>(k) * width;
        for (int u = 0; u < nu; ++u) line[u] = rows[static_cast<std::size_t>(u) * K + k];
        for (int u = nu; u < width; ++u) line[u] = 0.0f;
      }
    }
  }
}

PackedColumns::PackedColumns(const float* w, int K_, int N_, int width_)
    : K(K_), N(N_), width(width_), panels(ceil_div(N_, width_)),
      storage(static_cast<std::size_t>(panels) * K_ * width_) {
  for (int p = 0; p < panels; ++p) {
    const int n0 = p * width, nn = N - n0 < width ? N - n0 : width;
    float* out = storage.data() + static_cast<std::size_t>(p) * K * width;  // [K, width]
    for (int k = 0; k < K; ++k) {
      float* line = out + static_cast<std::size_t>(k) * width;
      std::memcpy(line, w + static_cast<std::size_t>(k) * N + n0, nn * sizeof(float));
      for (int n = nn; n < width; ++n) line[n] = 0.0f;
    }
  }
}

}  // namespace rnn
