#include "data_passes.h"

#include <algorithm>
#include <cstring>

namespace rnn {

namespace {

constexpr std::uint32_t kExponent = 0x7f800000u;  // all ones: ±Infinity or NaN

bool non_finite(const float* v) {
  std::uint32_t bits;
  std::memcpy(&bits, v, sizeof bits);
  return (bits & kExponent) == kExponent;
}

}  // namespace

std::int64_t first_non_finite(const float* v, std::size_t n) {
  // Blocks of a branch-free OR over the exponent tests (the compiler vectorises it), and a search
  // only inside a block that has a hit.
  constexpr std::size_t kBlock = 1024;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    std::uint32_t any = 0;
    for (std::size_t i = start; i < end; ++i) any |= non_finite(v + i) ? 1u : 0u;
    if (any == 0) continue;
    for (std::size_t i = start; i < end; ++i) {
      if (non_finite(v + i)) return static_cast<std::int64_t>(i);
    }
  }
  return -1;
}

void to_time_major(const float* src, std::size_t B, std::size_t T, std::size_t F, float* out, bool reverse) {
  const std::size_t row = F * sizeof(float);
  for (std::size_t j = 0; j < T; ++j) {
    const std::size_t from = reverse ? T - 1 - j : j;  // source step
    float* dst = out + j * B * F;                      // [B, F] block of step j
    for (std::size_t i = 0; i < B; ++i) std::memcpy(dst + i * F, src + (i * T + from) * F, row);
  }
}

}  // namespace rnn
