// The cells' forward gate passes, run by gate_product on each tile's sums, and the level's kernel
// table. Included after micro_kernel.inl (same namespace and macros). A pass works on whole tiles
// (kPanel units) of a block of rows, or on the `n` units of one row's last tile staged in [kPanel]
// arrays, so that every loop, activations included, runs over whole vectors.

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

constexpr int kVecs = kPanel / kLanes;  // vectors per row and gate in a tile

// LSTM (lstm.h) over whole tiles of `rows` rows: i, f, g, o from the inputs and the sums, c' and
// h'. Each step of the formula runs over every row's vectors before the next step starts
// (vec_activate_all says why), in Vec arrays [gate, row · kVecs] that stay in L1. Row m's sums at
// sums + m·ld, inputs at pre + m·ld_in (gates `stride` apart), c, c' and h' ld_h apart, gates
// (gate k at + k·gate_stride) ld_gates apart; peep (p_i, p_f, p_o peep_stride apart; row m's at
// + m·ld_peep) and gates may be null.
RNN_LEVEL_TARGET inline void lstm_vectors(const LstmStep& s, int rows, const float* sums, std::size_t ld,
                                          const float* pre, std::size_t ld_in, std::size_t stride, const float* cp,
                                          const float* peep, std::size_t peep_stride, std::size_t ld_peep,
                                          float* c_new, float* y,
                                          std::size_t ld_h, float* gates, std::size_t gate_stride,
                                          std::size_t ld_gates) {
  const int n = rows * kVecs;
  Vec z[4 * kRows * kVecs];  // [4, n] i, f, o, g: pre-activations, then gates
  Vec c[kRows * kVecs];      // [n] c', then act(c')
  Vec *i = z, *f = z + n, *o = z + 2 * n, *g = z + 3 * n;
  for (int m = 0; m < rows; ++m) {
    for (int v = 0; v < kVecs; ++v) {
      const int j = m * kVecs + v;
      const float* sm = sums + m * ld + v * kLanes;
      const float* pm = pre + m * ld_in + v * kLanes;
      i[j] = load(pm) + load(sm);
      f[j] = load(pm + stride) + load(sm + kPanel);
      g[j] = load(pm + 2 * stride) + load(sm + 2 * kPanel);
      o[j] = load(pm + 3 * stride) + load(sm + 3 * kPanel);
      if (peep) {
        const Vec c0 = load(cp + m * ld_h + v * kLanes);
        const float* pm_peep = peep + m * ld_peep + v * kLanes;
        i[j] += load(pm_peep) * c0;
        f[j] += load(pm_peep + peep_stride) * c0;
      }
    }
  }
  vec_activate_all(s.rec, z, peep ? 2 * n : 3 * n);  // o waits for c' when there are peepholes
  vec_activate_all(s.act, g, n);
  for (int m = 0; m < rows; ++m) {
    for (int v = 0; v < kVecs; ++v) {
      const int j = m * kVecs + v;
      const std::size_t at = m * ld_h + v * kLanes;
      c[j] = f[j] * load(cp + at) + i[j] * g[j];
      store(c_new + at, c[j]);
      if (peep) o[j] += load(peep + m * ld_peep + 2 * peep_stride + v * kLanes) * c[j];
    }
  }
  if (peep) vec_activate_all(s.rec, o, n);
  vec_activate_all(s.act, c, n);
  for (int m = 0; m < rows; ++m) {
    for (int v = 0; v < kVecs; ++v) {
      const int j = m * kVecs + v;
      store(y + m * ld_h + v * kLanes, o[j] * c[j]);
      if (!gates) continue;
      float* gm = gates + m * ld_gates + v * kLanes;
      store(gm, i[j]);
      store(gm + gate_stride, f[j]);
      store(gm + 2 * gate_stride, g[j]);
      store(gm + 3 * gate_stride, o[j]);
    }
  }
}

