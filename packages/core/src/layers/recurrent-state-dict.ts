import { RnnError, StateDictError } from '../errors';
import { type Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';
import { checkFiniteWeight } from './parameter-dict';

/** The shape of a state-dict entry (nested arrays, a Tensor or `{ data, shape }`), or null if it has none. */
export function entryShape(value: unknown): readonly number[] | null {
  try {
    return toTensor(value as TensorLike).shape;
  } catch {
    return null;
  }
}

/**
 * Validates the whole of `dict` against `params` (under their names) before copying anything, so a
 * bad dict leaves the weights untouched. Missing, extra and wrongly shaped keys are a `StateDictError`
 * naming the key, the expected and the actual shape.
 */
export function loadParameters(owner: string, params: readonly Parameter[], dict: Record<string, unknown>): void {
  if (typeof dict !== 'object' || dict === null) {
    throw new StateDictError(`${owner}.loadStateDict expected an object of weights, got ${String(dict)}`);
  }
  const expected = new Map(params.map((p) => [p.name, p]));
  const extra = Object.keys(dict).filter((k) => !expected.has(k));
  if (extra.length > 0) {
    throw new StateDictError(
      `${owner}.loadStateDict: unexpected key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}; expected ${[...expected.keys()].map((k) => `'${k}'`).join(', ')}`,
    );
  }
  const values: [Parameter, Tensor][] = [];
  for (const [key, p] of expected) {
    if (!(key in dict)) {
      throw new StateDictError(`${owner}.loadStateDict: missing key '${key}' (expected shape [${p.shape.join(', ')}])`);
    }
    let t: Tensor;
    try {
      t = toTensor(dict[key] as TensorLike, key);
    } catch (e) {
      if (!(e instanceof RnnError)) throw e;
      throw new StateDictError(`${owner}.loadStateDict: key '${key}' (expected shape [${p.shape.join(', ')}]) is unusable: ${e.message}`);
    }
    const same = t.shape.length === p.shape.length && t.shape.every((d, i) => d === p.shape[i]);
    if (!same) {
      throw new StateDictError(
        `${owner}.loadStateDict: key '${key}' expected shape [${p.shape.join(', ')}], got [${t.shape.join(', ')}]`,
      );
    }
    checkFiniteWeight(`${owner}.loadStateDict: key '${key}'`, t.data);
    values.push([p, t]);
  }
  for (const [p, t] of values) p.value.set(t.data);
}
