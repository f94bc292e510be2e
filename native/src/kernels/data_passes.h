// The whole-input passes (@rnn/backend-api's DataPasses) in C++: the finite check of model data and
// the copy from the public batch-first layout into the kernels' time-major one. Each is one pass
// over memory on the calling thread: tens of µs for a medium batch, where the same passes in
// JavaScript took ~0.8 ms of a 4 ms predict.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rnn {

// The index of the first NaN or ±Infinity in v[0, n), or −1.
std::int64_t first_non_finite(const float* v, std::size_t n);

// src [B, T, F] (batch-first) into out [T, B, F], bit for bit; with `reverse`, step t of out is
// step T−1−t of src. The buffers must not overlap.
void to_time_major(const float* src, std::size_t B, std::size_t T, std::size_t F, float* out, bool reverse);

}  // namespace rnn
