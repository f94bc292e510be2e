// The step micro-kernel, compiled once per CPU level: included by step_kernels_<level>.cc inside
// namespace rnn::<level>, after every header it needs, with
//   RNN_LEVEL_TARGET  the target attribute of the level (empty for generic)
//   RNN_LEVEL_LANES   floats per vector (4, 8, 16)
//   RNN_LEVEL_ROWS    rows per micro-tile: as many as the vector registers hold accumulators for
//                     (two per row), with room for the panel row and the broadcast
//   RNN_LEVEL_FUSED_INPUT_MAX_BYTES   packed W_ih + W_hh up to which forward steps compute their
//                     own input product (StepKernels::fused_input_max_bytes)
//   RNN_LEVEL_PROJECT_AHEAD   1 where a lone row's steps compute later steps' input product
//                     (ProjectionAhead; StepKernels::project_block), else 0
// Everything here lives in the level's namespace, so no inline copy of one level can stand in for
// another's at link time; headers are included before the target region, so what they define inline
// stays baseline code (and inlines into the level's functions).

constexpr int kLanes = RNN_LEVEL_LANES;
constexpr int kPanel = 2 * kLanes;  // floats per packed panel row
constexpr int kRows = RNN_LEVEL_ROWS;

typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));

RNN_LEVEL_TARGET inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

RNN_LEVEL_TARGET inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }

// Panels multiplied at once by a block of R rows: enough independent accumulators to hide the FMA
// latency when R is small (a lone row, B = 1, would otherwise wait on one chain per vector), at
// most kRows · 2 of them.
constexpr int panels_for(int R) { return kRows / R < 1 ? 1 : kRows / R > 4 ? 4 : kRows / R; }

// c[R, P·kPanel] = a[R, K] · [panel_0 … panel_{P−1}], panel p [K, kPanel] at panel + p·stride
// (overwrites c; rows of a and c lda / ldc apart). Each sum runs over k in order in its own
// accumulator, so a row's result depends neither on R and P nor on its neighbours.
template <int R, int P>
RNN_LEVEL_TARGET void rows_times_panels(const float* a, std::size_t lda, const float* panel, std::size_t stride,
                                        int K, float* c, std::size_t ldc) {
  Vec acc[R][2 * P];
#pragma GCC unroll 16
  for (int m = 0; m < R; ++m) {
#pragma GCC unroll 8
    for (int v = 0; v < 2 * P; ++v) acc[m][v] = Vec{};
  }
  for (int k = 0; k < K; ++k) {
    Vec b[2 * P];
#pragma GCC unroll 8
    for (int v = 0; v < 2 * P; ++v) b[v] = load(panel + (v / 2) * stride + static_cast<std::size_t>(k) * kPanel + (v % 2) * kLanes);
#pragma GCC unroll 16
    for (int m = 0; m < R; ++m) {
      const float s = a[m * lda + k];
#pragma GCC unroll 8
      for (int v = 0; v < 2 * P; ++v) acc[m][v] += s * b[v];
    }
  }
#pragma GCC unroll 16
  for (int m = 0; m < R; ++m) {
#pragma GCC unroll 8
    for (int v = 0; v < 2 * P; ++v) store(c + m * ldc + v * kLanes, acc[m][v]);
  }
}

using PanelFn = void (*)(const float*, std::size_t, const float*, std::size_t, int, float*, std::size_t);

template <int R, int... P>
constexpr std::array<PanelFn, 4> panel_fns_of_rows(std::integer_sequence<int, P...>) {
  return {&rows_times_panels<R, (P + 1 < panels_for(R) ? P + 1 : panels_for(R))>...};
}

template <int... R>
constexpr std::array<std::array<PanelFn, 4>, sizeof...(R)> panel_fns(std::integer_sequence<int, R...>) {
  return {panel_fns_of_rows<R + 1>(std::make_integer_sequence<int, 4>{})...};
}

