// The step micro-kernel, compiled once per CPU level: included by step_kernels_<level>.cc inside
// namespace rnn::<level>, after every header it needs, with
//   RNN_LEVEL_TARGET  the target attribute of the level (empty for generic)
//   RNN_LEVEL_LANES   floats per vector (4, 8, 16)
//   RNN_LEVEL_ROWS    rows per micro-tile: as many as the vector registers hold accumulators for
//                     (two per row), with room for the panel row and the broadcast
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

// c[R, kPanel] = a[R, K] · panel[K, kPanel] (overwrites c; rows of a and c lda / ldc apart). Each
// row's sums run over k in order, so a row's result does not depend on R or on its neighbours.
template <int R>
RNN_LEVEL_TARGET void rows_times_panel(const float* a, std::size_t lda, const float* panel, int K, float* c,
                                       std::size_t ldc) {
  Vec lo[R], hi[R];
#pragma GCC unroll 16
  for (int m = 0; m < R; ++m) lo[m] = hi[m] = Vec{};
  for (int k = 0; k < K; ++k) {
    const Vec b_lo = load(panel + static_cast<std::size_t>(k) * kPanel);
    const Vec b_hi = load(panel + static_cast<std::size_t>(k) * kPanel + kLanes);
#pragma GCC unroll 16
    for (int m = 0; m < R; ++m) {
      const float s = a[m * lda + k];
      lo[m] += s * b_lo;
      hi[m] += s * b_hi;
    }
  }
#pragma GCC unroll 16
  for (int m = 0; m < R; ++m) {
    store(c + m * ldc, lo[m]);
    store(c + m * ldc + kLanes, hi[m]);
  }
}

using PanelFn = void (*)(const float*, std::size_t, const float*, int, float*, std::size_t);

template <int... R>
constexpr std::array<PanelFn, sizeof...(R)> panel_fns(std::integer_sequence<int, R...>) {
  return {&rows_times_panel<R + 1>...};
}

// rows_times_panel for 1 ≤ rows ≤ kRows.
inline void panel_rows(int rows, const float* a, std::size_t lda, const float* panel, int K, float* c,
                       std::size_t ldc) {
  static constexpr std::array<PanelFn, kRows> kFns = panel_fns(std::make_integer_sequence<int, kRows>{});
  kFns[rows - 1](a, lda, panel, K, c, ldc);
}

// What a cell's gate pass does with one row's sums: units(step, b, u0, n, sums) for units
// u0 .. u0 + n of row b, the sums of gate g at sums[g·kPanel ..].
template <class Step>
using UnitsFn = void (*)(const Step&, int b, int u0, int n, const float* sums);

// One forward step of rows [step.b0, step.b1): a ([B, lda]) times the PackedGates w, tile by tile:
// for each tile of units (outer, so its panels stay in cache across the row blocks) and each block
// of up to kRows rows, the sums of every gate go to `sums`, and the gate pass runs on them at once.
// Whole tiles call units with the constant n = kPanel, so its loops have fixed trip counts.
template <class Step, UnitsFn<Step> units>
RNN_LEVEL_TARGET void gate_product(const PackedGates& w, const float* a, int lda, const Step& step) {
  alignas(64) float sums[kRows * 4 * kPanel];  // [rows, G ≤ 4, kPanel]
  const std::size_t ld = static_cast<std::size_t>(w.G) * kPanel;
  for (int tile = 0; tile < w.tiles; ++tile) {
    const int u0 = tile * kPanel, nu = w.H - u0 < kPanel ? w.H - u0 : kPanel;
    for (int b = step.b0; b < step.b1; b += kRows) {
      const int rows = step.b1 - b < kRows ? step.b1 - b : kRows;
      const float* a_rows = a + static_cast<std::size_t>(b) * lda;
      for (int g = 0; g < w.G; ++g) panel_rows(rows, a_rows, lda, w.panel(tile, g), w.K, sums + g * kPanel, ld);
      for (int m = 0; m < rows; ++m) {
        if (nu == kPanel) {
          units(step, b + m, u0, kPanel, sums + m * ld);
        } else {
          units(step, b + m, u0, nu, sums + m * ld);
        }
      }
    }
  }
}

RNN_LEVEL_TARGET void column_product(const ColumnProduct& p) {
  alignas(64) float part[kRows * kPanel];  // [rows, kPanel] a panel past N
  const PackedColumns& w = *p.w;
  const int K = p.k1 - p.k0;
  for (int j = 0; j < w.panels; ++j) {
    const int n0 = j * kPanel, nn = w.N - n0 < kPanel ? w.N - n0 : kPanel;
    for (int b = p.b0; b < p.b1; b += kRows) {
      const int rows = p.b1 - b < kRows ? p.b1 - b : kRows;
      const float* a = p.a + static_cast<std::size_t>(b) * p.lda;
      float* c = p.c + static_cast<std::size_t>(b) * p.ldc + n0;
      if (nn == kPanel) {
        panel_rows(rows, a, p.lda, w.panel(j, p.k0), K, c, p.ldc);
        continue;
      }
      panel_rows(rows, a, p.lda, w.panel(j, p.k0), K, part, kPanel);
      for (int m = 0; m < rows; ++m) std::memcpy(c + static_cast<std::size_t>(m) * p.ldc, part + m * kPanel, nn * sizeof(float));
    }
  }
}
