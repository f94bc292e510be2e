// The cells' forward gate passes, run by gate_product on each tile's sums, and the level's kernel
// table. Included after micro_kernel.inl (same namespace and macros). A pass works on `n` units of
// one row (n = kPanel but for the last tile), staging them in [kPanel] arrays so that every loop,
// activations included, runs over whole vectors.

#define RNN_EPILOGUE RNN_LEVEL_TARGET __attribute__((always_inline)) inline

// LSTM (lstm.h): i, f, g, o from the sums, c' and h'.
RNN_EPILOGUE void lstm_units(const LstmStep& s, int b, int u0, int n, const float* sums) {
  const int H = s.H;
  float* pre = s.gates + static_cast<std::size_t>(b) * 4 * H + u0;  // gate block k at pre + k·H
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  const float* cp = s.c_prev + at;
  float x[4][kPanel] = {};  // i, f, g, o: pre-activations, then activations
  float c[kPanel] = {}, act_c[kPanel];
  for (int g = 0; g < 4; ++g) {
    for (int v = 0; v < n; ++v) x[g][v] = pre[g * H + v] + sums[g * kPanel + v];
  }
  const float* peep = s.peephole ? s.peephole + u0 : nullptr;  // p_i; p_f at + H, p_o at + 2H
  if (peep) {
    for (int v = 0; v < n; ++v) {
      x[0][v] += peep[v] * cp[v];
      x[1][v] += peep[H + v] * cp[v];
    }
  }
  activate_inplace(s.rec, x[0], 2 * kPanel);  // i, f
  activate_inplace(s.act, x[2], kPanel);
  for (int v = 0; v < n; ++v) c[v] = x[1][v] * cp[v] + x[0][v] * x[2][v];
  if (peep) {
    for (int v = 0; v < n; ++v) x[3][v] += peep[2 * H + v] * c[v];
  }
  activate_inplace(s.rec, x[3], kPanel);
  std::memcpy(act_c, c, sizeof c);
  activate_inplace(s.act, act_c, kPanel);
  for (int v = 0; v < n; ++v) {
    s.c_new[at + v] = c[v];
    s.y[at + v] = x[3][v] * act_c[v];
  }
  if (!s.store_gates) return;
  for (int g = 0; g < 4; ++g) std::memcpy(pre + g * H, x[g], n * sizeof(float));
}

// GRU, reset_after: r, z, n and h' from one product over the three gates.
RNN_EPILOGUE void gru_units(const GruStep& s, int b, int u0, int n, const float* sums) {
  const int H = s.H;
  float* pre = s.gates + static_cast<std::size_t>(b) * 3 * H + u0;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  float x[3][kPanel] = {};  // r, z, n
  float hn[kPanel] = {};    // W_hn hm + b_hn
  for (int g = 0; g < 2; ++g) {
    for (int v = 0; v < n; ++v) x[g][v] = pre[g * H + v] + sums[g * kPanel + v];
  }
  for (int v = 0; v < n; ++v) {
    hn[v] = sums[2 * kPanel + v] + (s.b_hn ? s.b_hn[u0 + v] : 0.0f);
    x[2][v] = pre[2 * H + v];
  }
  activate_inplace(s.rec, x[0], 2 * kPanel);  // r, z
  for (int v = 0; v < n; ++v) x[2][v] += x[0][v] * hn[v];
  activate_inplace(s.act, x[2], kPanel);
  const float* hp = s.h_prev + at;
  for (int v = 0; v < n; ++v) s.y[at + v] = (1.0f - x[1][v]) * x[2][v] + x[1][v] * hp[v];
  if (!s.store_gates) return;
  for (int g = 0; g < 3; ++g) std::memcpy(pre + g * H, x[g], n * sizeof(float));
  std::memcpy(s.extra + at, hn, n * sizeof(float));
}

// GRU, reset before, first product: r, z (kept: the second pass reads z) and extra = r ⊙ hm.
RNN_EPILOGUE void gru_reset_units(const GruStep& s, int b, int u0, int n, const float* sums) {
  const int H = s.H;
  float* pre = s.gates + static_cast<std::size_t>(b) * 3 * H + u0;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  float x[2][kPanel] = {};  // r, z
  for (int g = 0; g < 2; ++g) {
    for (int v = 0; v < n; ++v) x[g][v] = pre[g * H + v] + sums[g * kPanel + v];
  }
  activate_inplace(s.rec, x[0], 2 * kPanel);
  for (int v = 0; v < n; ++v) s.extra[at + v] = x[0][v] * s.hm[at + v];
  for (int g = 0; g < 2; ++g) std::memcpy(pre + g * H, x[g], n * sizeof(float));
}

// GRU, reset before, second product (W_hn (r ⊙ hm), b_hn folded into the projection): n and h'.
RNN_EPILOGUE void gru_new_units(const GruStep& s, int b, int u0, int n, const float* sums) {
  const int H = s.H;
  float* pre = s.gates + static_cast<std::size_t>(b) * 3 * H + u0;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  float x[kPanel] = {};  // n
  for (int v = 0; v < n; ++v) x[v] = pre[2 * H + v] + sums[v];
  activate_inplace(s.act, x, kPanel);
  const float *z = pre + H, *hp = s.h_prev + at;
  for (int v = 0; v < n; ++v) s.y[at + v] = (1.0f - z[v]) * x[v] + z[v] * hp[v];
  if (s.store_gates) std::memcpy(pre + 2 * H, x, n * sizeof(float));
}

// SimpleRNN: y = act(projection + sums).
RNN_EPILOGUE void rnn_units(const RnnStep& s, int b, int u0, int n, const float* sums) {
  float* y = s.y + static_cast<std::size_t>(b) * s.H + u0;
  float x[kPanel] = {};
  for (int v = 0; v < n; ++v) x[v] = y[v] + sums[v];
  activate_inplace(s.act, x, kPanel);
  std::memcpy(y, x, n * sizeof(float));
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
