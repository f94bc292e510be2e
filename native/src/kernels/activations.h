// Pointwise activations of the recurrent kernels, by Keras name, and their derivatives taken from
// the activation's OUTPUT (the workspace stores outputs, never pre-activations).
//
//   tanh         y = tanh(x)                 dy/dx = 1 − y²
//   sigmoid      y = 1 / (1 + e^−x)           dy/dx = y (1 − y)
//   relu         y = max(x, 0)                dy/dx = y > 0 ? 1 : 0
//   linear       y = x                        dy/dx = 1
//   hardSigmoid  y = clip(x / 6 + 0.5, 0, 1)  dy/dx = 0 < y < 1 ? 1/6 : 0   (Keras 3)
#pragma once

#include <cmath>
#include <cstddef>

namespace rnn {

enum class Activation { Tanh, Sigmoid, Relu, Linear, HardSigmoid };

// Applies `act` in place to v[0..n). The switch sits outside the loop so each loop vectorises.
inline void activate_inplace(Activation act, float* v, std::size_t n) {
  switch (act) {
    case Activation::Tanh:
      for (std::size_t k = 0; k < n; ++k) v[k] = std::tanh(v[k]);
      break;
    case Activation::Sigmoid:
      for (std::size_t k = 0; k < n; ++k) v[k] = 1.0f / (1.0f + std::exp(-v[k]));
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

// Applies `act` to one value (used where a single element is needed, e.g. act(c) in LSTM).
inline float activate(Activation act, float x) {
  activate_inplace(act, &x, 1);
  return x;
}

// dy/dx of `act`, given its output y.
inline float derivative_from_output(Activation act, float y) {
  switch (act) {
    case Activation::Tanh:
      return 1.0f - y * y;
    case Activation::Sigmoid:
      return y * (1.0f - y);
    case Activation::Relu:
      return y > 0.0f ? 1.0f : 0.0f;
    case Activation::Linear:
      return 1.0f;
    case Activation::HardSigmoid:
      return (y > 0.0f && y < 1.0f) ? 1.0f / 6.0f : 0.0f;
  }
  return 0.0f;
}

// grad[k] *= act'(out[k]) for k in [0, n).
inline void scale_by_derivative(Activation act, const float* out, float* grad, std::size_t n) {
  switch (act) {
    case Activation::Tanh:
      for (std::size_t k = 0; k < n; ++k) grad[k] *= 1.0f - out[k] * out[k];
      break;
    case Activation::Sigmoid:
      for (std::size_t k = 0; k < n; ++k) grad[k] *= out[k] * (1.0f - out[k]);
      break;
    default:
      for (std::size_t k = 0; k < n; ++k) grad[k] *= derivative_from_output(act, out[k]);
      break;
  }
}

}  // namespace rnn
