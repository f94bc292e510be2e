import { StateDictError } from '../errors';
import { firstNonFinite } from '../finite-values';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';

/** Creates a parameter with its value and a zeroed gradient of the same shape. */
export function createParameter(name: string, shape: readonly number[], value: Float32Array): Parameter {
  return { name, shape: Object.freeze([...shape]), value, grad: new Float32Array(value.length) };
}

/** The parameters as a state dict: copies of their values under their names. */
export function parametersToStateDict(params: readonly Parameter[]): Record<string, Tensor> {
  const dict: Record<string, Tensor> = {};
  for (const p of params) dict[p.name] = new Tensor(p.value.slice(), p.shape);
  return dict;
}

/**
 * A `StateDictError` when `values` (the weight `where` names) hold a NaN or ±Infinity: a model never
 * takes non-finite weights, whatever loads them (a state dict, an imported file, `setWeights`).
 */
export function checkFiniteWeight(where: string, values: ArrayLike<number>): void {
  const i = firstNonFinite(values);
  if (i >= 0) throw new StateDictError(`${where} holds ${values[i]} at flat index ${i}; weights must be finite`);
}

/**
 * Copies `dict` into `params`. Every parameter must be present with its exact shape, and nothing
 * else may be: each problem is a `StateDictError` naming `owner.key`.
 */
export function loadParametersFromDict(owner: string, params: readonly Parameter[], dict: Record<string, unknown>): void {
  if (typeof dict !== 'object' || dict === null) {
    throw new StateDictError(`${owner}: loadStateDict expected an object of tensors, got ${String(dict)}`);
  }
  const expected = new Set(params.map((p) => p.name));
  const missing = params.filter((p) => !(p.name in dict)).map((p) => `${owner}.${p.name}`);
  const extra = Object.keys(dict).filter((k) => !expected.has(k)).map((k) => `${owner}.${k}`);
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
    if (extra.length > 0) parts.push(`unexpected ${extra.join(', ')}`);
    throw new StateDictError(`${owner}: state dict does not match the layer's weights: ${parts.join('; ')}`);
  }
  // Check every entry before writing any, so a bad dict leaves the layer untouched.
  const values = params.map((p) => {
    let t: Tensor;
    try {
      t = toTensor(dict[p.name] as TensorLike, `${owner}.${p.name}`);
    } catch (err) {
      throw new StateDictError(`${owner}.${p.name}: not a tensor (${(err as Error).message})`);
    }
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new StateDictError(`${owner}.${p.name}: expected shape [${p.shape.join(', ')}], got [${t.shape.join(', ')}]`);
    }
    checkFiniteWeight(`${owner}.${p.name}`, t.data);
    return t.data;
  });
  params.forEach((p, i) => p.value.set(values[i]));
}
