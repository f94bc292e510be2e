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

/** A buffer of a kernel's table, arranged for the walk. */
interface PlannedBuffer {
  field: string;
  spec: BufferField;
  /** The factors of its length, and of its stored shape when its `transposedBy` flag is set. */
  factors: readonly Factor<string>[];
  transposed: readonly Factor<string>[];
  /** Index of the buffer it pairs with (`pairedWith`), or −1. */
  partner: number;
}

/** A kernel's table arranged once for the walk: its fields by kind, in table order. */
interface Plan {
  sizes: string[];
  limits: readonly (readonly Factor<string>[])[];
  options: { field: string; kind: 'flag' | 'scalar' | 'activation' }[];
  buffers: PlannedBuffer[];
}

function planOf(spec: KernelSpec): Plan {
  const fields: [string, FieldSpec][] = Object.entries(spec.fields);
  const plan: Plan = { sizes: [], limits: spec.limits, options: [], buffers: [] };
  for (const [field, f] of fields) {
    if (f.kind === 'size') plan.sizes.push(field);
    else if (f.kind === 'buffer') {
      const transposed = f.transposedBy === null ? [] : shapeFactors([...f.shape].reverse());
      plan.buffers.push({ field, spec: f, factors: shapeFactors(f.shape), transposed, partner: -1 });
    } else plan.options.push({ field, kind: f.kind });
  }
  for (const b of plan.buffers) b.partner = plan.buffers.findIndex((other) => other.field === b.spec.pairedWith);
  return plan;
}

const PLANS = new Map<KernelName, Plan>();

/** The sizes of the call, by field name. */
type Sizes = Readonly<Record<string, number>>;

function isStruct(args: unknown): args is object {
  return typeof args === 'object' && args !== null && !Array.isArray(args) && !ArrayBuffer.isView(args);
}

function readSizes(kernel: KernelName, plan: Plan, args: object): Sizes {
  const sizes: Record<string, number> = {};
  for (const field of plan.sizes) {
    const value: unknown = Reflect.get(args, field);
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
  let n = 1;
  for (const f of factors) n *= typeof f === 'number' ? f : sizes[f];
  return n;
}

function checkLimits(kernel: KernelName, plan: Plan, sizes: Sizes): void {
  for (const factors of plan.limits) {
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

function checkOptions(kernel: KernelName, plan: Plan, args: object): void {
  for (const { field, kind } of plan.options) {
    const value: unknown = Reflect.get(args, field);
    if (!OPTION_RULES[kind](value)) {
      throw kernelError({ kernel, field, problem: kind }, { value: describeValue(value), allowed: ALLOWED_ACTIVATIONS });
    }
  }
}

/** The `{need}` of a buffer's messages, e.g. `4·H·I = 96 floats (H = 4, I = 6)`. */
function needText(spec: BufferField, factors: readonly Factor<string>[], sizes: Sizes): string {
  const floats = String(productOf(factors, sizes));
  const atLeast = spec.atLeast ? 'at least ' : '';
  if (spec.lengthName !== null) return fillTemplate(NEED_TEMPLATES.named, { atLeast, name: spec.lengthName, floats });
  const text = fillTemplate(NEED_TEMPLATES.formula, { atLeast, formula: factors.join('·'), floats, sizes: sizesText(factors, sizes) });
  return text.endsWith(' ()') ? text.slice(0, -3) : text;
}

/** One buffer: `null` where allowed, else a usable `Float32Array` of its length (at least, for `atLeast`). */
function checkBuffer(kernel: KernelName, buffer: PlannedBuffer, sizes: Sizes, args: object): Float32Array | null {
  const { field, spec } = buffer;
  const value: unknown = Reflect.get(args, field);
  if (value === null && spec.nullable) return null;
  const factors = spec.transposedBy !== null && Reflect.get(args, spec.transposedBy) === true ? buffer.transposed : buffer.factors;
  const fail = (problem: 'missing' | 'type' | 'length', got: string) =>
    kernelError({ kernel, field, problem }, { need: needText(spec, factors, sizes), value: got });
  if (value === null || value === undefined) throw fail('missing', describeValue(value));
  if (!isKernelBuffer(value)) throw fail('type', describeBuffer(value));
  const floats = productOf(factors, sizes);
  if (spec.atLeast ? value.length < floats : value.length !== floats) throw fail('length', String(value.length));
  return value;
}

/** Both fields of a pair given, or both `null`; checked at the field declaring the pair. */
function checkPairs(kernel: KernelName, plan: Plan, arrays: readonly (Float32Array | null)[]): void {
  plan.buffers.forEach(({ field, partner }, i) => {
    if (partner < 0 || (arrays[i] === null) === (arrays[partner] === null)) return;
    const state = (a: Float32Array | null) => (a === null ? 'null' : 'given');
    const values = { other: plan.buffers[partner].field, fieldState: state(arrays[i]), otherState: state(arrays[partner]) };
    throw kernelError({ kernel, field, problem: 'pair' }, values);
  });
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
function checkAliases(kernel: KernelName, plan: Plan, arrays: readonly (Float32Array | null)[]): void {
  plan.buffers.forEach(({ field, spec }, i) => {
    const out = arrays[i];
    if (spec.access === 'read' || out === null) return;
    const other = arrays.findIndex((a, j) => j !== i && a !== null && overlaps(out, a));
    if (other >= 0) throw kernelError({ kernel, field, problem: 'alias' }, { other: plan.buffers[other].field });
  });
}

/** Validates `args` for `kernel` against the contract; throws the contract's error for the first failure. */
function checkKernelArgs(kernel: KernelName, args: unknown): void {
  if (!isStruct(args)) throw kernelError({ kernel, field: '', problem: 'struct' }, { value: describeValue(args) });
  let plan = PLANS.get(kernel);
  if (plan === undefined) PLANS.set(kernel, (plan = planOf(KERNEL_CONTRACT[kernel])));
  const sizes = readSizes(kernel, plan, args);
  checkLimits(kernel, plan, sizes);
  checkOptions(kernel, plan, args);
  const arrays = plan.buffers.map((buffer) => checkBuffer(kernel, buffer, sizes, args));
  checkPairs(kernel, plan, arrays);
  checkAliases(kernel, plan, arrays);
}

/** Validates the arguments of the kernel named `kernel`. */
export function validateKernelArgs<K extends KernelName>(kernel: K, args: KernelArgs[K]): void {
  checkKernelArgs(kernel, args);
}

/** A function per kernel, each taking that kernel's arguments. */
export type PerKernel<R> = { [K in KernelName]: (args: KernelArgs[K]) => R };

/** One function per kernel, made by `make`. */
export function perKernel<R>(make: <K extends KernelName>(kernel: K) => (args: KernelArgs[K]) => R): PerKernel<R> {
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
    loneRows: () => backend.loneRows(),
    // Core calls the data passes with sizes it made itself (`toTimeMajor` checks them first), and
    // the optimizer updates with a parameter and the state it allocated for it.
    data: backend.data,
    optimizer: backend.optimizer,
    holds: backend.holds,
  };
}
