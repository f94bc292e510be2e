import {
  ACTIVATION_NAMES,
  type AsyncKernels,
  type Backend,
  type CellKind,
  type GemmArgs,
  GATES,
  type GruBackwardArgs,
  type GruForwardArgs,
  type Kernels,
  type LstmBackwardArgs,
  type LstmForwardArgs,
  type RnnBackwardArgs,
  type RnnForwardArgs,
  workspaceSize,
} from '@rnn/backend-api';
import { ConfigError, ShapeError } from '../errors';

/**
 * Checks every field of a kernel's argument struct before a backend sees it: sizes are positive
 * safe integers, buffers are `Float32Array`s of exactly the length the sizes imply (the workspace at
 * least that long), booleans are booleans and activations are ones the kernels know. A bad field
 * throws `ShapeError` (a buffer) or `ConfigError` (a size, flag or name) naming the kernel and the
 * field, e.g. `lstmForward: wIh must have 4·H·I = 96 floats (H = 4, I = 6), got 95`. Outputs must
 * not share memory with any other buffer of the call (a `ConfigError` naming both fields).
 */

/** Names of the kernels, as the `Kernels` interface spells them. */
export type KernelName = keyof Kernels;

/** The struct fields read as sizes, for the length formulas. */
type Sizes = Record<string, number>;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
}

function checkStruct(kernel: KernelName, args: unknown): asserts args is Record<string, unknown> {
  if (typeof args !== 'object' || args === null) {
    throw new ConfigError(`${kernel}: expected an argument object, got ${describeValue(args)}`);
  }
}

function checkSize(kernel: KernelName, args: Record<string, unknown>, field: string): number {
  const value = args[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${kernel}: ${field} must be a positive safe integer, got ${describeValue(value)}`);
  }
  return value;
}

function checkBoolean(kernel: KernelName, args: Record<string, unknown>, field: string): void {
  if (typeof args[field] !== 'boolean') {
    throw new ConfigError(`${kernel}: ${field} must be true or false, got ${describeValue(args[field])}`);
  }
}

function checkFinite(kernel: KernelName, args: Record<string, unknown>, field: string): void {
  const value = args[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${kernel}: ${field} must be a finite number, got ${describeValue(value)}`);
  }
}

function checkActivation(kernel: KernelName, args: Record<string, unknown>, field: string): void {
  const value = args[field];
  if (typeof value !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(value)) {
    const allowed = ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ');
    throw new ConfigError(`${kernel}: ${field} must be one of ${allowed}, got ${describeValue(value)}`);
  }
}

/** How a buffer field may be given: always, or `null` allowed; exact length, or at least. */
interface BufferRule {
  nullable: boolean;
  atLeast?: boolean;
}

/** A buffer's required length and how to explain it, e.g. `4·H·I = 96 floats (H = 4, I = 6)`. */
interface Length {
  floats: number;
  text: string;
}

/** The length a formula such as `4·H·I` gives: letters are size fields, a number is a constant factor. */
function lengthOf(sizes: Sizes, formula: string): Length {
  const factors = formula.split('·');
  const isConstant = (f: string): boolean => /^\d+$/.test(f);
  const floats = factors.reduce((n, f) => n * (isConstant(f) ? Number(f) : sizes[f]), 1);
  const letters = [...new Set(factors.filter((f) => !isConstant(f)))];
  return { floats, text: `${formula} = ${floats} floats (${letters.map((f) => `${f} = ${sizes[f]}`).join(', ')})` };
}

/** Checks one buffer field: a `Float32Array` of exactly (or, with `atLeast`, at least) `length` floats. */
function checkBuffer(
  kernel: KernelName,
  args: Record<string, unknown>,
  field: string,
  length: Length,
  rule: BufferRule,
): void {
  const value = args[field];
  const need = `${rule.atLeast ? 'at least ' : ''}${length.text}`;
  if (value === null && rule.nullable) return;
  if (value === null || value === undefined) {
    throw new ShapeError(`${kernel}: ${field} is required: a Float32Array of ${need}, got ${describeValue(value)}`);
  }
  if (!(value instanceof Float32Array)) {
    throw new ShapeError(`${kernel}: ${field} must be a Float32Array of ${need}, got ${describeValue(value)}`);
  }
  if (rule.atLeast ? value.length < length.floats : value.length !== length.floats) {
    throw new ShapeError(`${kernel}: ${field} must have ${need}, got ${value.length}`);
  }
}

