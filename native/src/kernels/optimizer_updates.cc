#include "optimizer_updates.h"

#include <cmath>
#include <limits>

#include "cpu_level.h"

// Built with -ffp-contract=off (CMakeLists.txt): a fused multiply-add would round once where
// JavaScript rounds twice, and the two backends would drift apart bit by bit.

namespace rnn {

namespace {

// Math.max of two doubles: NaN if either is NaN, +0 over −0.
inline double js_max(double a, double b) {
  if (a > b) return a;
  if (b > a) return b;
  if (a != a || b != b) return std::numeric_limits<double>::quiet_NaN();
  return std::signbit(a) ? b : a;
}

// The loop without AMSGrad, the one nearly every model runs. No branch and no call: it vectorises,
// and its cost is the double-precision division and square root, so wider vectors pay directly
// (99,457 weights: 0.28 ms with two doubles per SSE register, against 0.60 ms in JavaScript). Each
// CPU level gets its own copy; the arithmetic and so every bit is the same in all of them.
#define RNN_ADAM_PLAIN_BODY                                                                                    \
  for (std::size_t i = 0; i < n; ++i) {                                                                        \
    const double g = static_cast<double>(grad[i]) + l2 * static_cast<double>(value[i]);                        \
    const float mi = static_cast<float>(beta1 * static_cast<double>(m[i]) + keep1 * g);                        \
    const float vi = static_cast<float>(beta2 * static_cast<double>(v[i]) + keep2 * g * g);                    \
    m[i] = mi;                                                                                                 \
    v[i] = vi;                                                                                                 \
    value[i] = static_cast<float>(static_cast<double>(value[i]) -                                             \
                                  (step_size * static_cast<double>(mi)) /                                      \
                                      (std::sqrt(static_cast<double>(vi)) / correction2_sqrt + epsilon));      \
  }

#define RNN_ADAM_PLAIN_PARAMS                                                                                 \
  float *__restrict value, const float *__restrict grad, float *__restrict m, float *__restrict v, std::size_t n, \
      double beta1, double beta2, double keep1, double keep2, double step_size, double correction2_sqrt,     \
      double epsilon, double l2

void adam_plain_generic(RNN_ADAM_PLAIN_PARAMS) { RNN_ADAM_PLAIN_BODY }
#if defined(__x86_64__)
__attribute__((target("arch=x86-64-v3"))) void adam_plain_avx2(RNN_ADAM_PLAIN_PARAMS) { RNN_ADAM_PLAIN_BODY }
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) void adam_plain_avx512(RNN_ADAM_PLAIN_PARAMS) {
  RNN_ADAM_PLAIN_BODY
}
#endif

}  // namespace

void adam_update(float* value, const float* grad, float* m, float* v, float* v_max, std::size_t n,
                 const AdamConstants& c) {
  const double beta1 = c.beta1, beta2 = c.beta2, keep1 = 1 - c.beta1, keep2 = 1 - c.beta2;
  const double step_size = c.step_size, correction2_sqrt = c.correction2_sqrt, epsilon = c.epsilon, l2 = c.l2;
  if (v_max != nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      const double g = static_cast<double>(grad[i]) + l2 * static_cast<double>(value[i]);
      const float mi = static_cast<float>(beta1 * static_cast<double>(m[i]) + keep1 * g);
      const float vi = static_cast<float>(beta2 * static_cast<double>(v[i]) + keep2 * g * g);
      const double second = js_max(static_cast<double>(v_max[i]), static_cast<double>(vi));
      m[i] = mi;
      v[i] = vi;
      v_max[i] = static_cast<float>(second);
      value[i] = static_cast<float>(static_cast<double>(value[i]) -
                                    (step_size * static_cast<double>(mi)) / (std::sqrt(second) / correction2_sqrt + epsilon));
    }
    return;
  }
  auto plain = &adam_plain_generic;
#if defined(__x86_64__)
  const CpuLevel level = active_cpu_level();
  if (level == CpuLevel::Avx512) plain = &adam_plain_avx512;
  if (level == CpuLevel::Avx2) plain = &adam_plain_avx2;
#endif
  plain(value, grad, m, v, n, beta1, beta2, keep1, keep2, step_size, correction2_sqrt, epsilon, l2);
}

}  // namespace rnn
