"""The torch modules behind the interop fixtures, shared by generate.py and check_ours.py.

Each module holds what a PyTorch user typically has (custom modules with nested names, stacked and
bidirectional RNNs, an Embedding, nn.Sequential) and a forward that matches the @rnn model the tests
build for it (noted on each class). Sizes are tiny: the files are committed.
"""
import torch
from torch import nn

I, H, O, T, B = 3, 4, 2, 5, 2  # input features, hidden units, outputs, steps, batch
VOCAB, EMBED = 10, 3


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(I, H, batch_first=True)


class NestedLstm(nn.Module):
    """Keys encoder.rnn.*, head.*; @rnn: LSTM(H) -> Dense(O), mapping {'encoder.rnn': 0, head: 1}."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(H, O)

    def forward(self, x):
        y, _ = self.encoder.rnn(x)
        return self.head(y[:, -1])


class StackedLstm(nn.Module):
    """Keys rnn.*_l0, rnn.*_l1, head.*; @rnn: LSTM(H, returnSequences) -> LSTM(H) -> Dense(O), mapping {rnn: [0, 1], head: 2}."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(I, H, num_layers=2, batch_first=True)
        self.head = nn.Linear(H, O)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])


class BiGru(nn.Module):
    """Keys rnn.*, rnn.*_reverse, head.*; @rnn: Bidirectional(GRU(H)) -> Dense(O), mapping {rnn: 0, head: 1}."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(I, H, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * H, O)

    def forward(self, x):
        _, h = self.rnn(x)  # h [2, B, H]: the forward direction's last state, then the backward one's
        return self.head(torch.cat([h[0], h[1]], dim=1))


class EmbedRnn(nn.Module):
    """Keys embed.*, rnn.*, head.*; @rnn: Embedding(VOCAB, EMBED) -> SimpleRNN(H, relu) -> Dense(O), mapping {embed: 0, rnn: 1, head: 2}."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, EMBED)
        self.rnn = nn.RNN(EMBED, H, nonlinearity='relu', batch_first=True)
        self.head = nn.Linear(H, O)

    def forward(self, ids):
        y, _ = self.rnn(self.embed(ids))
        return self.head(y[:, -1])


def sequential_gru():
    """nn.Sequential keys 0.*, 1.*; @rnn: GRU(H) -> Dense(O) with no mapping."""
    return nn.Sequential(nn.GRU(I, H, batch_first=True), nn.Linear(H, O))


def run_sequential_gru(module, x):
    y, _ = module[0](x)
    return module[1](y[:, -1])


MODULES = {
    'nested_lstm': (NestedLstm, lambda m, x: m(x)),
    'stacked_lstm': (StackedLstm, lambda m, x: m(x)),
    'bi_gru': (BiGru, lambda m, x: m(x)),
    'embed_rnn': (EmbedRnn, lambda m, x: m(x)),
    'sequential_gru': (sequential_gru, run_sequential_gru),
}


def forward64(name, state_dict, x):
    """The module `name` with `state_dict` loaded (strictly), run in float64 on `x`."""
    make, run = MODULES[name]
    module = make().double()
    module.load_state_dict({k: v.double() for k, v in state_dict.items()}, strict=True)
    with torch.no_grad():
        return run(module, x)
