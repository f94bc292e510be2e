import { Dense, GRU, LSTM, Sequential, SimpleRNN, type Layer } from '@rnn/core';
import type { CellType } from './spec';

/** What the network is built from. */
export interface NetworkShape {
  type: CellType;
  /** Units of each recurrent layer, bottom first. */
  units: readonly number[];
  window: number;
  features: number;
  horizon: number;
  seed: number;
  learningRate: number;
}

const LAYERS = { lstm: LSTM, gru: GRU, rnn: SimpleRNN } as const;
const LABELS: Record<CellType, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'SimpleRNN' };

/** Stacked recurrent layers (each but the last returning sequences) → Dense(horizon), compiled with Adam and MSE. */
export function buildNetwork(shape: NetworkShape): Sequential {
  const Recurrent = LAYERS[shape.type];
  const layers: Layer[] = shape.units.map(
    (units, i) =>
      new Recurrent({
        units,
        returnSequences: i < shape.units.length - 1,
        ...(i === 0 ? { inputShape: [shape.window, shape.features] as [number, number] } : {}),
      }),
  );
  const net = new Sequential([...layers, new Dense({ units: shape.horizon })], { name: 'rnn_series', seed: shape.seed });
  net.compile({ optimizer: { name: 'adam', learningRate: shape.learningRate }, loss: 'mse' });
  return net;
}

/** `LSTM(50) → LSTM(50) → Dense(1)`. */
export function describeNetwork(type: CellType, units: readonly number[], horizon: number): string {
  return [...units.map((u) => `${LABELS[type]}(${u})`), `Dense(${horizon})`].join(' → ');
}

/** Trainable values of the network. */
export function parameterCount(net: Sequential): number {
  return net.layers.reduce((sum, layer) => sum + layer.countParams(), 0);
}
