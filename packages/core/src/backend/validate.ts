import {
  ACTIVATION_NAMES,
  type AsyncKernels,
  type Backend,
  type BufferField,
  describeBuffer,
  describeValue,
  type Factor,
  type FieldSpec,
  fillTemplate,
  isKernelBuffer,
  KERNEL_CONTRACT,
  type KernelArgs,
  kernelError,
  type KernelName,
  type KernelSpec,
  MAX_DIMENSION,
  NEED_TEMPLATES,
  shapeFactors,
} from '@rnn/backend-api';

/**
 * Checks every field of a kernel's argument struct before a backend sees it, by walking the
 * kernel's table in `@rnn/backend-api` (`KERNEL_CONTRACT`) in the contract's check order: sizes,
 * size limits, options, buffers, pairs, shared memory. A bad field throws a `KernelBufferError`
 * (a `ShapeError`: a buffer missing, of the wrong type or length) or a `KernelArgumentError` (a
 * `ConfigError`: anything else), with the contract's message, e.g.
 * `lstmForward: wIh must have 4·H·I = 96 floats (H = 4, I = 6), got 95`.
 */

export type { KernelName };

/** One table entry with the value the call gave for it. */
interface Entry<F extends FieldSpec = FieldSpec> {
  field: string;
  spec: F;
  value: unknown;
}

/** A buffer entry that passed its checks: a `Float32Array`, or `null` where allowed. */
interface CheckedBuffer {
  field: string;
  spec: BufferField;
  array: Float32Array | null;
}

/** The sizes of the call, by field name. */
type Sizes = Readonly<Record<string, number>>;

function isStruct(args: unknown): args is object {
  return typeof args === 'object' && args !== null && !Array.isArray(args) && !ArrayBuffer.isView(args);
}

function readSizes(kernel: KernelName, entries: readonly Entry[]): Sizes {
  const sizes: Record<string, number> = {};
  for (const { field, spec, value } of entries) {
    if (spec.kind !== 'size') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw kernelError({ kernel, field, problem: 'size' }, { value: describeValue(value) });
    }
    sizes[field] = value;
  }
  return sizes;
}

/** `T = 3, B = 2`: the sizes among `factors`, each once, in order of first appearance. */
function sizesText(factors: readonly Factor<string>[], sizes: Sizes): string {
  const names = [...new Set(factors.filter((f): f is string => typeof f === 'string'))];
  return names.map((name) => `${name} = ${sizes[name]}`).join(', ');
}

function productOf(factors: readonly Factor<string>[], sizes: Sizes): number {
  return factors.reduce<number>((n, f) => n * (typeof f === 'number' ? f : sizes[f]), 1);
}

function checkLimits(kernel: KernelName, spec: KernelSpec, sizes: Sizes): void {
  for (const factors of spec.limits) {
    const value = productOf(factors, sizes);
    if (value > MAX_DIMENSION) {
      const field = factors.join('·');
      throw kernelError({ kernel, field, problem: 'limit' }, { value: String(value), max: String(MAX_DIMENSION), sizes: sizesText(factors, sizes) });
    }
  }
}

const ALLOWED_ACTIVATIONS = ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ');

/** The rule of each option kind. */
const OPTION_RULES = {
  flag: (value: unknown) => typeof value === 'boolean',
  scalar: (value: unknown) => typeof value === 'number' && Number.isFinite(value),
  activation: (value: unknown) => ACTIVATION_NAMES.some((name) => name === value),
};

function checkOptions(kernel: KernelName, entries: readonly Entry[]): void {
  for (const { field, spec, value } of entries) {
    if (spec.kind !== 'flag' && spec.kind !== 'scalar' && spec.kind !== 'activation') continue;
    if (!OPTION_RULES[spec.kind](value)) {
      throw kernelError({ kernel, field, problem: spec.kind }, { value: describeValue(value), allowed: ALLOWED_ACTIVATIONS });
    }
  }
}

/** The stored shape's factors: the two axes swapped when the buffer's `transposedBy` flag is set. */
function storedFactors(spec: BufferField, args: object): Factor<string>[] {
  const transposed = spec.transposedBy !== null && Reflect.get(args, spec.transposedBy) === true;
  return shapeFactors(transposed ? [...spec.shape].reverse() : spec.shape);
}

/** The `{need}` of a buffer's messages, e.g. `4·H·I = 96 floats (H = 4, I = 6)`. */
function needText(spec: BufferField, factors: readonly Factor<string>[], sizes: Sizes): string {
  const floats = String(productOf(factors, sizes));
  const atLeast = spec.atLeast ? 'at least ' : '';
  if (spec.lengthName !== null) return fillTemplate(NEED_TEMPLATES.named, { atLeast, name: spec.lengthName, floats });
  const text = fillTemplate(NEED_TEMPLATES.formula, { atLeast, formula: factors.join('·'), floats, sizes: sizesText(factors, sizes) });
  return text.endsWith(' ()') ? text.slice(0, -3) : text;
}

