import type { DataPasses } from '@rnn/backend-api';
import { Tensor } from '../tensor';
import { toBatchFirst, toTimeMajor } from './sequence-layout';

/**
 * A batch of sequences, `[batch, steps, features]`, stored time-major: `data` is
 * `[steps, batch, features]`, the layout the recurrent kernels read and write. Inside a model,
 * recurrent layers and `Bidirectional` hand these to each other, so a stack of them transposes
 * only at its two ends; every other layer sees batch-first tensors.
 */
export class TimeMajor {
  constructor(
    /** [T, B, F] */
    readonly data: Float32Array,
    readonly batch: number,
    readonly steps: number,
    readonly features: number,
  ) {}

  /** The batch-first shape `[batch, steps, features]` of the values. */
  get shape(): readonly number[] {
    return [this.batch, this.steps, this.features];
  }

  /** A rank-3 tensor `[B, T, F]` in time-major layout (a new buffer), copied by `passes` when given. */
  static fromTensor(t: Tensor, passes?: DataPasses): TimeMajor {
    const [B, T, F] = t.shape;
    return new TimeMajor(toTimeMajor(t.data, B, T, F, undefined, false, passes), B, T, F);
  }

  /** The values as a batch-first tensor (a new buffer). */
  toTensor(): Tensor {
    const { batch: B, steps: T, features: F } = this;
    return new Tensor(toBatchFirst(this.data, T, B, F), [B, T, F]);
  }
}

/** What flows between the layers of a model: a tensor, or a sequence still time-major. */
export type LayerValue = Tensor | TimeMajor;

/** `value` as a batch-first tensor (itself when it is one). */
export function asTensor(value: LayerValue): Tensor {
  return value instanceof TimeMajor ? value.toTensor() : value;
}

/** `value` as a time-major sequence (itself when it is one); a rank-3 tensor is transposed (by `passes` when given). */
export function asTimeMajor(value: LayerValue, passes?: DataPasses): TimeMajor {
  return value instanceof TimeMajor ? value : TimeMajor.fromTensor(value, passes);
}
