import type { ActivationName } from './cells';

/**
 * The vocabulary of the kernel contract: how one field of a kernel's argument struct is described.
 * Each kernel is a table of these (`recurrent-kernels.ts`, `gemm-kernel.ts`); the argument types
 * (`kernel-args.ts`), core's validator and the addon's reader all follow the table.
 */

/** A factor of a length: a size field of the kernel (`'H'`) or a constant (`4`). */
export type Factor<S extends string> = S | number;

/** One axis of a buffer: a factor, or the product of several (`[4, 'H']` is the axis 4·H). */
export type Dim<S extends string> = Factor<S> | readonly Factor<S>[];

/** A buffer's row-major shape over the kernel's size fields, e.g. `[[4, 'H'], 'I']` for `[4·H, I]`. */
export type Shape<S extends string> = readonly Dim<S>[];

/**
 * What a buffer holds: the data (`input`), a weight, a step or dropout `mask`, a recurrent `state`,
 * the forward's `output`, a `gradient`, or the `workspace` forward leaves for backward.
 */
export type BufferRole = 'input' | 'weight' | 'mask' | 'state' | 'output' | 'gradient' | 'workspace';

/**
 * What the kernel does with a buffer: only reads it, overwrites it (`write`), or adds to it
 * (`accumulate`, the parameter gradients). Written and accumulated buffers must not share memory
 * with any other buffer of the call.
 */
export type BufferAccess = 'read' | 'write' | 'accumulate';

/** A size: a positive safe integer (`T`, `B`, `I`, `H`; `M`, `N`, `K`). */
export interface SizeField {
  readonly kind: 'size';
}

/** A boolean option (`reverse`, `resetAfter`, `transA`). */
export interface FlagField {
  readonly kind: 'flag';
}

/** A finite number (`alpha`, `beta`). */
export interface ScalarField {
  readonly kind: 'scalar';
}

/** An activation name, one of `ACTIVATION_NAMES`. */
export interface ActivationField {
  readonly kind: 'activation';
}

/** A `Float32Array` argument (over a non-shared, attached `ArrayBuffer`). */
export interface BufferField<S extends string = string, N extends boolean = boolean> {
  readonly kind: 'buffer';
  readonly role: BufferRole;
  readonly access: BufferAccess;
  /** The row-major shape; the buffer holds exactly its product of floats (see `atLeast`). */
  readonly shape: Shape<S>;
  /** `null` is allowed (zeros, absent, or "not wanted"; the kernel docs say which). */
  readonly nullable: N;
  /** The buffer may be longer than its shape (a workspace). */
  readonly atLeast: boolean;
  /** How messages name the length instead of its formula, e.g. `workspaceSize('lstm', dims)`. */
  readonly lengthName: string | null;
  /** A flag field which, when true, means the two axes are stored the other way round (`transA`). */
  readonly transposedBy: string | null;
  /**
   * Another nullable buffer that must be `null` exactly when this one is (`bIh` names `bHh`); a pair
   * is declared on one of its fields, which the pair's message names first.
   */
  readonly pairedWith: string | null;
}

/** One field of a kernel's argument struct. */
export type FieldSpec<S extends string = string> = SizeField | FlagField | ScalarField | ActivationField | BufferField<S>;

/** The fields of one kernel, in check order within each kind (see `kernel-contract.ts`). */
export type FieldTable<S extends string = string> = { readonly [field: string]: FieldSpec<S> };

/** The TypeScript type a field's value has in the argument struct. */
export type ValueOf<F> =
  F extends BufferField<string, infer N>
    ? N extends true
      ? Float32Array | null
      : Float32Array
    : F extends FlagField
      ? boolean
      : F extends ActivationField
        ? ActivationName
        : number;

/** The argument struct a field table describes. */
export type ArgsOf<T> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** Extra properties of a buffer field; the rest default to `false` / `null`. */
export interface BufferOptions {
  atLeast?: boolean;
  lengthName?: string;
  transposedBy?: string;
  pairedWith?: string;
}

/**
 * Field builders whose shapes may only name the sizes `S` (a shape naming another size does not
 * compile). `read`/`write`/`accumulate` give required buffers; the `…OrNull` forms nullable ones.
 */
export function fieldsOver<S extends string>() {
  function buffer<N extends boolean>(
    role: BufferRole,
    access: BufferAccess,
    shape: Shape<S>,
    nullable: N,
    options: BufferOptions,
  ): BufferField<S, N> {
    return {
      kind: 'buffer',
      role,
      access,
      shape,
      nullable,
      atLeast: options.atLeast ?? false,
      lengthName: options.lengthName ?? null,
      transposedBy: options.transposedBy ?? null,
      pairedWith: options.pairedWith ?? null,
    };
  }
  return {
    size: (): SizeField => ({ kind: 'size' }),
    flag: (): FlagField => ({ kind: 'flag' }),
    scalar: (): ScalarField => ({ kind: 'scalar' }),
    activation: (): ActivationField => ({ kind: 'activation' }),
    read: (role: BufferRole, shape: Shape<S>, options: BufferOptions = {}) => buffer(role, 'read', shape, false, options),
    readOrNull: (role: BufferRole, shape: Shape<S>, options: BufferOptions = {}) => buffer(role, 'read', shape, true, options),
    write: (role: BufferRole, shape: Shape<S>, options: BufferOptions = {}) => buffer(role, 'write', shape, false, options),
    writeOrNull: (role: BufferRole, shape: Shape<S>, options: BufferOptions = {}) => buffer(role, 'write', shape, true, options),
    accumulate: (shape: Shape<S>, options: BufferOptions = {}) => buffer('gradient', 'accumulate', shape, false, options),
    accumulateOrNull: (shape: Shape<S>, options: BufferOptions = {}) => buffer('gradient', 'accumulate', shape, true, options),
  };
}

/** The factors of a shape, flattened: `[[4, 'H'], 'I']` → `[4, 'H', 'I']`. */
export function shapeFactors<S extends string>(shape: Shape<S>): Factor<S>[] {
  return shape.flatMap((dim): Factor<S>[] => (typeof dim === 'object' ? [...dim] : [dim]));
}

/** The length a list of factors gives for these sizes. */
export function productOf<S extends string>(factors: readonly Factor<S>[], sizes: Readonly<Record<S, number>>): number {
  let n = 1;
  for (const f of factors) n *= typeof f === 'number' ? f : sizes[f];
  return n;
}
