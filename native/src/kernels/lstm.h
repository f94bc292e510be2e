// LSTM over a whole sequence, PyTorch gate order i, f, g, o (σ = recurrent activation, act = activation):
//
//   i  = σ(W_ii x + b_ii + W_hi h + b_hi [+ p_i ⊙ c])
//   f  = σ(W_if x + b_if + W_hf h + b_hf [+ p_f ⊙ c])
//   g  = act(W_ig x + b_ig + W_hg h + b_hg)
//   c' = f ⊙ c + i ⊙ g
//   o  = σ(W_io x + b_io + W_ho h + b_ho [+ p_o ⊙ c'])
//   h' = o ⊙ act(c')
//
// Bracketed peephole terms apply when `peephole` [3H] (i, f, o) is given. With a recurrent mask m,
// the `h` inside W_h· is m ⊙ h. Workspace: gates [T, B, 4H] (after activations), then c [T, B, H].
#pragma once

#include "kernel_context.h"
#include "sequence_args.h"

namespace rnn {

void lstm_forward(const LstmForward& a, KernelContext& context);
void lstm_backward(const LstmBackward& a, KernelContext& context);

}  // namespace rnn
