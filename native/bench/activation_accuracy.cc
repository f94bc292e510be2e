// Accuracy of the kernels' float exp / sigmoid / tanh against double libm, over a dense sweep of
// [-30, 30] plus the edges: the scalar versions (src/kernels/activations.h) and the vector versions
// the forward gate passes use (src/kernels/vector_activations.inl, here at the portable level).
//
//   g++ -O3 -march=x86-64-v2 -I src -I src/kernels bench/activation_accuracy.cc -o /tmp/activation_accuracy && /tmp/activation_accuracy
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/activations.h"
#include "kernels/recurrent_common.h"
#include "kernels/step_kernels.h"

namespace rnn {
namespace accuracy {
#define RNN_LEVEL_TARGET
#define RNN_LEVEL_LANES 4
#define RNN_LEVEL_ROWS 6
#include "kernels/micro_kernel.inl"
#include "kernels/vector_activations.inl"

void apply(Activation act, std::vector<float>& v) {
  for (std::size_t i = 0; i < v.size(); i += kLanes) store(v.data() + i, vec_activate(act, load(v.data() + i)));
}
}  // namespace accuracy
}  // namespace rnn

namespace {

struct Worst {
  double error = 0, at = 0;
  void see(double e, double x) {
    if (e > error) error = e, at = x;
  }
};

double relative(double got, double want) { return want == 0 ? std::fabs(got) : std::fabs(got - want) / std::fabs(want); }

}  // namespace

int main() {
  std::vector<float> xs;
  for (double x = -30; x <= 30; x += 1.0 / 4096) xs.push_back(static_cast<float>(x));
  while (xs.size() % 4 != 0) xs.push_back(0.0f);
  std::vector<float> vs = xs, vt = xs;
  rnn::accuracy::apply(rnn::Activation::Sigmoid, vs);
  rnn::accuracy::apply(rnn::Activation::Tanh, vt);
  Worst sigmoid, tanh_, exp_, vec_sigmoid, vec_tanh;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i];
    const double s = 1 / (1 + std::exp(-x)), t = std::tanh(x), e = std::exp(x);
    sigmoid.see(relative(rnn::fast_sigmoid(xs[i]), s), x);
    tanh_.see(relative(rnn::fast_tanh(xs[i]), t), x);
    exp_.see(relative(rnn::fast_exp(xs[i]), e), x);
    vec_sigmoid.see(relative(vs[i], s), x);
    vec_tanh.see(relative(vt[i], t), x);
  }
  std::printf("max relative error: exp %.3g (x=%g), sigmoid %.3g (x=%g), tanh %.3g (x=%g)\n", exp_.error, exp_.at,
              sigmoid.error, sigmoid.at, tanh_.error, tanh_.at);
  std::printf("vectors:            sigmoid %.3g (x=%g), tanh %.3g (x=%g)\n", vec_sigmoid.error, vec_sigmoid.at,
              vec_tanh.error, vec_tanh.at);
  std::printf("edges: tanh(1e-30)=%g tanh(-40)=%g sigmoid(-100)=%g sigmoid(100)=%g exp(NaN)=%g tanh(NaN)=%g\n",
              rnn::fast_tanh(1e-30f), rnn::fast_tanh(-40.0f), rnn::fast_sigmoid(-100.0f), rnn::fast_sigmoid(100.0f),
              rnn::fast_exp(NAN), rnn::fast_tanh(NAN));
  std::vector<float> edges = {1e-30f, -40.0f, NAN, -100.0f, 100.0f, INFINITY, -INFINITY, 0.0f};
  std::vector<float> et = edges, es = edges;
  rnn::accuracy::apply(rnn::Activation::Tanh, et);
  rnn::accuracy::apply(rnn::Activation::Sigmoid, es);
  std::printf("vector edges: tanh(1e-30)=%g tanh(-40)=%g tanh(NaN)=%g sigmoid(-100)=%g sigmoid(100)=%g "
              "sigmoid(inf)=%g sigmoid(-inf)=%g\n", et[0], et[1], et[2], es[3], es[4], es[5], es[6]);
  return 0;
}
