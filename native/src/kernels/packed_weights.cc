#include "packed_weights.h"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace rnn {

namespace {

constexpr std::size_t kAlign = 64;  // a cache line, and the widest vector

int ceil_div(int n, int d) { return (n + d - 1) / d; }

// out[k·ld_out + u] = in[u·ld_in + k] for u < rows, k < cols: 4×4 blocks through SSE registers
// where the CPU has them (every x86-64 does), the edges one by one. Packing W_hh this way costs a
// fraction of the strided one-float-at-a-time copy, which was a tenth of a single-row call.
void transpose_into(float* out, int ld_out, const float* in, int ld_in, int rows, int cols) {
  int u = 0;
#if defined(__SSE2__)
  for (; u + 4 <= rows; u += 4) {
    const float* r = in + static_cast<std::size_t>(u) * ld_in;
    int k = 0;
    for (; k + 4 <= cols; k += 4) {
      __m128 a = _mm_loadu_ps(r + k), b = _mm_loadu_ps(r + ld_in + k);
      __m128 c = _mm_loadu_ps(r + 2 * static_cast<std::size_t>(ld_in) + k);
      __m128 d = _mm_loadu_ps(r + 3 * static_cast<std::size_t>(ld_in) + k);
      _MM_TRANSPOSE4_PS(a, b, c, d);
      float* o = out + static_cast<std::size_t>(k) * ld_out + u;
      _mm_storeu_ps(o, a);
      _mm_storeu_ps(o + ld_out, b);
      _mm_storeu_ps(o + 2 * static_cast<std::size_t>(ld_out), c);
      _mm_storeu_ps(o + 3 * static_cast<std::size_t>(ld_out), d);
    }
    for (; k < cols; ++k) {
      for (int v = 0; v < 4; ++v) out[static_cast<std::size_t>(k) * ld_out + u + v] = r[static_cast<std::size_t>(v) * ld_in + k];
    }
  }
#endif
  for (; u < rows; ++u) {
    const float* r = in + static_cast<std::size_t>(u) * ld_in;
    for (int k = 0; k < cols; ++k) out[static_cast<std::size_t>(k) * ld_out + u] = r[k];
  }
}

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
      if (nu < width) std::memset(out, 0, static_cast<std::size_t>(K) * width * sizeof(float));
      transpose_into(out, width, rows, K, nu, K);
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