/** Both fields given or both `null` (a bias pair, a peephole and its gradient). */
function checkPaired(kernel: KernelName, args: Record<string, unknown>, a: string, b: string): void {
  if ((args[a] === null) !== (args[b] === null)) {
    throw new ConfigError(
      `${kernel}: ${a} and ${b} must both be given or both be null, got ${a} ${args[a] === null ? 'null' : 'given'} ` +
        `and ${b} ${args[b] === null ? 'null' : 'given'}`,
    );
  }
}

/** The workspace length, explained by the function that defines it. */
function workspaceLength(cell: CellKind, floats: number): Length {
  return { floats, text: `workspaceSize('${cell}', dims) = ${floats} floats` };
}

/** True when two views share at least one byte of the same memory. */
function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Outputs must not share memory with any other buffer of the call: a kernel writes them while it
 * still reads its inputs, so `y` over `x` (or `dWIh` over `wIh`) would silently give garbage.
 */
function checkNoOverlap(kernel: KernelName, args: Record<string, unknown>, outputs: readonly string[]): void {
  const buffers = Object.entries(args).filter((e): e is [string, Float32Array] => e[1] instanceof Float32Array);
  for (const out of outputs) {
    const target = args[out];
    if (!(target instanceof Float32Array)) continue;
    for (const [field, other] of buffers) {
      if (field !== out && overlaps(target, other)) {
        throw new ConfigError(`${kernel}: output ${out} shares memory with ${field}; give every output a buffer of its own`);
      }
    }
  }
}

const FORWARD_OUTPUTS = ['y', 'hT', 'workspace'];
const BACKWARD_OUTPUTS = ['dx', 'dh0', 'dWIh', 'dWHh', 'dBIh', 'dBHh'];

const REQUIRED: BufferRule = { nullable: false };
const OPTIONAL: BufferRule = { nullable: true };

function readDims(kernel: KernelName, args: Record<string, unknown>): Sizes {
  return {
    T: checkSize(kernel, args, 'T'),
    B: checkSize(kernel, args, 'B'),
    I: checkSize(kernel, args, 'I'),
    H: checkSize(kernel, args, 'H'),
  };
}