// The rows of the pass are the batch rows b, b + 1, … of the tile at u0 (kTileRows false), or the
// `rows` consecutive whole tiles of row b from u0, each taken as a row (kTileRows: one_row_product's
// pass, so that a lone row runs each step of the formula over all the tiles' vectors at once, where
// one tile's two vectors a gate left the activations' dependency chains waiting). Row to row, the
// state moves H floats (the next batch row) or kPanel (the next tile).
template <bool kTileRows>
RNN_EPILOGUE void lstm_block(const LstmStep& s, int b, int rows, int u0, const float* sums, std::size_t ld,
                             const float* pre, std::size_t ld_in, std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  const float* peep = s.peephole ? s.peephole + u0 : nullptr;  // p_i; p_f at + H, p_o at + 2H
  float* gates = s.store_gates ? s.gates + static_cast<std::size_t>(b) * 4 * H + u0 : nullptr;  // gate k at + k·H
  const std::size_t ld_h = kTileRows ? kPanel : H, ld_peep = kTileRows ? kPanel : 0;
  const std::size_t ld_gates = kTileRows ? kPanel : 4 * static_cast<std::size_t>(H);
  lstm_vectors(s, rows, sums, ld, pre, ld_in, stride, s.c_prev + at, peep, H, ld_peep, s.c_new + at, s.y + at, ld_h,
               gates, H, ld_gates);
}

// A partial tile of one row.
RNN_EPILOGUE void lstm_units(const LstmStep& s, int b, int u0, int n, const float* sums, const float* pre,
                             std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  const float* peep = s.peephole ? s.peephole + u0 : nullptr;
  float* gates = s.store_gates ? s.gates + static_cast<std::size_t>(b) * 4 * H + u0 : nullptr;
  Staged<4> p, g;
  Staged<3> pp;
  Staged<1> cp, c, y;
  lstm_vectors(s, 1, sums, 0, p.in(pre, stride, n), 0, kPanel, cp.in(s.c_prev + at, 0, n),
               peep ? pp.in(peep, H, n) : nullptr, kPanel, 0, c.v[0], y.v[0], 0, gates ? g.v[0] : nullptr, kPanel, 0);
  c.out(s.c_new + at, 0, n);
  y.out(s.y + at, 0, n);
  if (gates) g.out(gates, H, n);
}

// GRU, reset_after, over whole tiles of `rows` rows: r, z, n and h' from one product over the three
// gates, step by step over all rows' vectors as in lstm_vectors. h and h' ld_h apart; gates (r, z,
// n gate_stride apart) ld_gates apart and extra (W_hn hm + b_hn, ld_h apart) may be null; row m's
// b_hn at b_hn + m·ld_bhn.
RNN_LEVEL_TARGET inline void gru_vectors(const GruStep& s, int rows, const float* sums, std::size_t ld,
                                         const float* pre, std::size_t ld_in, std::size_t stride, const float* b_hn,
                                         std::size_t ld_bhn, const float* hp, float* y, std::size_t ld_h, float* gates,
                                         std::size_t gate_stride, std::size_t ld_gates, float* extra) {
  const int n = rows * kVecs;
  Vec rz[2 * kRows * kVecs];  // [2, n] r, z
  Vec hn[kRows * kVecs];      // [n] W_hn hm + b_hn
  Vec nn[kRows * kVecs];      // [n] n
  Vec *r = rz, *z = rz + n;
  for (int m = 0; m < rows; ++m) {
    for (int v = 0; v < kVecs; ++v) {
      const int j = m * kVecs + v;
      const float* sm = sums + m * ld + v * kLanes;
      const float* pm = pre + m * ld_in + v * kLanes;
      r[j] = load(pm) + load(sm);
      z[j] = load(pm + stride) + load(sm + kPanel);
    }
  }
  vec_activate_all(s.rec, rz, 2 * n);
  for (int m = 0; m < rows; ++m) {
    for (int v = 0; v < kVecs; ++v) {
      const int j = m * kVecs + v;
      const float* sm = sums + m * ld + v * kLanes;
      hn[j] = b_hn ? load(sm + 2 * kPanel) + load(b_hn + m * ld_bhn + v * kLanes) : load(sm + 2 * kPanel);
      nn[j] = load(pre + m * ld_in + v * kLanes + 2 * stride) + r[j] * hn[j];
    }
  }
  vec_activate_all(s.act, nn, n);
  for (int m = 0; m < rows; ++m) {
    for (int v = 0; v < kVecs; ++v) {
      const int j = m * kVecs + v;
      const std::size_t at = m * ld_h + v * kLanes;
      store(y + at, (1.0f - z[j]) * nn[j] + z[j] * load(hp + at));
      if (!gates) continue;
      float* gm = gates + m * ld_gates + v * kLanes;
      store(gm, r[j]);
      store(gm + gate_stride, z[j]);
      store(gm + 2 * gate_stride, nn[j]);
      store(extra + at, hn[j]);
    }
  }
}