// c = a · panels for 1 ≤ rows ≤ kRows and n consecutive panels (stride apart, results kPanel
// apart in c), as few micro-kernel calls as the accumulators allow, their panels shared out evenly:
// two rows times four panels (an LSTM's gates) as 2 + 2, not 3 + 1, whose one-panel call keeps 4
// sums in flight where two FMA pipes of latency 4 need 8. The results are the same bits (a row's
// sums do not depend on P); on the noisy Zen 3 VM a two-row LSTM call read 0.94–1.15×, not resolved.
inline void panel_rows(int rows, int n, const float* a, std::size_t lda, const float* panel, std::size_t stride, int K,
                       float* c, std::size_t ldc) {
  static constexpr std::array<std::array<PanelFn, 4>, kRows> kFns = panel_fns(std::make_integer_sequence<int, kRows>{});
  const int most = panels_for(rows), calls = (n + most - 1) / most;
  for (int call = 0, done = 0; call < calls; ++call) {
    const int p = (n - done) / (calls - call);  // the rest shared out over the calls left
    kFns[rows - 1][p - 1](a, lda, panel + done * stride, stride, K, c + done * kPanel, ldc);
    done += p;
  }
}

// One unit of a ProjectionAhead (step_kernels.h): tile unit / G of gate unit % G of W_ih, for the
// kBlock steps of a block.
struct AheadUnit {
  const float* x[ProjectionAhead::kBlock];  // each step's input row [I] (zeros past the last step)
  float* out[ProjectionAhead::kBlock];      // where its nu projections go (null past the last step)
  const float* panel;       // W_ih's panel [I, kPanel]
  const float* bias;        // [nu] or null
  int nu;                   // units of the tile
};

inline AheadUnit ahead_unit(const ProjectionAhead& p, int block, int unit) {
  const PackedGates& w = *p.w_ih;
  const int tile = unit / w.G, gate = unit % w.G, u0 = tile * kPanel;
  const std::size_t col = static_cast<std::size_t>(gate) * w.H + u0;  // first column of the unit
  const std::size_t GH = static_cast<std::size_t>(w.G) * w.H;
  AheadUnit u;
  u.panel = w.panel(tile, gate);
  u.bias = p.bias ? p.bias + col : nullptr;
  u.nu = w.H - u0 < kPanel ? w.H - u0 : kPanel;
  for (int m = 0; m < ProjectionAhead::kBlock; ++m) {
    const int s = block * ProjectionAhead::kBlock + m;
    const int t = time_of_step(s, p.T, p.reverse);
    u.x[m] = s < p.T ? p.x + static_cast<std::size_t>(t) * w.K : p.zeros;
    u.out[m] = s < p.T ? p.rows + static_cast<std::size_t>(t) * GH + col : nullptr;
  }
  return u;
}