/** The fields every recurrent forward struct shares; returns the sizes for the cell-specific ones. */
function checkForwardBase(kernel: KernelName, cell: CellKind, args: unknown): Sizes {
  checkStruct(kernel, args);
  const sizes = readDims(kernel, args);
  const G = String(GATES[cell]);
  const ws = workspaceSize(cell, { T: sizes.T, B: sizes.B, I: sizes.I, H: sizes.H });
  checkBuffer(kernel, args, 'y', lengthOf(sizes, 'T·B·H'), REQUIRED);
  checkBuffer(kernel, args, 'hT', lengthOf(sizes, 'B·H'), REQUIRED);
  checkBuffer(kernel, args, 'workspace', workspaceLength(cell, ws), { nullable: true, atLeast: true });
  checkBuffer(kernel, args, 'x', lengthOf(sizes, 'T·B·I'), REQUIRED);
  checkBuffer(kernel, args, 'h0', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(kernel, args, 'mask', lengthOf(sizes, 'T·B'), OPTIONAL);
  checkBuffer(kernel, args, 'wIh', lengthOf(sizes, `${G}·H·I`), REQUIRED);
  checkBuffer(kernel, args, 'wHh', lengthOf(sizes, `${G}·H·H`), REQUIRED);
  checkBuffer(kernel, args, 'bIh', lengthOf(sizes, `${G}·H`), OPTIONAL);
  checkBuffer(kernel, args, 'bHh', lengthOf(sizes, `${G}·H`), OPTIONAL);
  checkPaired(kernel, args, 'bIh', 'bHh');
  checkBuffer(kernel, args, 'recurrentMask', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBoolean(kernel, args, 'reverse');
  return sizes;
}

/** The fields every recurrent backward struct shares. */
function checkBackwardBase(kernel: KernelName, cell: CellKind, args: unknown): Sizes {
  checkStruct(kernel, args);
  const sizes = readDims(kernel, args);
  const G = String(GATES[cell]);
  const ws = workspaceSize(cell, { T: sizes.T, B: sizes.B, I: sizes.I, H: sizes.H });
  checkBuffer(kernel, args, 'dx', lengthOf(sizes, 'T·B·I'), OPTIONAL);
  checkBuffer(kernel, args, 'dh0', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(kernel, args, 'dWIh', lengthOf(sizes, `${G}·H·I`), REQUIRED);
  checkBuffer(kernel, args, 'dWHh', lengthOf(sizes, `${G}·H·H`), REQUIRED);
  checkBuffer(kernel, args, 'dBIh', lengthOf(sizes, `${G}·H`), OPTIONAL);
  checkBuffer(kernel, args, 'dBHh', lengthOf(sizes, `${G}·H`), OPTIONAL);
  checkPaired(kernel, args, 'dBIh', 'dBHh');
  checkBuffer(kernel, args, 'dy', lengthOf(sizes, 'T·B·H'), OPTIONAL);
  checkBuffer(kernel, args, 'dhT', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(kernel, args, 'x', lengthOf(sizes, 'T·B·I'), REQUIRED);
  checkBuffer(kernel, args, 'h0', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(kernel, args, 'mask', lengthOf(sizes, 'T·B'), OPTIONAL);
  checkBuffer(kernel, args, 'wIh', lengthOf(sizes, `${G}·H·I`), REQUIRED);
  checkBuffer(kernel, args, 'wHh', lengthOf(sizes, `${G}·H·H`), REQUIRED);
  checkBuffer(kernel, args, 'y', lengthOf(sizes, 'T·B·H'), REQUIRED);
  checkBuffer(kernel, args, 'workspace', workspaceLength(cell, ws), { nullable: false, atLeast: true });
  checkBuffer(kernel, args, 'recurrentMask', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBoolean(kernel, args, 'reverse');
  return sizes;
}

/** Validates `lstmForward` arguments; throws `ShapeError`/`ConfigError` naming the field. */
export function validateLstmForward(args: LstmForwardArgs): void {
  const k = 'lstmForward';
  const sizes = checkForwardBase(k, 'lstm', args);
  const a = args as unknown as Record<string, unknown>;
  checkBuffer(k, a, 'cT', lengthOf(sizes, 'B·H'), REQUIRED);
  checkBuffer(k, a, 'c0', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(k, a, 'peephole', lengthOf(sizes, '3·H'), OPTIONAL);
  checkActivation(k, a, 'activation');
  checkActivation(k, a, 'recurrentActivation');
  checkNoOverlap(k, a, [...FORWARD_OUTPUTS, 'cT']);
}

/** Validates `lstmBackward` arguments; `peephole` and `dPeephole` must both be given or both be null. */
export function validateLstmBackward(args: LstmBackwardArgs): void {
  const k = 'lstmBackward';
  const sizes = checkBackwardBase(k, 'lstm', args);
  const a = args as unknown as Record<string, unknown>;
  checkBuffer(k, a, 'dc0', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(k, a, 'dPeephole', lengthOf(sizes, '3·H'), OPTIONAL);
  checkBuffer(k, a, 'dcT', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(k, a, 'c0', lengthOf(sizes, 'B·H'), OPTIONAL);
  checkBuffer(k, a, 'peephole', lengthOf(sizes, '3·H'), OPTIONAL);
  checkPaired(k, a, 'peephole', 'dPeephole');
  checkActivation(k, a, 'activation');
  checkActivation(k, a, 'recurrentActivation');
  checkNoOverlap(k, a, [...BACKWARD_OUTPUTS, 'dc0', 'dPeephole']);
}

/** Validates `gruForward` arguments. */
export function validateGruForward(args: GruForwardArgs): void {
  const k = 'gruForward';
  checkForwardBase(k, 'gru', args);
  const a = args as unknown as Record<string, unknown>;
  checkBoolean(k, a, 'resetAfter');
  checkActivation(k, a, 'activation');
  checkActivation(k, a, 'recurrentActivation');
  checkNoOverlap(k, a, FORWARD_OUTPUTS);
}

/** Validates `gruBackward` arguments. */
export function validateGruBackward(args: GruBackwardArgs): void {
  const k = 'gruBackward';
  checkBackwardBase(k, 'gru', args);
  const a = args as unknown as Record<string, unknown>;
  checkBoolean(k, a, 'resetAfter');
  checkActivation(k, a, 'activation');
  checkActivation(k, a, 'recurrentActivation');
  checkNoOverlap(k, a, BACKWARD_OUTPUTS);
}

/** Validates `rnnForward` arguments. */
export function validateRnnForward(args: RnnForwardArgs): void {
  checkForwardBase('rnnForward', 'rnn', args);
  checkActivation('rnnForward', args as unknown as Record<string, unknown>, 'activation');
  checkNoOverlap('rnnForward', args as unknown as Record<string, unknown>, FORWARD_OUTPUTS);
}

/** Validates `rnnBackward` arguments. */
export function validateRnnBackward(args: RnnBackwardArgs): void {
  checkBackwardBase('rnnBackward', 'rnn', args);
  checkActivation('rnnBackward', args as unknown as Record<string, unknown>, 'activation');
  checkNoOverlap('rnnBackward', args as unknown as Record<string, unknown>, BACKWARD_OUTPUTS);
}

/** Validates `gemm` arguments: `a` holds M·K floats, `b` K·N, `c` M·N; `alpha`/`beta` finite. */
export function validateGemm(args: GemmArgs): void {
  const k = 'gemm';
  checkStruct(k, args);
  const sizes = { M: checkSize(k, args, 'M'), N: checkSize(k, args, 'N'), K: checkSize(k, args, 'K') };
  checkBoolean(k, args, 'transA');
  checkBoolean(k, args, 'transB');
  checkBuffer(k, args, 'c', lengthOf(sizes, 'M·N'), REQUIRED);
  checkBuffer(k, args, 'a', lengthOf(sizes, args.transA ? 'K·M' : 'M·K'), REQUIRED);
  checkBuffer(k, args, 'b', lengthOf(sizes, args.transB ? 'N·K' : 'K·N'), REQUIRED);
  checkFinite(k, args, 'alpha');
  checkFinite(k, args, 'beta');
  checkNoOverlap(k, args, ['c']);
}

/** One validator per kernel. */
export const KERNEL_VALIDATORS: { readonly [K in KernelName]: (args: Parameters<Kernels[K]>[0]) => void } = {
  lstmForward: validateLstmForward,
  lstmBackward: validateLstmBackward,
  gruForward: validateGruForward,
  gruBackward: validateGruBackward,
  rnnForward: validateRnnForward,
  rnnBackward: validateRnnBackward,
  gemm: validateGemm,
};

/** Validates the arguments of the kernel named `kernel`. */
export function validateKernelArgs<K extends KernelName>(kernel: K, args: Parameters<Kernels[K]>[0]): void {
  (KERNEL_VALIDATORS[kernel] as (a: Parameters<Kernels[K]>[0]) => void)(args);
}

const KERNEL_NAMES = Object.keys(KERNEL_VALIDATORS) as KernelName[];

/**
 * A backend that validates every kernel call, then delegates to `backend`. The `async` kernels
 * (where the backend has them) are validated too and reject with the same errors.
 */
export function checkedBackend(backend: Backend): Backend {
  const sync = {} as Record<KernelName, (args: never) => void>;
  for (const name of KERNEL_NAMES) {
    const validate = KERNEL_VALIDATORS[name] as (args: unknown) => void;
    const run = (backend[name] as (args: unknown) => void).bind(backend);
    sync[name] = (args: never) => {
      validate(args);
      run(args);
    };
  }
  let async: AsyncKernels | undefined;
  const inner = backend.async;
  if (inner) {
    const wrapped = {} as Record<KernelName, (args: never) => Promise<void>>;
    for (const name of KERNEL_NAMES) {
      const validate = KERNEL_VALIDATORS[name] as (args: unknown) => void;
      const run = (inner[name] as (args: unknown) => Promise<void>).bind(inner);
      wrapped[name] = async (args: never) => {
        validate(args);
        return run(args);
      };
    }
    async = wrapped as unknown as AsyncKernels;
  }
  return {
    ...(sync as unknown as Kernels),
    name: backend.name,
    async,
    details: () => backend.details(),
    setThreads: (threads: number) => backend.setThreads(threads),
  };
}
