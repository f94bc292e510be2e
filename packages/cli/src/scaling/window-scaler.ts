import { Tensor } from '@rnn/core';
import { UsageError } from '../program/usage-error';
import { affine, type ColumnScaling } from './column-scaling';

/**
 * Applies the per-column scalings to windows of raw values and maps the network's outputs back.
 * Windows are `[n, window, features]` with the target as feature 0; targets and outputs are
 * `[n, horizon]` values of the target. Relative kinds anchor on each window's own last value.
 */
export class WindowScaler {
  constructor(
    readonly columns: readonly ColumnScaling[],
    readonly names: readonly string[],
  ) {}

  /** Raw windows `[n, window, features]` → the network's inputs, same shape. */
  inputs(x: Tensor): Tensor {
    const [n, steps, features] = x.shape;
    const out = new Float32Array(x.size);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < features; f++) {
        const { offset, divisor } = this.anchor(x, i, f);
        for (let t = 0; t < steps; t++) {
          const k = (i * steps + t) * features + f;
          out[k] = (x.data[k] - offset) / divisor;
        }
      }
    }
    return this.checked(out, x.shape, 'input');
  }

  /** Raw targets `[n, horizon]` of raw windows `x` → the network's targets. */
  targets(x: Tensor, y: Tensor): Tensor {
    const horizon = y.shape[1];
    const out = Float32Array.from(y.data, (v, k) => {
      const { offset, divisor } = this.anchor(x, Math.floor(k / horizon), 0);
      return (v - offset) / divisor;
    });
    return this.checked(out, y.shape, 'target');
  }

  /** The network's outputs `[n, horizon]` for raw windows `x` → values in the target's units. */
  unscale(x: Tensor, yScaled: Tensor): Tensor {
    const horizon = yScaled.shape[1];
    const out = Float64Array.from(yScaled.data, (v, k) => {
      const { offset, divisor } = this.anchor(x, Math.floor(k / horizon), 0);
      return v * divisor + offset;
    });
    return new Tensor(Float32Array.from(out), yScaled.shape);
  }

  /** The affine map of feature `f` for window `i` (relative kinds read the window's last step). */
  private anchor(x: Tensor, i: number, f: number): { offset: number; divisor: number } {
    const [, steps, features] = x.shape;
    const last = x.data[(i * steps + steps - 1) * features + f];
    const s = this.columns[f];
    if (s.kind === 'ratio' && !(last > 0)) {
      throw new UsageError(`'${this.names[f]}' is scaled as ratios to the window's last value, but a window ends on ${last}; ratios need values > 0 (retrain with --scaling diff)`);
    }
    return affine(s, last);
  }

  /** Refuses values a float32 network cannot take: no scaling may hand it an infinity. */
  private checked(values: Float32Array, shape: readonly number[], what: string): Tensor {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new UsageError(`scaling produced a non-finite ${what} (${values[bad]}): the values are too large or too close to 0 for float32; try another --scaling`);
    }
    return new Tensor(values, [...shape]);
  }
}
