import { expect, it } from 'vitest';
import { Random } from '../../src/random';
import { describeNative, nativeBinding } from './load';
import { detached, shared } from './odd-buffers';
import { BINDING_FUNCTIONS, type BindingFunction, nullable, SIZE_FIELDS, validArgs } from './valid-args';

/**
 * Fuzz: every binding function (sync and Async) gets >= 1000 seeded calls, each with one field
 * broken: wrong type, wrong length, missing, negative / zero / huge / NaN / fractional size,
 * detached buffer, SharedArrayBuffer-backed array, output sharing memory with an input. Each call
 * must throw TypeError or RangeError synchronously (before any memory is touched) and the process
 * must survive to compute correct numbers afterwards.
 */
const CALLS_PER_FUNCTION = 1000;

const WRONG_TYPES: ((n: number) => unknown)[] = [
  (n) => new Float64Array(n),
  (n) => new Int32Array(n),
  (n) => new Uint8Array(4 * n),
  (n) => Array.from({ length: n }, () => 0),
  (n) => new DataView(new ArrayBuffer(4 * n)),
  (n) => new Float32Array(n).buffer,
  () => 3,
  () => 'x',
  () => true,
  () => ({ length: 4 }),
  () => Symbol('s'),
  () => 10n,
  (n) => detached(n),
  (n) => shared(n),
];

const BAD_SIZES: unknown[] = [0, -1, -7, 1.5, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, 2 ** 64, 1e300, '3', null, true, [], {}, 3n];

/** One broken copy of a valid argument object, with a description of what was broken. */
function mutate(rng: Random, fn: BindingFunction, args: Record<string, unknown>): { args: unknown; what: string } {
  const fields = Object.keys(args);
  const field = fields[Math.floor(rng.next() * fields.length)];
  const value = args[field];
  const copy: Record<string, unknown> = { ...args };
  const r = rng.next();
  if (r < 0.02) return { args: [null, undefined, 42, 'args', [copy], new Float32Array(4)][Math.floor(rng.next() * 6)], what: 'not an object' };
  if (r < 0.12) {
    delete copy[field];
    return { args: copy, what: `missing ${field}` };
  }
  if (SIZE_FIELDS.has(field)) {
    const bad = rng.next() < 0.7 ? BAD_SIZES[Math.floor(rng.next() * BAD_SIZES.length)] : (value as number) + 1 + Math.floor(rng.next() * 5);
    copy[field] = bad;
    return { args: copy, what: `${field} = ${String(bad)}` };
  }
  if (typeof value === 'boolean') {
    copy[field] = [0, 1, 'true', null, undefined, {}][Math.floor(rng.next() * 6)];
    return { args: copy, what: `${field} not boolean` };
  }
  if (typeof value === 'string') {
    copy[field] = ['gelu', '', 'Tanh', 'softmax', 5, null, ['tanh']][Math.floor(rng.next() * 7)];
    return { args: copy, what: `${field} bad activation` };
  }
  if (typeof value === 'number') {
    copy[field] = [NaN, Infinity, '1', null, undefined, {}][Math.floor(rng.next() * 6)];
    return { args: copy, what: `${field} bad scalar` };
  }
  const n = (value as Float32Array).length;
  const kind = rng.next();
  if (kind < 0.35) {
    copy[field] = WRONG_TYPES[Math.floor(rng.next() * WRONG_TYPES.length)](n);
    return { args: copy, what: `${field} wrong type` };
  }
  if (kind < 0.45 && !nullable(fn, field)) {
    copy[field] = null;
    return { args: copy, what: `${field} null` };
  }
  if (kind < 0.6) {
    // An output sharing memory with another buffer of the call.
    const others = fields.filter((f) => f !== field && args[f] instanceof Float32Array && (args[f] as Float32Array).length > 0);
    const other = others[Math.floor(rng.next() * others.length)];
    const outputs = fn.endsWith('Forward')
      ? ['y', 'hT', 'cT', 'workspace']
      : ['c', 'dx', 'dh0', 'dc0', 'dWIh', 'dWHh', 'dBIh', 'dBHh', 'dPeephole'];
    const isOutput = outputs.includes(field);
    if (isOutput && other && n > 0) {
      const target = args[other] as Float32Array;
      const big = new Float32Array(n + target.length);
      copy[field] = big.subarray(0, n);
      copy[other] = big.subarray(Math.max(0, n - 1), Math.max(0, n - 1) + target.length);
      (copy[other] as Float32Array).set(target);
      return { args: copy, what: `${field} overlaps ${other}` };
    }
  }
  // Wrong length; a longer workspace is allowed, so workspaces only get shorter.
  const longer = field !== 'workspace' && (n === 0 || rng.next() < 0.5);
  if (!longer && n === 0) {
    copy[field] = 'not a buffer';
    return { args: copy, what: `${field} wrong type` };
  }
  copy[field] = new Float32Array(longer ? n + 1 + Math.floor(rng.next() * 8) : Math.floor(rng.next() * n));
  return { args: copy, what: `${field} wrong length` };
}

