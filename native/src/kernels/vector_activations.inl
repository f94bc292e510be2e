// The activations of activations.h on whole vectors of the level (Vec, kLanes: micro_kernel.inl),
// for the gate passes: the same polynomials, rational function and clamps, so the same accuracy (bench/
// activation_accuracy.cc checks both), but a gate pass keeps its values in registers instead of
// staging arrays through loops the compiler has to vectorise. Included after micro_kernel.inl.
//
// NaN needs no test here: the clamps keep it (a comparison with NaN is false), and in e^x a NaN
// gives n = INT_MIN on conversion, so a scale of 1 times a NaN polynomial: NaN comes out.

typedef unsigned UVec __attribute__((vector_size(kLanes * sizeof(unsigned))));
typedef int IVec __attribute__((vector_size(kLanes * sizeof(int))));

RNN_LEVEL_TARGET inline Vec splat(float v) { return Vec{} + v; }

// min(hi, x) and max(lo, x) as x86's minps / maxps, which return their second operand when either is
// NaN: the same results as the ternaries `x > hi ? hi : x` and `x < lo ? lo : x`, NaN included, in
// one instruction where those compile to a compare and a blend (GCC may not turn them into min / max
// itself without -ffinite-math-only). The clamps were a fifth of e^x's and tanh's instructions: in a
// loop over L1-resident vectors on a Zen 3, 8-wide tanh went from ~4.4 to ~3.5 ns a vector and
// sigmoid from ~5.4 to ~4.8 (whole LSTM and GRU calls: within that machine's noise, 1.00–1.09×).
RNN_LEVEL_TARGET inline Vec clamp_above(Vec x, float hi) {
#if defined(__x86_64__) && RNN_LEVEL_LANES == 16
  return _mm512_min_ps(splat(hi), x);
#elif defined(__x86_64__) && RNN_LEVEL_LANES == 8
  return _mm256_min_ps(splat(hi), x);
#elif defined(__x86_64__) && RNN_LEVEL_LANES == 4
  return _mm_min_ps(splat(hi), x);
#else
  return x > hi ? splat(hi) : x;
#endif
}

RNN_LEVEL_TARGET inline Vec clamp_below(Vec x, float lo) {
#if defined(__x86_64__) && RNN_LEVEL_LANES == 16
  return _mm512_max_ps(splat(lo), x);
#elif defined(__x86_64__) && RNN_LEVEL_LANES == 8
  return _mm256_max_ps(splat(lo), x);
#elif defined(__x86_64__) && RNN_LEVEL_LANES == 4
  return _mm_max_ps(splat(lo), x);
#else
  return x < lo ? splat(lo) : x;
#endif
}

// e^x, x clamped to [-87, 88].
RNN_LEVEL_TARGET inline Vec vec_exp(Vec x) {
  x = clamp_below(clamp_above(x, 88.0f), -87.0f);
  const Vec magic = splat(12582912.0f);  // 1.5·2^23: adding and subtracting it rounds to an integer
  const Vec n = (x * 1.44269504088896341f + magic) - magic;  // round(x / ln 2)
  const Vec p = exp_reduced(x, n);                            // inlined into the level's target
  const UVec scale = ((UVec)__builtin_convertvector(n, IVec) + 127u) << 23;  // 2^n as float bits
  return p * (Vec)scale;
}

RNN_LEVEL_TARGET inline Vec vec_sigmoid(Vec x) { return 1.0f / (1.0f + vec_exp(-x)); }

// tanh: fast_tanh's rational function on [-9, 9], clamped to [-1, 1] (activations.h says why).
RNN_LEVEL_TARGET inline Vec vec_tanh(Vec a) {
  const Vec x = clamp_below(clamp_above(a, kTanhClamp), -kTanhClamp);
  const Vec t = tanh_rational(x);  // inlined into the level's target: the template is not a call
  return clamp_below(clamp_above(t, 1.0f), -1.0f);
}

RNN_LEVEL_TARGET inline Vec vec_activate(Activation act, Vec x) {
  switch (act) {
    case Activation::Tanh:
      return vec_tanh(x);
    case Activation::Sigmoid:
      return vec_sigmoid(x);
    case Activation::Relu:
      return x > 0.0f ? x : Vec{};
    case Activation::Linear:
      return x;
    case Activation::HardSigmoid: {
      const Vec y = x / 6.0f + 0.5f;
      return y < 0.0f ? Vec{} : (y > 1.0f ? splat(1.0f) : y);
    }
  }
  return x;
}

// x[0 .. count) through act, in place: one switch for the whole array, then a loop over
// independent vectors. One vector's chain (e^x or the rational function, then a division) has far
// more latency than instructions, and the GRU pass, whose n waits on r, ran 1.06–1.13× faster at
// medium size with its activations batched like this than one vector at a time (LSTM: unchanged).
RNN_LEVEL_TARGET inline void vec_activate_all(Activation act, Vec* x, int count) {
  switch (act) {
    case Activation::Tanh:
      for (int j = 0; j < count; ++j) x[j] = vec_tanh(x[j]);
      return;
    case Activation::Sigmoid:
      for (int j = 0; j < count; ++j) x[j] = vec_sigmoid(x[j]);
      return;
    default:
      for (int j = 0; j < count; ++j) x[j] = vec_activate(act, x[j]);
  }
}
