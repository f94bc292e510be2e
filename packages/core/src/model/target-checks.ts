import { DataError } from '../errors';
import type { SampleShape } from '../layers/layer';
import { describeSamplePosition } from '../sample-position';
import type { Tensor } from '../tensor';
import { canonicalLossName } from '../train/losses/get-loss';

/**
 * Checks a whole set of targets against the model's output and the compiled loss before training
 * (or evaluation) starts, so that a bad label fails at once, naming its sample, instead of after
 * the batches before it have trained. `output` is the model's output shape without the batch axis;
 * `name` says which targets (`y`, `validationData y`). Shapes are the loss's to check (on the first
 * batch); losses we do not know (user-defined) are left to themselves.
 */
export function checkTargets(y: Tensor, output: SampleShape, lossName: string, name: string, stepMask: Float32Array | null = null): void {
  const loss = canonicalLossName(lossName);
  const rule = loss === null ? null : targetRule(loss, output);
  if (rule === null) return;
  const data = y.data;
  const steps = y.rank >= 2 && stepMask !== null && stepMask.length === y.shape[0] * y.shape[1] ? y.shape[1] : 0;
  const perStep = steps > 0 ? y.size / (y.shape[0] * steps) : 0;
  for (let k = 0; k < data.length; k++) {
    // A padded step (masked out by the input) may hold any placeholder: the loss never reads it.
    if (steps > 0 && stepMask![Math.floor(k / perStep)] === 0) continue;
    if (!rule.ok(data[k])) throw new DataError(`${name} holds ${data[k]} at ${describeSamplePosition(k, y.shape)}; ${loss} needs ${rule.expected}`);
  }
}

/** What a known loss needs of each target value, or null when it takes any finite value. */
function targetRule(loss: string, output: SampleShape): { ok: (v: number) => boolean; expected: string } | null {
  if (loss === 'sparseCategoricalCrossentropy') {
    const classes = output[output.length - 1];
    if (typeof classes !== 'number') return null;
    return { ok: (v) => Number.isInteger(v) && v >= 0 && v < classes, expected: `integer class ids in [0, ${classes}) (the model has ${classes} outputs)` };
  }
  if (loss === 'binaryCrossentropy') return { ok: (v) => v >= 0 && v <= 1, expected: 'values in [0, 1]' };
  if (loss === 'categoricalCrossentropy') return { ok: (v) => v >= 0 && v <= 1, expected: 'one-hot (or probability) rows with values in [0, 1]' };
  return null;
}
