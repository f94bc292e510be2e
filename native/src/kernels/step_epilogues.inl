// The cells' forward gate passes, run by gate_product on each tile's sums, and the level's kernel
// table. Included after micro_kernel.inl (same namespace and macros). A pass works on `n` units of
// one row (n = kPanel but for the last tile), staging them in [kPanel] arrays so that every loop,
// activations included, runs over whole vectors.

#define RNN_EPILOGUE RNN_LEVEL_TARGET __attribute__((always_inline)) inline

// Zeroes staging arrays before a partial tile, whose lanes past n would otherwise hold garbage
// through the activations. A whole tile writes every lane first, so it skips this (zeroing 100s of
// bytes per row and tile was a tenth of the gate pass).
template <class... Arrays>
RNN_EPILOGUE void clear(Arrays&... arrays) {
  (std::memset(arrays, 0, sizeof arrays), ...);
}

// Partial tiles (n < kPanel units, the last tile when H is not a multiple of kPanel) run the same
// vector code on zero-padded copies: lanes past n compute harmless values that are never stored.
template <int Rows>
struct Staged {
  alignas(64) float v[Rows][kPanel] = {};
  // Copies n floats of each of the rows (row r at from + r·stride) in, and returns the first row.
  float* in(const float* from, std::size_t stride, int n) {
    for (int r = 0; r < Rows; ++r) std::memcpy(v[r], from + r * stride, n * sizeof(float));
    return v[0];
  }
  void out(float* to, std::size_t stride, int n) const {
    for (int r = 0; r < Rows; ++r) std::memcpy(to + r * stride, v[r], n * sizeof(float));
  }
};

// LSTM (lstm.h) over kPanel units: i, f, g, o from the inputs and the sums, c' and h'. pre, peep,
// gates: gate blocks `stride`, `peep_stride`, `gate_stride` apart; peep and gates may be null.
RNN_LEVEL_TARGET inline void lstm_vectors(const LstmStep& s, const float* sums, const float* pre, std::size_t stride,
                                          const float* cp, const float* peep, std::size_t peep_stride, float* c_new,
                                          float* y, float* gates, std::size_t gate_stride) {
  for (int v = 0; v < kPanel; v += kLanes) {
    Vec i = load(pre + v) + load(sums + v);
    Vec f = load(pre + stride + v) + load(sums + kPanel + v);
    Vec g = load(pre + 2 * stride + v) + load(sums + 2 * kPanel + v);
    Vec o = load(pre + 3 * stride + v) + load(sums + 3 * kPanel + v);
    const Vec c0 = load(cp + v);
    if (peep) {
      i += load(peep + v) * c0;
      f += load(peep + peep_stride + v) * c0;
    }
    i = vec_activate(s.rec, i);
    f = vec_activate(s.rec, f);
    g = vec_activate(s.act, g);
    const Vec c = f * c0 + i * g;
    if (peep) o += load(peep + 2 * peep_stride + v) * c;
    o = vec_activate(s.rec, o);
    store(c_new + v, c);
    store(y + v, o * vec_activate(s.act, c));
    if (gates) {
      store(gates + v, i);
      store(gates + gate_stride + v, f);
      store(gates + 2 * gate_stride + v, g);
      store(gates + 3 * gate_stride + v, o);
    }
  }
}

RNN_EPILOGUE void lstm_units(const LstmStep& s, int b, int u0, int n, const float* sums, const float* pre,
                             std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  const float* peep = s.peephole ? s.peephole + u0 : nullptr;  // p_i; p_f at + H, p_o at + 2H
  float* gates = s.store_gates ? s.gates + static_cast<std::size_t>(b) * 4 * H + u0 : nullptr;  // gate k at + k·H
  if (n == kPanel) {
    lstm_vectors(s, sums, pre, stride, s.c_prev + at, peep, H, s.c_new + at, s.y + at, gates, H);
    return;
  }
  Staged<4> p, g;
  Staged<3> pp;
  Staged<1> cp, c, y;
  lstm_vectors(s, sums, p.in(pre, stride, n), kPanel, cp.in(s.c_prev + at, 0, n), peep ? pp.in(peep, H, n) : nullptr,
               kPanel, c.v[0], y.v[0], gates ? g.v[0] : nullptr, kPanel);
  c.out(s.c_new + at, 0, n);
  y.out(s.y + at, 0, n);
  if (gates) g.out(gates, H, n);
}

// GRU, reset_after, over kPanel units: r, z, n and h' from one product over the three gates.
// gates (r, z, n gate_stride apart) and extra (W_hn hm + b_hn) may be null.
RNN_LEVEL_TARGET inline void gru_vectors(const GruStep& s, const float* sums, const float* pre, std::size_t stride,
                                         const float* b_hn, const float* hp, float* y, float* gates,
                                         std::size_t gate_stride, float* extra) {
  for (int v = 0; v < kPanel; v += kLanes) {
    const Vec r = vec_activate(s.rec, load(pre + v) + load(sums + v));
    const Vec z = vec_activate(s.rec, load(pre + stride + v) + load(sums + kPanel + v));
    const Vec hn = b_hn ? load(sums + 2 * kPanel + v) + load(b_hn + v) : load(sums + 2 * kPanel + v);
    const Vec nn = vec_activate(s.act, load(pre + 2 * stride + v) + r * hn);
    store(y + v, (1.0f - z) * nn + z * load(hp + v));
    if (gates) {
      store(gates + v, r);
      store(gates + gate_stride + v, z);
      store(gates + 2 * gate_stride + v, nn);
      store(extra + v, hn);
    }
  }
}