// Rows as in lstm_block: batch rows of one tile, or (kTileRows) whole tiles of row b.
template <bool kTileRows>
RNN_EPILOGUE void gru_block(const GruStep& s, int b, int rows, int u0, const float* sums, std::size_t ld,
                            const float* pre, std::size_t ld_in, std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  float* gates = s.store_gates ? s.gates + static_cast<std::size_t>(b) * 3 * H + u0 : nullptr;
  const std::size_t ld_h = kTileRows ? kPanel : H, ld_bhn = kTileRows ? kPanel : 0;
  const std::size_t ld_gates = kTileRows ? kPanel : 3 * static_cast<std::size_t>(H);
  gru_vectors(s, rows, sums, ld, pre, ld_in, stride, s.b_hn ? s.b_hn + u0 : nullptr, ld_bhn, s.h_prev + at, s.y + at,
              ld_h, gates, H, ld_gates, gates ? s.extra + at : nullptr);
}

// A partial tile of one row.
RNN_EPILOGUE void gru_units(const GruStep& s, int b, int u0, int n, const float* sums, const float* pre,
                            std::size_t stride) {
  const int H = s.H;
  const std::size_t at = static_cast<std::size_t>(b) * H + u0;
  const float* b_hn = s.b_hn ? s.b_hn + u0 : nullptr;
  float* gates = s.store_gates ? s.gates + static_cast<std::size_t>(b) * 3 * H + u0 : nullptr;
  Staged<3> p, g;
  Staged<1> bh, hp, y, e;
  gru_vectors(s, 1, sums, 0, p.in(pre, stride, n), 0, kPanel, b_hn ? bh.in(b_hn, 0, n) : nullptr, 0,
              hp.in(s.h_prev + at, 0, n), y.v[0], 0, gates ? g.v[0] : nullptr, kPanel, 0, e.v[0]);
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

// SimpleRNN: y = act(inputs + sums). Row by row: with one activation per unit there is no chain
// worth interleaving, and the block form measured 10% slower.
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

// The whole-tile form of a one-row pass, for the passes that keep the row-by-row form (SimpleRNN,
// and GRU with the reset gate before W_hn: its two products are not on the hot path).
template <class Step, UnitsFn<Step> units>
RNN_EPILOGUE void each_row(const Step& s, int b, int rows, int u0, const float* sums, std::size_t ld, const float* pre,
                           std::size_t ld_in, std::size_t stride) {
  for (int m = 0; m < rows; ++m) units(s, b + m, u0, kPanel, sums + m * ld, pre + m * ld_in, stride);
}

#undef RNN_EPILOGUE

RNN_LEVEL_TARGET void lstm_forward(const LstmStep& s) {
  gate_product<LstmStep, lstm_units, lstm_block<false>, lstm_block<true>>(*s.w, s.hm, s.H, s);
}

RNN_LEVEL_TARGET void gru_forward(const GruStep& s) {
  if (s.reset_after) {
    gate_product<GruStep, gru_units, gru_block<false>, gru_block<true>>(*s.w_rz, s.hm, s.H, s);
    return;
  }
  gate_product<GruStep, gru_reset_units, each_row<GruStep, gru_reset_units>>(*s.w_rz, s.hm, s.H, s);
  gate_product<GruStep, gru_new_units, each_row<GruStep, gru_new_units>>(*s.w_n, s.extra, s.H, s);
}

RNN_LEVEL_TARGET void rnn_forward(const RnnStep& s) { gate_product<RnnStep, rnn_units, each_row<RnnStep, rnn_units>>(*s.w, s.hm, s.H, s); }

const StepKernels& kernels() {
  static const StepKernels table{RNN_LEVEL_ID,  kPanel,        RNN_LEVEL_FUSED_INPUT_MAX_BYTES,
                                 &lstm_forward, &gru_forward,  &rnn_forward,
                                 &column_product, RNN_LEVEL_PROJECT_AHEAD ? &project_block : nullptr};
  return table;
}