// c[P·kPanel] = a[K] · P panels (stride apart), the sums of rows_times_panels<1, P> in the same
// order, while the same loop computes one unit of the projections ahead: its I steps spread over the
// row's K, so that their FMAs fill the gaps the row's loads from L2 leave (a lone row uses each
// loaded W_hh value once). The unit's sums also run over k in order, one accumulator each, as
// rows_times_panels would give them. P = 0: the unit alone.
template <int P>
RNN_LEVEL_TARGET void row_with_unit(const float* a, const float* panel, std::size_t stride, int K, float* c,
                                    const AheadUnit& u, int I) {
  constexpr int kUnitRows = ProjectionAhead::kBlock;
  Vec acc[P > 0 ? 2 * P : 1];
#pragma GCC unroll 8
  for (int v = 0; v < 2 * P; ++v) acc[v] = Vec{};
  Vec part[kUnitRows][2];
#pragma GCC unroll 8
  for (int m = 0; m < kUnitRows; ++m) part[m][0] = part[m][1] = Vec{};
  // Before unit step i, the row's steps up to ⌊(i + 1)·K / I⌋, counted without a division per i.
  const int per_step = P > 0 ? K / I : 0, remainder = P > 0 ? K % I : 0;
  int k = 0, carried = 0;
  for (int i = 0; i < I; ++i) {
    int k_end = k + per_step;
    carried += remainder;
    if (carried >= I) carried -= I, ++k_end;
    for (; k < k_end; ++k) {
      const float s = a[k];
#pragma GCC unroll 8
      for (int v = 0; v < 2 * P; ++v) acc[v] += s * load(panel + (v / 2) * stride + static_cast<std::size_t>(k) * kPanel + (v % 2) * kLanes);
    }
    const Vec w0 = load(u.panel + static_cast<std::size_t>(i) * kPanel), w1 = load(u.panel + static_cast<std::size_t>(i) * kPanel + kLanes);
#pragma GCC unroll 8
    for (int m = 0; m < kUnitRows; ++m) {
      const float s = u.x[m][i];
      part[m][0] += s * w0;
      part[m][1] += s * w1;
    }
  }
#pragma GCC unroll 8
  for (int v = 0; v < 2 * P; ++v) store(c + v * kLanes, acc[v]);
  for (int m = 0; m < kUnitRows; ++m) {
    if (u.out[m] == nullptr) continue;
    alignas(64) float row[kPanel];  // [kPanel] the unit's sums of step m, then plus the bias
    store(row, part[m][0]);
    store(row + kLanes, part[m][1]);
    if (u.bias) {
      for (int v = 0; v < u.nu; ++v) row[v] += u.bias[v];
    }
    std::memcpy(u.out[m], row, u.nu * sizeof(float));
  }
}

using RowWithUnitFn = void (*)(const float*, const float*, std::size_t, int, float*, const AheadUnit&, int);
constexpr RowWithUnitFn kRowWithUnit[5] = {&row_with_unit<0>, &row_with_unit<1>, &row_with_unit<2>,
                                           &row_with_unit<3>, &row_with_unit<4>};

// Every unit of block `block` (StepKernels::project_block).
RNN_LEVEL_TARGET void project_block(const ProjectionAhead& p, int block) {
  const int units = p.w_ih->tiles * p.w_ih->G;
  for (int unit = 0; unit < units; ++unit) {
    kRowWithUnit[0](nullptr, nullptr, 0, 0, nullptr, ahead_unit(p, block, unit), p.w_ih->K);
  }
}

// Prefetches `gates` blocks (H apart) of kPanel floats in each of `rows` rows (ld apart) into L1.
RNN_LEVEL_TARGET inline void prefetch_tile(const float* p, std::size_t ld, int rows, int gates, int H) {
  constexpr int kLine = 64 / sizeof(float);
  for (int m = 0; m < rows; ++m) {
    for (int g = 0; g < gates; ++g) {
      const float* q = p + m * ld + static_cast<std::size_t>(g) * H;
      for (int v = 0; v < kPanel; v += kLine) __builtin_prefetch(q + v, 0, 3);
    }
  }
}

// What a cell's gate pass does with one row's sums: units(step, b, u0, n, sums, pre, stride) for
// units u0 .. u0 + n of row b, the sums h · W_hhᵀ of gate g at sums[g·kPanel ..], the input
// pre-activations x · W_ihᵀ + bias of gate g at pre[g·stride ..].
template <class Step>
using UnitsFn = void (*)(const Step&, int b, int u0, int n, const float* sums, const float* pre, std::size_t stride);

// The same pass over whole tiles (kPanel units) of `rows` consecutive rows from b: row m's sums at
// sums + m·ld, its input pre-activations at pre + m·ld_in (gates `stride` apart).
template <class Step>
using BlockFn = void (*)(const Step&, int b, int rows, int u0, const float* sums, std::size_t ld, const float* pre,
                         std::size_t ld_in, std::size_t stride);

// fused[m, g, v] += bias[g·H + u0 + v] for the rows of a block, units v < n of the tile.
RNN_LEVEL_TARGET inline void add_bias(float* fused, int rows, int gates, std::size_t ld, const float* bias, int H, int u0,
                                      int n) {
  for (int m = 0; m < rows; ++m) {
    for (int g = 0; g < gates; ++g) {
      float* f = fused + m * ld + g * kPanel;
      const float* b = bias + static_cast<std::size_t>(g) * H + u0;
      for (int v = 0; v < n; ++v) f[v] += b[v];
    }
  }
}

