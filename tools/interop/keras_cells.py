"""A NumPy port of the Keras 3 layers the Keras fixtures use, in float64, to compute their outputs.

Keras itself cannot be installed here (it needs PyPI); this follows its sources (keras-team/keras
3.16.0) line by line:
- keras/src/layers/rnn/lstm.py     LSTMCell.call: z = x·kernel + h·recurrent_kernel + bias, split
                                   in i, f, c, o; c = f*c + i*act(z_c); h = o*act(c)
- keras/src/layers/rnn/gru.py      GRUCell.call: blocks z, r, h; reset_after=True: bias [2, 3H]
                                   (input row, recurrent row), hh = act(x_h + r*(h·U_h + b_rh));
                                   reset_after=False: bias [3H], hh = act(x_h + (r*h)·U_h);
                                   h = z*h_prev + (1-z)*hh
- keras/src/layers/rnn/simple_rnn.py  h = act(x·kernel + bias + h·recurrent_kernel)
- keras/src/backend/numpy/rnn.py   the time loop: go_backwards reverses the steps (the output
                                   sequence stays in processing order); a masked step keeps the
                                   states and repeats the previous output (zeros before the first;
                                   zeros throughout with zero_output_for_mask)
- keras/src/layers/rnn/bidirectional.py  backward copy with go_backwards=True, its sequence flipped
                                   back (ops.flip) before merging (concat, sum, ave, mul)
- keras/src/activations/activations.py  hard_sigmoid(x) = relu6(x + 3) / 6
"""
import numpy as np

ACTIVATIONS = {
    'tanh': np.tanh,
    'sigmoid': lambda v: 1.0 / (1.0 + np.exp(-v)),
    'relu': lambda v: np.maximum(v, 0.0),
    'linear': lambda v: v,
    'hard_sigmoid': lambda v: np.clip(v / 6.0 + 0.5, 0.0, 1.0),
}


def softmax(v):
    e = np.exp(v - v.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def dense(x, w, config):
    """Dense on the last axis: x·kernel + bias, then the activation."""
    y = x @ w[0] + (w[1] if config.get('use_bias', True) else 0.0)
    return softmax(y) if config['activation'] == 'softmax' else ACTIVATIONS[config['activation']](y)


def lstm_step(x, states, w, config):
    kernel, recurrent, bias = w[0], w[1], (w[2] if config['use_bias'] else 0.0)
    h, c = states
    act, rec = ACTIVATIONS[config['activation']], ACTIVATIONS[config['recurrent_activation']]
    z = x @ kernel + h @ recurrent + bias
    zi, zf, zc, zo = np.split(z, 4, axis=-1)
    c = rec(zf) * c + rec(zi) * act(zc)
    h = rec(zo) * act(c)
    return h, (h, c)


def gru_step(x, states, w, config):
    kernel, recurrent = w[0], w[1]
    (h_prev,) = states
    act, rec = ACTIVATIONS[config['activation']], ACTIVATIONS[config['recurrent_activation']]
    if config['reset_after']:
        b_in, b_rec = (w[2][0], w[2][1]) if config['use_bias'] else (0.0, 0.0)
    else:
        b_in, b_rec = (w[2] if config['use_bias'] else 0.0), 0.0
    x_z, x_r, x_h = np.split(x @ kernel + b_in, 3, axis=-1)
    u_z, u_r, u_h = np.split(recurrent, 3, axis=-1)
    if config['reset_after']:
        r_z, r_r, r_h = np.split(h_prev @ recurrent + b_rec, 3, axis=-1)
        z, r = rec(x_z + r_z), rec(x_r + r_r)
        hh = act(x_h + r * r_h)
    else:
        z, r = rec(x_z + h_prev @ u_z), rec(x_r + h_prev @ u_r)
        hh = act(x_h + (r * h_prev) @ u_h)
    h = z * h_prev + (1 - z) * hh
    return h, (h,)


def simple_rnn_step(x, states, w, config):
    (h_prev,) = states
    h = ACTIVATIONS[config['activation']](x @ w[0] + (w[2] if config['use_bias'] else 0.0) + h_prev @ w[1])
    return h, (h,)


STEPS = {'LSTM': (lstm_step, 2), 'GRU': (gru_step, 1), 'SimpleRNN': (simple_rnn_step, 1)}


def recurrent(kind, x, mask, w, config):
    """One recurrent layer over x [B, T, F] (mask [B, T] or None): the sequence or the last output."""
    step, state_count = STEPS[kind]
    batch, steps = x.shape[0], x.shape[1]
    units = config['units']
    states = tuple(np.zeros((batch, units)) for _ in range(state_count))
    order = range(steps - 1, -1, -1) if config['go_backwards'] else range(steps)
    outputs = []
    previous = np.zeros((batch, units))
    for t in order:
        out, new_states = step(x[:, t], states, w, config)
        if mask is not None:
            m = mask[:, t][:, None].astype(bool)
            out = np.where(m, out, 0.0 if config.get('zero_output_for_mask') else previous)
            new_states = tuple(np.where(m, s, ps) for s, ps in zip(new_states, states))
        states, previous = new_states, out
        outputs.append(out)
    return np.stack(outputs, axis=1) if config['return_sequences'] else outputs[-1]


def bidirectional(x, mask, forward_w, backward_w, config):
    inner = config['layer']
    kind = inner['class_name']
    fwd = recurrent(kind, x, mask, forward_w, inner['config'])
    bwd = recurrent(kind, x, mask, backward_w, config['backward_layer']['config'])
    if inner['config']['return_sequences']:
        bwd = bwd[:, ::-1]
    mode = config['merge_mode']
    if mode == 'concat':
        return np.concatenate([fwd, bwd], axis=-1)
    return {'sum': fwd + bwd, 'ave': (fwd + bwd) / 2, 'mul': fwd * bwd}[mode]
