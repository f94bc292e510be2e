import type { KernelName } from './contract/kernel-contract';
import { describeValue } from './describe-value';
import { ConfigError, ShapeError } from './errors';

/**
 * The error vocabulary of kernel arguments, shared by core's validator and the native addon: one
 * problem name per rule of the contract, one message template per problem, and two classes.
 *
 * - A buffer that is missing, not a usable `Float32Array`, or of the wrong length is a
 *   `KernelBufferError` (a `ShapeError`).
 * - Anything else (the struct itself, a size, a limit, a flag, scalar or activation, a pair given
 *   by halves, an output sharing memory) is a `KernelArgumentError` (a `ConfigError`).
 *
 * Both carry an `issue`: `kernel`, `field` (for `limit` the product, e.g. `T·B`; for `struct` the
 * empty string) and `problem`, so two validators can be compared on what they reject, not only on
 * the wording.
 */
export type KernelProblem =
  | 'struct'
  | 'size'
  | 'limit'
  | 'flag'
  | 'scalar'
  | 'activation'
  | 'missing'
  | 'type'
  | 'length'
  | 'pair'
  | 'alias';

/** The problems that make a `KernelBufferError`; the others make a `KernelArgumentError`. */
export const BUFFER_PROBLEMS: readonly KernelProblem[] = ['missing', 'type', 'length'];

/**
 * Message templates by problem. Placeholders: `{kernel}`, `{field}`, `{value}` (what came: by
 * `describeBuffer` for `missing` and `type`, a buffer's length for `length`, else by `describeValue`), `{need}` (a buffer's length, see
 * `NEED_TEMPLATES`), `{max}` (`MAX_DIMENSION`), `{sizes}` (`T = 3, B = 2`), `{allowed}` (the
 * activations, quoted), `{other}` (the second field of a pair or an alias), `{fieldState}` and
 * `{otherState}` (`given` or `null`).
 */
export const KERNEL_MESSAGES: Readonly<Record<KernelProblem, string>> = {
  struct: '{kernel}: expected an argument object, got {value}',
  size: '{kernel}: {field} must be a positive safe integer, got {value}',
  limit: '{kernel}: {field} = {value} exceeds {max}, the largest size BLAS takes ({sizes})',
  flag: '{kernel}: {field} must be true or false, got {value}',
  scalar: '{kernel}: {field} must be a finite number, got {value}',
  activation: '{kernel}: {field} must be one of {allowed}, got {value}',
  missing: '{kernel}: {field} is required: a Float32Array of {need}, got {value}',
  type: '{kernel}: {field} must be a Float32Array of {need}, got {value}',
  length: '{kernel}: {field} must have {need}, got {value}',
  pair: '{kernel}: {field} and {other} must both be given or both be null, got {field} {fieldState} and {other} {otherState}',
  alias: '{kernel}: output {field} shares memory with {other}; give every output a buffer of its own',
};

/**
 * How `{need}` spells a buffer's length: by its formula (`4·H·I = 96 floats (H = 4, I = 6)`, the
 * sizes in order of first appearance, constants as written, `(…)` left out when no size appears),
 * or by its `lengthName` (`workspaceSize('lstm', dims) = 240 floats`); `at least ` in front for an
 * `atLeast` buffer.
 */
export const NEED_TEMPLATES = {
  formula: '{atLeast}{formula} = {floats} floats ({sizes})',
  named: '{atLeast}{name} = {floats} floats',
} as const;

/**
 * What came instead of a usable buffer, by kind: `a Float64Array`, `an Array of length 2`,
 * `a Float32Array backed by a SharedArrayBuffer (…)`, `a Float32Array over a detached ArrayBuffer
 * (…)`; any other value by `describeValue`.
 */
export function describeBuffer(value: unknown): string {
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  if (!ArrayBuffer.isView(value)) return describeValue(value);
  const name = value.constructor.name;
  if (typeof SharedArrayBuffer === 'function' && value.buffer instanceof SharedArrayBuffer) {
    return `a ${name} backed by a SharedArrayBuffer (another thread could change it during the kernel)`;
  }
  if (value.byteLength === 0 && isDetached(value.buffer)) return `a ${name} over a detached ArrayBuffer (it was transferred)`;
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** A buffer a kernel may be given: a `Float32Array` over an attached `ArrayBuffer` no other thread shares. */
export function isKernelBuffer(value: unknown): value is Float32Array {
  if (!(value instanceof Float32Array)) return false;
  if (typeof SharedArrayBuffer === 'function' && value.buffer instanceof SharedArrayBuffer) return false;
  return value.byteLength > 0 || !isDetached(value.buffer);
}

/** A transferred buffer cannot take a new view (a detached buffer's views all have length 0). */
function isDetached(buffer: ArrayBufferLike): boolean {
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** What a validator reports about the call it rejects. */
export interface KernelIssue {
  readonly kernel: KernelName;
  /** The field, the size product of a `limit`, or `''` for `struct`. */
  readonly field: string;
  readonly problem: KernelProblem;
}

/** A buffer argument of a kernel is missing, not a usable `Float32Array`, or of the wrong length. */
export class KernelBufferError extends ShapeError {
  constructor(message: string, readonly issue: KernelIssue) {
    super(message);
  }
}

/** Any other kernel argument is wrong: the struct, a size, an option, a pairing, or shared memory. */
export class KernelArgumentError extends ConfigError {
  constructor(message: string, readonly issue: KernelIssue) {
    super(message);
  }
}

/** `template` with every `{name}` replaced by `values[name]`. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

/** The error for `problem`, its message filled from `values` (`kernel` and `field` are added). */
export function kernelError(
  issue: KernelIssue,
  values: Readonly<Record<string, string>> = {},
): KernelBufferError | KernelArgumentError {
  const message = fillTemplate(KERNEL_MESSAGES[issue.problem], { ...values, kernel: issue.kernel, field: issue.field });
  return BUFFER_PROBLEMS.includes(issue.problem) ? new KernelBufferError(message, issue) : new KernelArgumentError(message, issue);
}