// One forward step of a lone row (row step.b0, a: its [K] input to W_hh), its inputs read from
// in.rows: the products of up to kRows tiles into `sums` (those that carry a unit of the projections
// ahead through row_with_unit), then one `tiles` pass over the whole ones, each tile a row of the
// pass: with one row, a pass over one tile at a time runs two vectors a gate, too few to keep the
// activations' dependency chains busy. The partial last tile goes through `units`.
template <class Step, UnitsFn<Step> units, BlockFn<Step> tiles>
RNN_LEVEL_TARGET void one_row_product(const PackedGates& w, const float* a, const Step& step) {
  const StepInputs& in = step.in;
  alignas(64) float sums[kRows * 4 * kPanel];  // [tiles ≤ kRows, G ≤ 4, kPanel] h · W_hhᵀ
  const std::size_t ld = static_cast<std::size_t>(w.G) * kPanel, stride = static_cast<std::size_t>(w.H);
  const float* pre = in.rows + static_cast<std::size_t>(step.b0) * in.ld;  // [G·H] the row's inputs
  // The projections ahead: this step's (step, tile) products carry the next block's units, slot by
  // slot, unit (step mod kBlock)·tiles + tile, while there are units and a next block.
  const ProjectionAhead* ahead = in.ahead;
  const int next_block = in.step / ProjectionAhead::kBlock + 1;
  const int first_unit = (in.step % ProjectionAhead::kBlock) * w.tiles;
  const int ahead_units = ahead && next_block * ProjectionAhead::kBlock < ahead->T ? ahead->w_ih->tiles * ahead->w_ih->G : 0;
  const int whole = w.H / kPanel;
  for (int t0 = 0; t0 < w.tiles; t0 += kRows) {
    const int t1 = w.tiles - t0 < kRows ? w.tiles : t0 + kRows;
    for (int tile = t0; tile < t1; ++tile) {
      float* out = sums + static_cast<std::size_t>(tile - t0) * ld;
      if (first_unit + tile < ahead_units) {
        kRowWithUnit[w.G](a, w.panel(tile, 0), w.panel_stride(), w.K, out,
                          ahead_unit(*ahead, next_block, first_unit + tile), ahead->w_ih->K);
      } else {
        panel_rows(1, w.G, a, w.K, w.panel(tile, 0), w.panel_stride(), w.K, out, ld);
      }
    }
    const int full = (t1 < whole ? t1 : whole) - t0;  // whole tiles of this group
    if (full > 0) tiles(step, step.b0, full, t0 * kPanel, sums, ld, pre + t0 * kPanel, kPanel, stride);
    if (t1 > whole) {
      const int u0 = whole * kPanel;
      units(step, step.b0, u0, w.H - u0, sums + static_cast<std::size_t>(whole - t0) * ld, pre + u0, stride);
    }
  }
}

