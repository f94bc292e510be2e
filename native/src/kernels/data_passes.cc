#include "data_passes.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE4_1__)
#include <smmintrin.h>  // scan_values' four hash lanes
#endif

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
  to_time_major_steps(src, B, T, F, out, reverse, 0, T);
}

void to_time_major_steps(const float* src, std::size_t B, std::size_t T, std::size_t F, float* out, bool reverse,
                         std::size_t j0, std::size_t j1) {
  for (std::size_t j = j0; j < j1; ++j) {
    const std::size_t from = reverse ? T - 1 - j : j;  // source step
    float* dst = out + j * B * F;                      // [B, F] block of step j
    for (std::size_t i = 0; i < B; ++i) std::memcpy(dst + i * F, src + (i * T + from) * F, F * sizeof(float));
  }
}

ValueScanResult scan_values(const float* const* arrays, const std::size_t* lengths, std::size_t count) {
  constexpr std::uint32_t kPrime = 0x01000193u;
  std::uint32_t h0 = 0x811c9dc5u, h1 = 0x01000193u, h2 = 0x2545f491u, h3 = 0x9e3779b9u;
  ValueScanResult out;
  for (std::size_t a = 0; a < count; ++a) {
    const float* v = arrays[a];
    const std::size_t n = lengths[a];
    std::uint32_t worst = 0;  // non-zero: some value here has an all-ones exponent
    std::size_t i = 0;
#if defined(__SSE4_1__)
    // The four lanes are one SSE register: a multiply's latency per four values, not per value
    // (scalar, the four chains ran at ~4 cycles a value; the lanes and so the hash are the same).
    __m128i h = _mm_setr_epi32(static_cast<int>(h0), static_cast<int>(h1), static_cast<int>(h2), static_cast<int>(h3));
    __m128i hits = _mm_setzero_si128();
    const __m128i prime = _mm_set1_epi32(static_cast<int>(kPrime));
    const __m128i exponent = _mm_set1_epi32(static_cast<int>(kExponent));
    for (; i + 3 < n; i += 4) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i));
      h = _mm_mullo_epi32(_mm_xor_si128(h, b), prime);
      hits = _mm_or_si128(hits, _mm_cmpeq_epi32(_mm_and_si128(b, exponent), exponent));
    }
    h0 = static_cast<std::uint32_t>(_mm_extract_epi32(h, 0));
    h1 = static_cast<std::uint32_t>(_mm_extract_epi32(h, 1));
    h2 = static_cast<std::uint32_t>(_mm_extract_epi32(h, 2));
    h3 = static_cast<std::uint32_t>(_mm_extract_epi32(h, 3));
    worst = _mm_movemask_epi8(hits) != 0 ? 1u : 0u;
#else
    for (; i + 3 < n; i += 4) {
      std::uint32_t b[4];
      std::memcpy(b, v + i, sizeof b);
      h0 = (h0 ^ b[0]) * kPrime;
      h1 = (h1 ^ b[1]) * kPrime;
      h2 = (h2 ^ b[2]) * kPrime;
      h3 = (h3 ^ b[3]) * kPrime;
      worst |= ((b[0] & kExponent) == kExponent) | ((b[1] & kExponent) == kExponent) | ((b[2] & kExponent) == kExponent) |
               ((b[3] & kExponent) == kExponent);
    }
#endif
    for (; i < n; ++i) {
      std::uint32_t b;
      std::memcpy(&b, v + i, sizeof b);
      h0 = (h0 ^ b) * kPrime;
      worst |= (b & kExponent) == kExponent;
    }
    h1 = (h1 ^ static_cast<std::uint32_t>(n)) * kPrime;  // lengths count too: [1, 2] + [3] differs from [1] + [2, 3]
    if (worst != 0 && out.array < 0) {
      out.array = static_cast<std::int64_t>(a);
      out.index = first_non_finite(v, n);
    }
  }
  out.fingerprint = h0 ^ (h1 * 3u) ^ (h2 * 5u) ^ (h3 * 7u);
  return out;
}

}  // namespace rnn