RNN_EPILOGUE void gru_units(const GruStep& s, int b, int u0, int n, const float* sums, const float* pre,
                            std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  const float* b_hn = s.b_hn ? s.b_hn + u0 : nullptr;
  float* gates = s.store_gates ? s.gates + static_cast<std::size_t>(b) * 3 * H + u0 : nullptr;
  if (n == kPanel) {
    gru_vectors(s, sums, pre, stride, b_hn, s.h_prev + at, s.y + at, gates, H, gates ? s.extra + at : nullptr);
    return;
  }
  Staged<3> p, g;
  Staged<1> bh, hp, y, e;
  gru_vectors(s, sums, p.in(pre, stride, n), kPanel, b_hn ? bh.in(b_hn, 0, n) : nullptr, hp.in(s.h_prev + at, 0, n),
              y.v[0], gates ? g.v[0] : nullptr, kPanel, e.v[0]);
  y.out(s.y + at, 0, n);
  if (!gates) return;
  g.out(gates, H, n);
  e.out(s.extra + at, 0, n);
}

// GRU, reset before (inputs from the projection buffer, s.gates, which keeps r and z for the second
// pass), first product: r, z and extra = r ⊙ hm.
RNN_EPILOGUE void gru_reset_units(const GruStep& s, int b, int u0, int n, const float* sums, const float* pre,
                                  std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  float x[2][kPanel];  // r, z
  if (n < kPanel) clear(x);
  for (int g = 0; g < 2; ++g) {
    for (int v = 0; v < n; ++v) x[g][v] = pre[g * stride + v] + sums[g * kPanel + v];
  }
  activate_inplace(s.rec, x[0], 2 * kPanel);
  for (int v = 0; v < n; ++v) s.extra[at + v] = x[0][v] * s.hm[at + v];
  float* out = s.gates + static_cast<std::size_t>(b) * 3 * H + u0;
  for (int g = 0; g < 2; ++g) std::memcpy(out + g * H, x[g], n * sizeof(float));
}

// GRU, reset before, second product (W_hn (r ⊙ hm), b_hn folded into the projection): n and h'.
RNN_EPILOGUE void gru_new_units(const GruStep& s, int b, int u0, int n, const float* sums, const float* pre,
                                std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  float x[kPanel];  // n
  if (n < kPanel) clear(x);
  for (int v = 0; v < n; ++v) x[v] = pre[2 * stride + v] + sums[v];
  activate_inplace(s.act, x, kPanel);
  float* out = s.gates + static_cast<std::size_t>(b) * 3 * H + u0;
  const float *z = out + H, *hp = s.h_prev + at;
  for (int v = 0; v < n; ++v) s.y[at + v] = (1.0f - z[v]) * x[v] + z[v] * hp[v];
  if (s.store_gates) std::memcpy(out + 2 * H, x, n * sizeof(float));
}

// SimpleRNN: y = act(inputs + sums).
RNN_EPILOGUE void rnn_units(const RnnStep& s, int b, int u0, int n, const float* sums, const float* pre,
                            std::size_t) {
  float* y = s.y + static_cast<std::size_t>(b) * s.H + u0;
  if (n == kPanel) {
    for (int v = 0; v < kPanel; v += kLanes) store(y + v, vec_activate(s.act, load(pre + v) + load(sums + v)));
    return;
  }
  Staged<1> x;
  x.in(pre, 0, n);
  for (int v = 0; v < kPanel; v += kLanes) store(x.v[0] + v, vec_activate(s.act, load(x.v[0] + v) + load(sums + v)));
  x.out(y, 0, n);
}

#undef RNN_EPILOGUE

RNN_LEVEL_TARGET void lstm_forward(const LstmStep& s) { gate_product<LstmStep, lstm_units>(*s.w, s.hm, s.H, s); }

RNN_LEVEL_TARGET void gru_forward(const GruStep& s) {
  if (s.reset_after) {
    gate_product<GruStep, gru_units>(*s.w_rz, s.hm, s.H, s);
    return;
  }
  gate_product<GruStep, gru_reset_units>(*s.w_rz, s.hm, s.H, s);
  gate_product<GruStep, gru_new_units>(*s.w_n, s.extra, s.H, s);
}

RNN_LEVEL_TARGET void rnn_forward(const RnnStep& s) { gate_product<RnnStep, rnn_units>(*s.w, s.hm, s.H, s); }

const StepKernels& kernels() {
  static const StepKernels table{RNN_LEVEL_ID, kPanel, &lstm_forward, &gru_forward, &rnn_forward, &column_product};
  return table;
}