// One forward step of rows [step.b0, step.b1): a ([B, lda]) times the PackedGates w, tile by tile:
// for each tile of units (outer, so its panels stay in cache across the row blocks) and each block
// of up to kRows rows, the sums of every gate go to `sums`, and the gate pass runs on them at once.
// Whole tiles call units with the constant n = kPanel, so its loops have fixed trip counts.
//
// The input pre-activations (step.in, StepInputs) are either computed here, tile by tile, from the
// step's input rows and W_ih packed like W_hh, so they never leave L1; or read from the buffer the
// input GEMM filled for every step beforehand, far larger than the caches: then each block prefetches
// the lines its rows' next tile will read, which arrive while the tile's other row blocks run.
//
// A lone row (one row in the step, inputs not fused) with a `tiles` pass goes through
// one_row_product instead.
template <class Step, UnitsFn<Step> units, BlockFn<Step> block, BlockFn<Step> tiles = nullptr>
RNN_LEVEL_TARGET void gate_product(const PackedGates& w, const float* a, int lda, const Step& step) {
  if constexpr (tiles != nullptr) {
    if (step.b1 - step.b0 == 1 && step.in.w_ih == nullptr) {
      one_row_product<Step, units, tiles>(w, a + static_cast<std::size_t>(step.b0) * lda, step);
      return;
    }
  }
  const StepInputs& in = step.in;
  alignas(64) float sums[kRows * 4 * kPanel];   // [rows, G ≤ 4, kPanel] h · W_hhᵀ
  alignas(64) float fused[kRows * 4 * kPanel];  // [rows, G_in ≤ 4, kPanel] x · W_ihᵀ + bias (fused inputs)
  const std::size_t ld = static_cast<std::size_t>(w.G) * kPanel;
  const int in_gates = in.w_ih ? in.w_ih->G : static_cast<int>(in.ld / w.H);
  const std::size_t ld_in = in.w_ih ? static_cast<std::size_t>(in_gates) * kPanel : in.ld;
  const std::size_t stride = in.w_ih ? kPanel : static_cast<std::size_t>(w.H);
  for (int tile = 0; tile < w.tiles; ++tile) {
    const int u0 = tile * kPanel, nu = w.H - u0 < kPanel ? w.H - u0 : kPanel;
    for (int b = step.b0; b < step.b1; b += kRows) {
      const int rows = step.b1 - b < kRows ? step.b1 - b : kRows;
      const float* a_rows = a + static_cast<std::size_t>(b) * lda;
      const float* pre = fused;
      if (in.w_ih) {
        const PackedGates& wi = *in.w_ih;
        panel_rows(rows, in_gates, in.x + static_cast<std::size_t>(b) * in.ldx, in.ldx, wi.panel(tile, 0),
                   wi.panel_stride(), wi.K, fused, ld_in);
        if (in.bias) add_bias(fused, rows, in_gates, ld_in, in.bias, w.H, u0, nu);
      } else {
        pre = in.rows + static_cast<std::size_t>(b) * ld_in + u0;
        if (tile + 1 < w.tiles) prefetch_tile(pre + kPanel, ld_in, rows, in_gates, w.H);
      }
      panel_rows(rows, w.G, a_rows, lda, w.panel(tile, 0), w.panel_stride(), w.K, sums, ld);
      if (nu == kPanel) {
        block(step, b, rows, u0, sums, ld, pre, ld_in, stride);
      } else {
        for (int m = 0; m < rows; ++m) units(step, b + m, u0, nu, sums + m * ld, pre + m * ld_in, stride);
      }
    }
  }
}

// Panels go in groups of up to four (outer, so they stay in cache across the row blocks); the
// panel past N, if any, goes through `part`.
RNN_LEVEL_TARGET void column_product(const ColumnProduct& p) {
  alignas(64) float part[kRows * kPanel];  // [rows, kPanel]
  const PackedColumns& w = *p.w;
  const int K = p.k1 - p.k0, full = w.N / kPanel;
  for (int j = 0; j < w.panels; j += 4) {
    const int n = full - j < 4 ? full - j : 4;           // whole panels in the group
    const int rest = n < 4 ? w.N - full * kPanel : 0;  // columns of the last panel when it is partial
    for (int b = p.b0; b < p.b1; b += kRows) {
      const int rows = p.b1 - b < kRows ? p.b1 - b : kRows;
      const float* a = p.a + static_cast<std::size_t>(b) * p.lda;
      float* c = p.c + static_cast<std::size_t>(b) * p.ldc + j * kPanel;
      if (n > 0) panel_rows(rows, n, a, p.lda, w.panel(j, p.k0), w.panel_stride(), K, c, p.ldc);
      if (rest == 0) continue;
      panel_rows(rows, 1, a, p.lda, w.panel(full, p.k0), w.panel_stride(), K, part, kPanel);
      for (int m = 0; m < rows; ++m) {
        std::memcpy(c + static_cast<std::size_t>(m) * p.ldc + n * kPanel, part + m * kPanel, rest * sizeof(float));
      }
    }
  }
}
