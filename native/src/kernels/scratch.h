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
  // At least n floats, uninitialised (callers write every element before reading it). Valid until
  // the next floats() call on this scratch.
  float* floats(std::size_t n) {
    if (n > capacity_) {
      buffer_.reset();  // free the old block first: peak memory stays one buffer
      buffer_.reset(new float[n]);
      capacity_ = n;
    }
    return buffer_.get();
  }

 private:
  std::unique_ptr<float[]> buffer_;
  std::size_t capacity_ = 0;
};

}  // namespace rnn
