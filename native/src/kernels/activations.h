// Pointwise activations of the recurrent kernels, by Keras name, and their derivatives taken from
// the activation's OUTPUT (the workspace stores outputs, never pre-activations).
//
//   tanh         y = tanh(x)                 dy/dx = 1 − y²
//   sigmoid      y = 1 / (1 + e^−x)           dy/dx = y (1 − y)
//   relu         y = max(x, 0)                dy/dx = y > 0 ? 1 : 0
//   linear       y = x                        dy/dx = 1
//   hardSigmoid  y = clip(x / 6 + 0.5, 0, 1)  dy/dx = 0 < y < 1 ? 1/6 : 0   (Keras 3)
//
// exp and tanh are our own branch-free float versions (exp: the Cephes expf polynomial; tanh: a
// rational function) instead of std::exp / std::tanh: libm's scalar calls do not vectorise and would
// dominate the pointwise gate pass; these do. Accuracy against double (bench/activation_accuracy.cc):
// exp and sigmoid within ~2e-7 relative (1–2 ulp), tanh within ~4e-7 absolute and relative.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

// The pointwise loops outside the step kernels carry this: GCC emits AVX-512 (x86-64-v4) and
// AVX2+FMA (x86-64-v3) clones next to the baseline x86-64-v2 one and picks at load time (ifunc), so
// the shipped binary still runs on any x86-64-v2 CPU while the inlined activation loops get 16- or
// 8-wide vectors where the CPU has them. (The step kernels choose their level themselves: cpu_level.h.)
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define RNN_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RNN_SIMD_CLONES
#endif

namespace rnn {

// e^(x − n·ln 2) for n = round(x / ln 2): x − n·ln 2 in two parts (Cody–Waite), then the Cephes
// expf polynomial. For one float or one vector of the step kernels' level (vector_activations.inl),
// so both compute the same thing; always inlined for the same reason as tanh_rational below.
template <class V>
__attribute__((always_inline)) inline V exp_reduced(V x, V n) {
  V r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  return ((((( 1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
           1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r + 1.0f;
}

// e^x, x clamped to [-87, 88] (so the result is a normal float; NaN stays NaN).
inline float fast_exp(float x_in) {
  const float x = std::min(std::max(x_in, -87.0f), 88.0f);
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);  // round(x / ln 2)
  const float p = exp_reduced(x, n);
  const int32_t biased = (static_cast<int32_t>(n) + 127) << 23;  // 2^n as float bits, n in [-126, 127]
  float scale;
  std::memcpy(&scale, &biased, sizeof(scale));
  return std::isnan(x_in) ? x_in : p * scale;  // the clamp must not turn NaN into a number
}

inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

// tanh: a 13/6 rational function of x (Eigen's) on [-9, 9], beyond which tanh rounds to ±1 in float:
// one division and no exp, about twice as fast as the exp form; its error peaks near ±1 at ~6 ulp.
// The result is clamped to [-1, 1], which the rational function overshoots by an ulp or two. NaN
// passes every clamp (std::min / max return their first argument when a comparison is false).
// tanh(x) ≈ x·P(x²) / Q(x²) for |x| ≤ kTanhClamp, evaluated for one float or one vector of the
// step kernels' level (vector_activations.inl), so both compute the same thing.
constexpr float kTanhClamp = 9.0f;
// Always inlined: a step kernel's vectors are wider than this header's baseline target allows
// in a call.
template <class V>
__attribute__((always_inline)) inline V tanh_rational(V x) {
  const V z = x * x;
  const V p = ((((((-2.76076847742355e-16f * z + 2.00018790482477e-13f) * z - 8.60467152213735e-11f) * z +
                  5.12229709037114e-08f) * z + 1.48572235717979e-05f) * z + 6.37261928875436e-04f) * z +
               4.89352455891786e-03f) * x;
  const V q = ((1.19825839466702e-06f * z + 1.18534705686654e-04f) * z + 2.26843463243900e-03f) * z +
              4.89352518554385e-03f;
  return p / q;
}

inline float fast_tanh(float a) {
  const float x = std::min(std::max(a, -kTanhClamp), kTanhClamp);
  return std::min(std::max(tanh_rational(x), -1.0f), 1.0f);
}

enum class Activation { Tanh, Sigmoid, Relu, Linear, HardSigmoid };

// The activation a contract name stands for; false for a name the kernels do not implement.
inline bool activation_named(const char* name, Activation& out) {
  static const struct {
    const char* name;
    Activation value;
  } kNames[] = {{"tanh", Activation::Tanh}, {"sigmoid", Activation::Sigmoid}, {"relu", Activation::Relu},
                {"linear", Activation::Linear}, {"hardSigmoid", Activation::HardSigmoid}};
  for (const auto& entry : kNames) {
    if (std::strcmp(entry.name, name) == 0) {
      out = entry.value;
      return true;
    }
  }
  return false;
}

// Applies `act` in place to v[0..n). The switch sits outside the loop so each loop vectorises.
inline void activate_inplace(Activation act, float* v, std::size_t n) {
  switch (act) {
    case Activation::Tanh:
      for (std::size_t k = 0; k < n; ++k) v[k] = fast_tanh(v[k]);
      break;
    case Activation::Sigmoid:
      for (std::size_t k = 0; k < n; ++k) v[k] = fast_sigmoid(v[k]);
      break;
    case Activation::Relu:
      for (std::size_t k = 0; k < n; ++k) v[k] = v[k] > 0.0f ? v[k] : 0.0f;
      break;
    case Activation::Linear:
      break;
    case Activation::HardSigmoid:
      for (std::size_t k = 0; k < n; ++k) {
        const float y = v[k] / 6.0f + 0.5f;
        v[k] = y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
      }
      break;
  }
}

// d[k] = act'(out[k]) for k in [0, n); one loop per activation so each vectorises.
inline void derivatives_from_output(Activation act, const float* out, float* d, std::size_t n) {
  switch (act) {
    case Activation::Tanh:
      for (std::size_t k = 0; k < n; ++k) d[k] = 1.0f - out[k] * out[k];
      break;
    case Activation::Sigmoid:
      for (std::size_t k = 0; k < n; ++k) d[k] = out[k] * (1.0f - out[k]);
      break;
    case Activation::Relu:
      for (std::size_t k = 0; k < n; ++k) d[k] = out[k] > 0.0f ? 1.0f : 0.0f;
      break;
    case Activation::Linear:
      for (std::size_t k = 0; k < n; ++k) d[k] = 1.0f;
      break;
    case Activation::HardSigmoid:
      for (std::size_t k = 0; k < n; ++k) d[k] = (out[k] > 0.0f && out[k] < 1.0f) ? 1.0f / 6.0f : 0.0f;
      break;
  }
}

}  // namespace rnn
