// W_hh packed once per kernel call for the step micro-kernels (step_kernels.h), so no step repacks
// it. Both layouts are sequences of panels two vectors wide (`width` floats), stored k-major: the
// micro-kernel streams one panel row per k with aligned loads and broadcasts the left operand.
#pragma once

#include <cstddef>
#include <memory>

namespace rnn {

// A 64-byte aligned float array owned by one kernel call (never shared between calls).
class AlignedFloats {
 public:
  explicit AlignedFloats(std::size_t n = 0);
  float* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> data_;
};

// For the forward step product h · Wᵀ with a gate-wise epilogue. W is [G·H, K] row-major (G gate
// blocks of H rows; K inputs). Units (rows of a gate block) go in tiles of `width`; a tile holds, for
// each gate g, the panel [K, width] of W's rows g·H + u, u in the tile (units past H are zero). So
// one tile's product gives every gate of `width` units at once and the gate pass runs on it while it
// is in L1.  data: [tiles, G, K, width].
struct PackedGates {
  int G = 0, H = 0, K = 0, width = 0, tiles = 0;
  AlignedFloats storage;

  PackedGates(const float* w, int G, int H, int K, int width);
  const float* panel(int tile, int gate) const {
    return storage.data() + (static_cast<std::size_t>(tile) * G + gate) * K * width;
  }
  std::size_t panel_stride() const { return static_cast<std::size_t>(K) * width; }  // gate to gate
};

// For the backward product dG · W with W [K, N] row-major (W_hh as it is: K = G·H, N = H): panels
// of `width` columns, each [K, width] (columns past N are zero); a product over rows k0..k1 of W
// starts k0 rows into every panel.  data: [panels, K, width].
struct PackedColumns {
  int K = 0, N = 0, width = 0, panels = 0;
  AlignedFloats storage;

  PackedColumns(const float* w, int K, int N, int width);
  const float* panel(int p, int k0) const {
    return storage.data() + (static_cast<std::size_t>(p) * K + k0) * width;
  }
  std::size_t panel_stride() const { return static_cast<std::size_t>(K) * width; }  // panel to panel
};

}  // namespace rnn
