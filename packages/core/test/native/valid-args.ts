import { type FieldSpec, type FieldTable, KERNEL_CONTRACT, workspaceSize } from '@rnn/backend-api';

/**
 * Well-formed argument objects for every binding function, for the fuzz test to break one field
 * at a time. Sizes are small; every nullable field is filled so that it can be mutated too.
 */
export type BindingFunction = 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward' | 'rnnForward' | 'rnnBackward' | 'gemm';

export const BINDING_FUNCTIONS: readonly BindingFunction[] = [
  'lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'rnnForward', 'rnnBackward', 'gemm',
];

/**
 * Whether `field` of `fn` may be null (the contract's nullable buffers: forward's y may, backward's
 * y may not): a null there is valid, so the fuzzer never uses null as a mutation.
 */
export function nullable(fn: BindingFunction, field: string): boolean {
  const spec: FieldSpec | undefined = (KERNEL_CONTRACT[fn].fields as FieldTable)[field];
  return spec?.kind === 'buffer' && spec.nullable;
}

/** Size fields, per function. */
export const SIZE_FIELDS = new Set(['T', 'B', 'I', 'H', 'M', 'N', 'K']);

const filled = (n: number, v = 0.25) => new Float32Array(n).fill(v);

/** A fresh valid argument object for `fn` with sizes T, B, I, H (gemm uses M = T, N = B, K = I). */
export function validArgs(fn: BindingFunction, T: number, B: number, I: number, H: number): Record<string, unknown> {
  if (fn === 'gemm') {
    return { c: filled(T * B), a: filled(T * I), b: filled(I * B), M: T, N: B, K: I, transA: false, transB: true, alpha: 1, beta: 0 };
  }
  const cell = fn.startsWith('lstm') ? 'lstm' : fn.startsWith('gru') ? 'gru' : 'rnn';
  const G = { lstm: 4, gru: 3, rnn: 1 }[cell];
  const dims = { T, B, I, H };
  const ws = workspaceSize(cell, dims);
  const shared = {
    ...dims, x: filled(T * B * I), h0: filled(B * H), mask: filled(T * B, 1), wIh: filled(G * H * I, 0.1),
    wHh: filled(G * H * H, 0.1), recurrentMask: filled(B * H, 1), reverse: false,
  };
  const options: Record<string, unknown> =
    cell === 'rnn' ? { activation: 'tanh' } : { activation: 'tanh', recurrentActivation: 'sigmoid' };
  if (cell === 'gru') options.resetAfter = true;
  if (fn.endsWith('Forward')) {
    const args: Record<string, unknown> = {
      ...shared, ...options, y: filled(T * B * H), hT: filled(B * H), workspace: filled(ws), bIh: filled(G * H), bHh: filled(G * H),
    };
    args.batchFirst = false;
    if (cell === 'lstm') Object.assign(args, { cT: filled(B * H), c0: filled(B * H), peephole: filled(3 * H) });
    return args;
  }
  const args: Record<string, unknown> = {
    ...shared, ...options, dx: filled(T * B * I), dh0: filled(B * H), dWIh: filled(G * H * I), dWHh: filled(G * H * H),
    dBIh: filled(G * H), dBHh: filled(G * H), dy: filled(T * B * H), dhT: filled(B * H), y: filled(T * B * H), workspace: filled(ws),
  };
  if (cell === 'lstm') {
    Object.assign(args, { dc0: filled(B * H), dPeephole: filled(3 * H), dcT: filled(B * H), c0: filled(B * H), peephole: filled(3 * H) });
  }
  return args;
}
