import { KERNEL_CONTRACT, type KernelName } from '@rnn/backend-api';
import { Random } from '../../src/random';
import { detached, shared } from './odd-buffers';
import { type BindingFunction, validArgs } from './valid-args';

/**
 * Seeded broken kernel calls for the differential test: a valid argument object (small random
 * sizes, every nullable buffer given) with one to three random changes. Each change comes from a
 * menu that reaches every rule of the contract: the struct itself, sizes and their limits, flags,
 * scalars and activations, missing, mistyped, shared, detached and mis-sized buffers, pairs given
 * by halves, and buffers sharing memory (overlapping, and adjacent without overlap). Some changes
 * keep the call valid (null for a nullable buffer, another valid activation, a flag flipped, two
 * inputs sharing memory), so both verdicts, accept and reject, are compared.
 */

const NOT_STRUCTS: (() => unknown)[] = [
  () => null, () => undefined, () => 42, () => 'args', () => [], () => new Float32Array(4), () => () => 1,
  () => new DataView(new ArrayBuffer(8)), () => true, () => 10n,
];

/** Values of every kind describeValue names. */
const ODD_VALUES: ((n: number) => unknown)[] = [
  () => undefined, () => null, () => 0, () => -1, () => 2.5, () => NaN, () => Infinity, () => -Infinity, () => 1e300,
  () => 2 ** 31, () => 2 ** 40, () => 2 ** 53, () => -0, () => '3', () => '', () => 'tanh', () => true, () => false,
  () => 3n, () => Symbol('s'), () => [1, 2], () => ({}), () => ({ length: 4 }), () => new Map(), () => Object.create(null),
  () => () => 0, (n) => new Float64Array(n), (n) => new Int32Array(n), (n) => new Uint8Array(4 * n),
  (n) => new DataView(new ArrayBuffer(4 * n)), (n) => new ArrayBuffer(4 * n), (n) => Array.from({ length: n }, () => 0),
  () => 'x'.repeat(70), () => function named() {}, () => [[1]], () => Array.from({ length: 12 }, () => 1), () => ({ a: 1, b: 2 }),
  () => Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i])), () => new (class Foo {})(), () => new SharedArrayBuffer(8),
  (n) => new Float64Array(new SharedArrayBuffer(8 * Math.max(n, 1))), (n) => { const a = new Int32Array(n); structuredClone(a.buffer, { transfer: [a.buffer] }); return a; },
];

const SIZES = [0, -1, 2.5, NaN, Infinity, 2 ** 31, 2 ** 31 - 1, 2 ** 40, 2 ** 53, 2 ** 53 - 1, 65536, '3', null, undefined, true];
const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid', 'gelu', 'Tanh', '', 'softmax'];

/** The kernel a binding function name stands for. */
export const kernelOf = (fn: BindingFunction): KernelName => fn;

function pick<T>(rng: Random, list: readonly T[]): T {
  return list[Math.floor(rng.next() * list.length)];
}

const buffersOf = (kernel: KernelName, args: Record<string, unknown>): string[] =>
  Object.entries(KERNEL_CONTRACT[kernel].fields)
    .filter(([name, spec]) => spec.kind === 'buffer' && args[name] instanceof Float32Array)
    .map(([name]) => name);

/** Makes `a` and `b` views of one ArrayBuffer: overlapping by `overlap` floats (0: adjacent). */
function shareMemory(args: Record<string, unknown>, a: string, b: string, overlap: number): void {
  const x = args[a] as Float32Array;
  const y = args[b] as Float32Array;
  const start = Math.max(0, x.length - overlap);
  const memory = new Float32Array(start + y.length + x.length);
  args[a] = memory.subarray(0, x.length);
  args[b] = memory.subarray(start, start + y.length);
}

/** One random change to `args` (a fresh copy the caller owns). */
function change(rng: Random, kernel: KernelName, args: Record<string, unknown>): void {
  const fields = Object.keys(KERNEL_CONTRACT[kernel].fields);
  const field = pick(rng, fields);
  const spec = KERNEL_CONTRACT[kernel].fields[field as keyof (typeof KERNEL_CONTRACT)[typeof kernel]['fields']] as { kind: string };
  const r = rng.next();
  const n = args[field] instanceof Float32Array ? (args[field] as Float32Array).length : 4;
  if (r < 0.08) delete args[field];
  else if (r < 0.2) args[field] = pick(rng, ODD_VALUES)(n);
  else if (spec.kind === 'size') args[field] = rng.next() < 0.6 || typeof args[field] !== 'number' ? pick(rng, SIZES) : args[field] + 1;
  else if (spec.kind === 'flag') args[field] = rng.next() < 0.6 ? !args[field] : pick(rng, [0, 1, 'true', null]);
  else if (spec.kind === 'scalar') args[field] = pick(rng, [NaN, Infinity, -2.5, 0, 1e38, '1', null]);
  else if (spec.kind === 'activation') args[field] = pick(rng, ACTIVATIONS);
  else changeBuffer(rng, kernel, args, field, n);
}

function changeBuffer(rng: Random, kernel: KernelName, args: Record<string, unknown>, field: string, n: number): void {
  const r = rng.next();
  if (r < 0.25) args[field] = null;
  else if (r < 0.35) args[field] = shared(n);
  else if (r < 0.42) args[field] = detached(n);
  else if (r < 0.65) args[field] = new Float32Array(rng.next() < 0.5 ? n + 1 + Math.floor(rng.next() * 3) : Math.floor(rng.next() * n));
  else {
    const others = buffersOf(kernel, args).filter((f) => f !== field);
    if (!(args[field] instanceof Float32Array) || others.length === 0) return;
    shareMemory(args, field, pick(rng, others), rng.next() < 0.3 ? 0 : 1 + Math.floor(rng.next() * 3));
  }
}

/** A broken (or, after some changes, still valid) call of `fn`, from `rng`. */
export function brokenCall(rng: Random, fn: BindingFunction): unknown {
  if (rng.next() < 0.03) return pick(rng, NOT_STRUCTS)();
  const sizes = [1, 2, 3, 4].map(() => 1 + Math.floor(rng.next() * 4));
  const args = validArgs(fn, sizes[0], sizes[1], sizes[2], sizes[3]);
  const changes = 1 + Math.floor(rng.next() * 3);
  for (let i = 0; i < changes; i++) change(rng, kernelOf(fn), args);
  return args;
}