/**
 * A matcher for toThrow: an instance of `type` with exactly `message` (the addon's errors also carry
 * `code` and `issue`, which the exact-instance form of toThrow would compare too).
 */
function errorLike(type: ErrorConstructor, message: string) {
  return expect.objectContaining({ constructor: type, message });
}

describeNative('native binding rejects every malformed call', () => {
  const binding = nativeBinding as unknown as Record<string, (args?: unknown) => unknown>;

  it('valid calls of every function succeed (the fuzz starts from these)', async () => {
    for (const fn of BINDING_FUNCTIONS) {
      expect(() => binding[fn](validArgs(fn, 3, 2, 4, 5)), fn).not.toThrow();
      await expect(binding[`${fn}Async`](validArgs(fn, 3, 2, 4, 5)), `${fn}Async`).resolves.toBeUndefined();
    }
  });

  for (const fn of BINDING_FUNCTIONS) {
    for (const variant of [fn, `${fn}Async`]) {
      it(`${variant}: ${CALLS_PER_FUNCTION} broken calls each throw TypeError or RangeError`, () => {
        const rng = new Random(variant.length * 7919 + fn.charCodeAt(0));
        const unexpected: string[] = [];
        const kinds = { TypeError: 0, RangeError: 0 };
        for (let i = 0; i < CALLS_PER_FUNCTION; i++) {
          const sizes = [1, 2, 3, 4].map(() => 1 + Math.floor(rng.next() * 4));
          const { args, what } = mutate(rng, fn, validArgs(fn, sizes[0], sizes[1], sizes[2], sizes[3]));
          try {
            const result = binding[variant](args);
            unexpected.push(`${what}: no throw (returned ${String(result)})`);
          } catch (error) {
            if (error instanceof TypeError || error instanceof RangeError) {
              kinds[error.constructor.name as keyof typeof kinds]++;
              if (!String(error.message).startsWith(`${variant}: `)) unexpected.push(`${what}: message does not name ${variant}: ${error.message}`);
            } else {
              unexpected.push(`${what}: threw ${String(error)}`);
            }
          }
        }
        expect(unexpected.slice(0, 5)).toEqual([]);
        expect(kinds.TypeError).toBeGreaterThan(100);
        expect(kinds.RangeError).toBeGreaterThan(100);
      });
    }
  }

  it('messages name the function, the field, what was expected and what came (the contract\'s vocabulary)', () => {
    const args = validArgs('lstmForward', 3, 2, 4, 5);
    expect(() => binding.lstmForward({ ...args, x: new Float32Array(7) })).toThrow(errorLike(RangeError, 'lstmForward: x must have T·B·I = 24 floats (T = 3, B = 2, I = 4), got 7'),
    );
    expect(() => binding.gruBackward({ ...validArgs('gruBackward', 3, 2, 4, 5), dWHh: new Float64Array(75) })).toThrow(errorLike(TypeError, 'gruBackward: dWHh must be a Float32Array of 3·H·H = 75 floats (H = 5), got a Float64Array'),
    );
    expect(() => binding.rnnForward({ ...validArgs('rnnForward', 3, 2, 4, 5), activation: 'gelu' })).toThrow(
      /rnnForward: activation must be one of 'tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid', got 'gelu'/,
    );
    expect(() => binding.gemm({ ...validArgs('gemm', 3, 2, 4, 5), K: 2.5 })).toThrow(errorLike(RangeError, 'gemm: K must be a positive safe integer, got 2.5'),
    );
    expect(() => binding.gruForward({ ...validArgs('gruForward', 3, 2, 4, 5), h0: shared(10) })).toThrow(errorLike(TypeError, 
        'gruForward: h0 must be a Float32Array of B·H = 10 floats (B = 2, H = 5), got a Float32Array backed by a ' +
          'SharedArrayBuffer (another thread could change it during the kernel)',
      ),
    );
    expect(() => binding.gemmAsync({ ...validArgs('gemm', 3, 2, 4, 5), a: detached(12) })).toThrow(errorLike(TypeError, 
        'gemmAsync: a must be a Float32Array of M·K = 12 floats (M = 3, K = 4), got a Float32Array over a detached ' +
          'ArrayBuffer (it was transferred)',
      ),
    );
    const overlapping = validArgs('rnnForward', 3, 2, 4, 5);
    expect(() => binding.rnnForward({ ...overlapping, hT: (overlapping.y as Float32Array).subarray(0, 10) })).toThrow(errorLike(RangeError, 'rnnForward: output y shares memory with hT; give every output a buffer of its own'),
    );
    const { T: _missing, ...noT } = validArgs('rnnBackward', 3, 2, 4, 5);
    expect(() => binding.rnnBackward(noT)).toThrow(errorLike(RangeError, 'rnnBackward: T must be a positive safe integer, got undefined'));
    expect(() => binding.lstmBackward({ ...validArgs('lstmBackward', 3, 2, 4, 5), peephole: null })).toThrow(
      /lstmBackward: peephole and dPeephole must both be given or both be null, got peephole null and dPeephole given/,
    );
  });

  it('a getter cannot detach a buffer between the check and the kernel', () => {
    const args = validArgs('rnnForward', 3, 2, 4, 5);
    const y = args.y as Float32Array<ArrayBuffer>;
    Object.defineProperty(args, 'activation', {
      get() {
        structuredClone(y.buffer, { transfer: [y.buffer] }); // runs while fields are read, before any check
        return 'tanh';
      },
    });
    expect(() => binding.rnnForward(args)).toThrow(/rnnForward: y must be a Float32Array of .* got a Float32Array over a detached ArrayBuffer/);
  });

  it('setNumThreads rejects non-integers and out-of-range counts, then still works', () => {
    const before = nativeBinding!.getNumThreads();
    for (const bad of [0, -1, 1.5, NaN, Infinity, 1025, '2', null, undefined, {}]) {
      expect(() => nativeBinding!.setNumThreads(bad as number), String(bad)).toThrow(bad === 1025 || typeof bad === 'number' ? RangeError : TypeError);
    }
    expect(() => nativeBinding!.setNumThreads(1025)).toThrow('setNumThreads: threads must be an integer in [1, 1024], got 1025');
    expect(() => nativeBinding!.setNumThreads(1.5)).toThrow('setNumThreads: threads must be an integer in [1, 1024], got 1.5');
    expect(nativeBinding!.getNumThreads()).toBe(before);
  });

  it('after all that, the addon still computes correct numbers', () => {
    // c = a · bᵀ with a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]] → [[17, 23], [39, 53]].
    const c = new Float32Array([Number.NaN, 9, 9, 9]);
    nativeBinding!.gemm({ c, a: new Float32Array([1, 2, 3, 4]), b: new Float32Array([5, 6, 7, 8]), M: 2, N: 2, K: 2, transA: false, transB: true, alpha: 1, beta: 0 });
    expect(Array.from(c)).toEqual([17, 23, 39, 53]);
  });
});
