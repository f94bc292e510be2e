// What a kernel call gets from where it runs, besides its arguments.
#pragma once

#include <atomic>

#include "constant_weights.h"
#include "scratch.h"

namespace rnn {

struct KernelContext {
  // The scratch of the kernel slot this call runs under (no other call uses it meanwhile).
  Scratch& scratch;
  // Set when nobody will read the results any more (the calling JS environment is being torn down,
  // or the process exits). A kernel may then stop early and leave its outputs unfinished.
  const std::atomic<bool>* stop = nullptr;
  // The call's weight buffers that are held constant (constant_weights.h), or null: none is.
  const HeldWeights* held = nullptr;

  ConstantWeights* held_w_ih() const { return held ? held->w_ih.get() : nullptr; }
  ConstantWeights* held_w_hh() const { return held ? held->w_hh.get() : nullptr; }
  bool stop_requested() const { return stop != nullptr && stop->load(std::memory_order_relaxed); }
};

}  // namespace rnn
