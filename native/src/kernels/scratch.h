// Per-slot scratch memory of the kernels.
#pragma once

#include <cstddef>
#include <memory>

namespace rnn {

// A float buffer that grows on demand and is kept between kernel calls, so a call's large
// temporaries (the [T, B, G·H] gates of an inference forward, the gate gradients of a backward)
// cost no fresh allocation and page faults per call. Each kernel slot of the scheduler owns one;
// a kernel call gets the scratch of the slot it runs under, so no two calls share one at a time.
class Scratch {
 public:
  Scratch() = default;
  // A scratch that hands out `capacity` floats of another scratch's memory at `borrowed` (which
  // must outlive it) before it allocates its own: the per-row calls of a few-row call
  // (sequence_driver.h) carve theirs from the call's scratch, so they allocate nothing per call.
  Scratch(float* borrowed, std::size_t capacity) : borrowed_(borrowed), capacity_(capacity) {}

  // At least n floats, uninitialised (callers write every element before reading it). Valid until
  // the next floats() call on this scratch.
  float* floats(std::size_t n) {
    if (n > capacity_) {
      buffer_.reset();  // free the old block first: peak memory stays one buffer
      buffer_.reset(new float[n]);
      borrowed_ = nullptr;
      capacity_ = n;
    }
    return borrowed_ ? borrowed_ : buffer_.get();
  }

 private:
  std::unique_ptr<float[]> buffer_;
  float* borrowed_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace rnn
