// GRU over a whole sequence, PyTorch gate order r, z, n (σ = recurrent activation, act = activation):
//
//   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
//   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
//   reset_after (PyTorch, cuDNN, Keras reset_after=True):
//     n = act(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   reset before (Keras reset_after=False):
//     n = act(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
//   h' = (1 − z) ⊙ n + z ⊙ h
//
// With a recurrent mask m, every `h` inside a W_h· product is m ⊙ h (not the carried z ⊙ h).
// Workspace: gates [T, B, 3H] (r, z, n after activations), then extra [T, B, H]:
// reset_after: W_hn (m ⊙ h) + b_hn; reset before: r ⊙ (m ⊙ h).
#pragma once

#include "kernel_context.h"
#include "sequence_args.h"

namespace rnn {

void gru_forward(const GruForward& a, KernelContext& context);
void gru_backward(const GruBackward& a, KernelContext& context);

}  // namespace rnn