function checkBuffer(kernel: KernelName, entry: Entry<BufferField>, sizes: Sizes, args: object): CheckedBuffer {
  const { field, spec, value } = entry;
  if (value === null && spec.nullable) return { field, spec, array: null };
  const factors = storedFactors(spec, args);
  const floats = productOf(factors, sizes);
  const fail = (problem: 'missing' | 'type' | 'length', got: string) =>
    kernelError({ kernel, field, problem }, { need: needText(spec, factors, sizes), value: got });
  if (value === null || value === undefined) throw fail('missing', describeValue(value));
  if (!isKernelBuffer(value)) throw fail('type', describeBuffer(value));
  if (spec.atLeast ? value.length < floats : value.length !== floats) throw fail('length', String(value.length));
  return { field, spec, array: value };
}

/** Both fields of a pair given, or both `null`; checked at the field declaring the pair. */
function checkPairs(kernel: KernelName, buffers: readonly CheckedBuffer[]): void {
  for (const { field, spec, array } of buffers) {
    const partner = spec.pairedWith === null ? undefined : buffers.find((b) => b.field === spec.pairedWith);
    if (partner === undefined || (array === null) === (partner.array === null)) continue;
    const state = (a: Float32Array | null) => (a === null ? 'null' : 'given');
    throw kernelError(
      { kernel, field, problem: 'pair' },
      { other: partner.field, fieldState: state(array), otherState: state(partner.array) },
    );
  }
}

/** True when two views share at least one byte of the same memory. */
function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Written and accumulated buffers must not share memory with any other buffer of the call: a kernel
 * writes them while it still reads its inputs, so `y` over `x` (or `dWIh` over `wIh`) would give garbage.
 */
function checkAliases(kernel: KernelName, buffers: readonly CheckedBuffer[]): void {
  for (const out of buffers) {
    if (out.spec.access === 'read' || out.array === null) continue;
    for (const other of buffers) {
      if (other !== out && other.array !== null && overlaps(out.array, other.array)) {
        throw kernelError({ kernel, field: out.field, problem: 'alias' }, { other: other.field });
      }
    }
  }
}

function isBufferEntry(entry: Entry): entry is Entry<BufferField> {
  return entry.spec.kind === 'buffer';
}

/** Validates `args` for `kernel` against the contract; throws the contract's error for the first failure. */
function checkKernelArgs(kernel: KernelName, args: unknown): void {
  if (!isStruct(args)) throw kernelError({ kernel, field: '', problem: 'struct' }, { value: describeValue(args) });
  const spec: KernelSpec = KERNEL_CONTRACT[kernel];
  const entries: Entry[] = Object.entries(spec.fields).map(([field, f]) => ({ field, spec: f, value: Reflect.get(args, field) }));
  const sizes = readSizes(kernel, entries);
  checkLimits(kernel, spec, sizes);
  checkOptions(kernel, entries);
  const buffers = entries.filter(isBufferEntry).map((entry) => checkBuffer(kernel, entry, sizes, args));
  checkPairs(kernel, buffers);
  checkAliases(kernel, buffers);
}

/** Validates the arguments of the kernel named `kernel`. */
export function validateKernelArgs<K extends KernelName>(kernel: K, args: KernelArgs[K]): void {
  checkKernelArgs(kernel, args);
}

/** A function per kernel, each taking that kernel's arguments. */
type PerKernel<R> = { [K in KernelName]: (args: KernelArgs[K]) => R };

/** One function per kernel, made by `make`. */
function perKernel<R>(make: <K extends KernelName>(kernel: K) => (args: KernelArgs[K]) => R): PerKernel<R> {
  return {
    lstmForward: make('lstmForward'),
    lstmBackward: make('lstmBackward'),
    gruForward: make('gruForward'),
    gruBackward: make('gruBackward'),
    rnnForward: make('rnnForward'),
    rnnBackward: make('rnnBackward'),
    gemm: make('gemm'),
  };
}

/** One validator per kernel. */
export const KERNEL_VALIDATORS: PerKernel<void> = perKernel(
  <K extends KernelName>(kernel: K) =>
    (args: KernelArgs[K]) =>
      checkKernelArgs(kernel, args),
);

export const {
  lstmForward: validateLstmForward,
  lstmBackward: validateLstmBackward,
  gruForward: validateGruForward,
  gruBackward: validateGruBackward,
  rnnForward: validateRnnForward,
  rnnBackward: validateRnnBackward,
  gemm: validateGemm,
} = KERNEL_VALIDATORS;

/**
 * A backend that validates every kernel call, then delegates to `backend`. The `async` kernels
 * (where the backend has them) are validated too and reject with the same errors.
 */
export function checkedBackend(backend: Backend): Backend {
  const sync: PerKernel<void> = backend;
  const inner: PerKernel<Promise<void>> | undefined = backend.async;
  const async: AsyncKernels | undefined = inner
    ? perKernel(<K extends KernelName>(kernel: K) => async (args: KernelArgs[K]) => {
        checkKernelArgs(kernel, args);
        return inner[kernel](args);
      })
    : undefined;
  return {
    ...perKernel(<K extends KernelName>(kernel: K) => (args: KernelArgs[K]) => {
      checkKernelArgs(kernel, args);
      sync[kernel](args);
    }),
    name: backend.name,
    async,
    details: () => backend.details(),
    setThreads: (threads: number) => backend.setThreads(threads),
  };
}
