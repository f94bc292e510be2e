// The whole-array passes (@rnn/backend-api's DataPasses) in C++: the finite check of model data, the
// copy from the public batch-first layout into the kernels' time-major one, and the scan of weights
// and optimizer state after a training step. Each is one pass over memory on the calling thread;
// against the same passes in TypeScript: the finite check 3.8–5.3× faster, the copy 5.9–8.1×, the
// scan 5.9× (docs/architecture.md, "Layouts").
#pragma once

#include <cstddef>
#include <cstdint>

namespace rnn {

// The index of the first NaN or ±Infinity in v[0, n), or −1.
std::int64_t first_non_finite(const float* v, std::size_t n);

// src [B, T, F] (batch-first) into out [T, B, F], bit for bit; with `reverse`, step t of out is
// step T−1−t of src. The buffers must not overlap.
void to_time_major(const float* src, std::size_t B, std::size_t T, std::size_t F, float* out, bool reverse);

// The same for steps [j0, j1) of out only: a block of a transpose split over threads.
void to_time_major_steps(const float* src, std::size_t B, std::size_t T, std::size_t F, float* out, bool reverse,
                         std::size_t j0, std::size_t j1);

// What scan_values found: the fingerprint, and the first non-finite value (array = −1: none).
struct ValueScanResult {
  std::uint32_t fingerprint = 0;
  std::int64_t array = -1, index = -1;
};

// The fingerprint of every bit pattern of arrays[0 .. count) in order (and of each length), the same
// 32-bit hash as @rnn/fallback's scanValues (FNV-1a style over four interleaved lanes), and the
// first non-finite value.
ValueScanResult scan_values(const float* const* arrays, const std::size_t* lengths, std::size_t count);

}  // namespace rnn
