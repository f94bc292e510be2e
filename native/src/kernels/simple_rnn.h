// SimpleRNN (Elman) over a whole sequence:
//
//   h' = act(W_ih x + b_ih + W_hh h + b_hh)
//
// With a recurrent mask m, the `h` inside W_hh· is m ⊙ h. No workspace: y already holds every
// activation output, which is all backward needs.
#pragma once

#include "kernel_context.h"
#include "sequence_args.h"

namespace rnn {

void rnn_forward(const RnnForward& a, KernelContext& context);
void rnn_backward(const RnnBackward& a, KernelContext& context);

}  // namespace rnn
