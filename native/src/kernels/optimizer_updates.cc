#include "optimizer_updates.h"

#include <cmath>
#include <limits>

#include "cpu_level.h"

// Built with -ffp-contract=off (CMakeLists.txt): a fused multiply-add would round once where
// JavaScript rounds twice, and the two backends would drift apart bit by bit.

namespace rnn {

namespace {

#define RNN_ALWAYS_INLINE inline __attribute__((always_inline))

// The step's constants as the loops use them.
struct AdamLoop {
  double beta1, beta2, keep1, keep2, step_size, correction2_sqrt, epsilon, l2;
};

// A weight's gradient with the coupled L2 penalty, in double as JavaScript computes it.
RNN_ALWAYS_INLINE double penalised(float grad, float value, const AdamLoop& k) {
  return static_cast<double>(grad) + k.l2 * static_cast<double>(value);
}

// The new first and second moments, rounded to float as a Float32Array store rounds.
RNN_ALWAYS_INLINE float first_moment(float m, double g, const AdamLoop& k) {
  return static_cast<float>(k.beta1 * static_cast<double>(m) + k.keep1 * g);
}
RNN_ALWAYS_INLINE float second_moment(float v, double g, const AdamLoop& k) {
  return static_cast<float>(k.beta2 * static_cast<double>(v) + k.keep2 * g * g);
}

// The weight after the step, `second` the second moment its denominator uses.
RNN_ALWAYS_INLINE float stepped(float value, float m, double second, const AdamLoop& k) {
  return static_cast<float>(static_cast<double>(value) -
                            (k.step_size * static_cast<double>(m)) / (std::sqrt(second) / k.correction2_sqrt + k.epsilon));
}

// Math.max of two doubles: NaN if either is NaN, +0 over −0.
double js_max(double a, double b) {
  if (a > b) return a;
  if (b > a) return b;
  if (a != a || b != b) return std::numeric_limits<double>::quiet_NaN();
  return std::signbit(a) ? b : a;
}

// The loop without AMSGrad, the one nearly every model runs. No branch and no call: it vectorises,
// and its cost is the double-precision division and square root, so wider vectors pay directly
// (99,457 weights: 0.28 ms with two doubles per SSE register, 0.16 ms with AVX-512, against
// 0.60–0.94 ms in JavaScript). Inlined into one function per CPU level, each compiled for its
// level; the arithmetic, and so every bit, is the same in all of them.
RNN_ALWAYS_INLINE void adam_plain(float* __restrict value, const float* __restrict grad, float* __restrict m,
                                  float* __restrict v, std::size_t n, const AdamLoop& k) {
  for (std::size_t i = 0; i < n; ++i) {
    const double g = penalised(grad[i], value[i], k);
    const float mi = first_moment(m[i], g, k);
    const float vi = second_moment(v[i], g, k);
    m[i] = mi;
    v[i] = vi;
    value[i] = stepped(value[i], mi, static_cast<double>(vi), k);
  }
}

using PlainLoop = void (*)(float*, const float*, float*, float*, std::size_t, const AdamLoop&);

void adam_plain_generic(float* value, const float* grad, float* m, float* v, std::size_t n, const AdamLoop& k) {
  adam_plain(value, grad, m, v, n, k);
}
#if defined(__x86_64__)
__attribute__((target("arch=x86-64-v3"))) void adam_plain_avx2(float* value, const float* grad, float* m, float* v,
                                                                std::size_t n, const AdamLoop& k) {
  adam_plain(value, grad, m, v, n, k);
}
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) void adam_plain_avx512(
    float* value, const float* grad, float* m, float* v, std::size_t n, const AdamLoop& k) {
  adam_plain(value, grad, m, v, n, k);
}
#endif

PlainLoop plain_loop(CpuLevel level) {
#if defined(__x86_64__)
  if (level == CpuLevel::Avx512) return &adam_plain_avx512;
  if (level == CpuLevel::Avx2) return &adam_plain_avx2;
#endif
  (void)level;
  return &adam_plain_generic;
}

}  // namespace

void adam_update(float* value, const float* grad, float* m, float* v, float* v_max, std::size_t n,
                 const AdamConstants& c) {
  const AdamLoop k{c.beta1, c.beta2, 1 - c.beta1, 1 - c.beta2, c.step_size, c.correction2_sqrt, c.epsilon, c.l2};
  if (v_max == nullptr) {
    plain_loop(active_cpu_level())(value, grad, m, v, n, k);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double g = penalised(grad[i], value[i], k);
    const float mi = first_moment(m[i], g, k);
    const float vi = second_moment(v[i], g, k);
    const double second = js_max(static_cast<double>(v_max[i]), static_cast<double>(vi));
    m[i] = mi;
    v[i] = vi;
    v_max[i] = static_cast<float>(second);
    value[i] = stepped(value[i], mi, second, k);
  }
}

}  // namespace rnn
