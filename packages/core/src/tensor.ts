import { DataError, ShapeError } from './errors';

/** Nested number arrays of any depth, e.g. `[batch][steps][features]`. */
export type NestedArray = number | NestedArray[];

/** A dense float32 tensor: row-major `data` and its `shape`. */
export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];

  constructor(data: Float32Array, shape: readonly number[]) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`Tensor shape must be non-negative integers, got [${shape.join(', ')}]`);
    }
    if (data.length !== size) {
      throw new ShapeError(`Tensor of shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of values. */
  get size(): number {
    return this.data.length;
  }

  /** Builds a tensor from nested arrays; ragged or non-numeric input is a `ShapeError`/`DataError`. */
  static fromArray(values: NestedArray, name = 'input'): Tensor {
    const shape: number[] = [];
    let probe: NestedArray = values;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      if (probe.length === 0) break;
      probe = probe[0];
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    let k = 0;
    const walk = (v: NestedArray, depth: number, path: string): void => {
      if (depth === shape.length) {
        if (typeof v !== 'number') {
          throw new DataError(`${name}${path} should be a number, got ${Array.isArray(v) ? 'an array' : typeof v}`);
        }
        data[k++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        const got = Array.isArray(v) ? `length ${v.length}` : typeof v;
        throw new ShapeError(`${name}${path} is ragged: expected an array of length ${shape[depth]}, got ${got}`);
      }
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
    };
    walk(values, 0, '');
    return new Tensor(data, shape);
  }

  /** Nested arrays of plain numbers, the inverse of `fromArray`. */
  toArray(): NestedArray {
    const build = (depth: number, offset: number): NestedArray => {
      if (depth === this.shape.length) return this.data[offset];
      const stride = this.shape.slice(depth + 1).reduce((a, b) => a * b, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[depth]; i++) out.push(build(depth + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }
}

/** Anything the public API accepts as a tensor. */
export type TensorLike = Tensor | NestedArray | { data: Float32Array | ArrayLike<number>; shape: readonly number[] };

/** Converts public input to a `Tensor` without copying a `Tensor`'s data. */
export function toTensor(value: TensorLike, name = 'input'): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'shape' in value && 'data' in value) {
    const data = value.data instanceof Float32Array ? value.data : Float32Array.from(value.data);
    return new Tensor(data, value.shape);
  }
  return Tensor.fromArray(value as NestedArray, name);
}
