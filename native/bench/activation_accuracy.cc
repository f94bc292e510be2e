// Accuracy of the kernels' float exp / sigmoid / tanh (src/kernels/activations.h) against double
// libm, over a dense sweep of [-30, 30] plus the edges.
//
//   g++ -O3 -march=x86-64-v2 -I src bench/activation_accuracy.cc -o /tmp/activation_accuracy && /tmp/activation_accuracy
#include <cmath>
#include <cstdio>

#include "kernels/activations.h"

int main() {
  double worst_sigmoid = 0, worst_tanh = 0, worst_exp = 0, at_sigmoid = 0, at_tanh = 0, at_exp = 0;
  for (double x = -30; x <= 30; x += 1.0 / 4096) {
    const float xf = static_cast<float>(x);
    const double xd = xf;
    const double s = 1 / (1 + std::exp(-xd)), t = std::tanh(xd), e = std::exp(xd);
    const double es = std::fabs(rnn::fast_sigmoid(xf) - s) / s;
    const double et = t == 0 ? std::fabs(rnn::fast_tanh(xf)) : std::fabs(rnn::fast_tanh(xf) - t) / std::fabs(t);
    const double ee = std::fabs(rnn::fast_exp(xf) - e) / e;
    if (es > worst_sigmoid) worst_sigmoid = es, at_sigmoid = xd;
    if (et > worst_tanh) worst_tanh = et, at_tanh = xd;
    if (ee > worst_exp) worst_exp = ee, at_exp = xd;
  }
  std::printf("max relative error: exp %.3g (x=%g), sigmoid %.3g (x=%g), tanh %.3g (x=%g)\n", worst_exp, at_exp,
              worst_sigmoid, at_sigmoid, worst_tanh, at_tanh);
  std::printf("edges: tanh(1e-30)=%g tanh(-40)=%g sigmoid(-100)=%g sigmoid(100)=%g exp(NaN)=%g tanh(NaN)=%g\n",
              rnn::fast_tanh(1e-30f), rnn::fast_tanh(-40.0f), rnn::fast_sigmoid(-100.0f), rnn::fast_sigmoid(100.0f),
              rnn::fast_exp(NAN), rnn::fast_tanh(NAN));
  return 0;
}
