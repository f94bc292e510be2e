import { BUFFER_PROBLEMS, KERNEL_MESSAGES, NEED_TEMPLATES } from '../kernel-errors';
import { ACTIVATION_NAMES } from './cells';
import { type FieldSpec, shapeFactors } from './fields';
import { KERNEL_CONTRACT, KERNEL_NAMES, MAX_DIMENSION } from './kernel-contract';

/** One field of a kernel, as JSON: its name first, then its spec; a buffer's dims as lists of factors. */
export type FieldJson = { name: string } & (
  | { kind: 'size' | 'flag' | 'scalar' | 'activation' }
  | ({ kind: 'buffer'; shape: (string | number)[][]; length: (string | number)[] } & Omit<
      Extract<FieldSpec, { kind: 'buffer' }>,
      'kind' | 'shape'
    >)
);

/** The contract as plain JSON, for readers outside TypeScript (the addon's build, its tests). */
export interface KernelContractJson {
  maxDimension: number;
  activations: string[];
  messages: Record<string, string>;
  need: { formula: string; named: string };
  bufferProblems: string[];
  kernels: Record<string, { limits: (string | number)[][]; fields: FieldJson[] }>;
}

function fieldJson(name: string, spec: FieldSpec): FieldJson {
  if (spec.kind !== 'buffer') return { name, kind: spec.kind };
  const shape = spec.shape.map((dim) => (typeof dim === 'object' ? [...dim] : [dim]));
  return { name, ...spec, shape, length: shapeFactors(spec.shape) };
}

/**
 * The whole contract (fields in check order, limits, message templates) as JSON-ready data. A
 * buffer's `shape` lists each axis as a product of factors, `length` all factors of its length.
 */
export function kernelContractJson(): KernelContractJson {
  const kernels: KernelContractJson['kernels'] = {};
  for (const name of KERNEL_NAMES) {
    const spec = KERNEL_CONTRACT[name];
    const fields: [string, FieldSpec][] = Object.entries(spec.fields);
    kernels[name] = { limits: spec.limits.map((l) => [...l]), fields: fields.map(([field, f]) => fieldJson(field, f)) };
  }
  return {
    maxDimension: MAX_DIMENSION,
    activations: [...ACTIVATION_NAMES],
    messages: { ...KERNEL_MESSAGES },
    need: { ...NEED_TEMPLATES },
    bufferProblems: [...BUFFER_PROBLEMS],
    kernels,
  };
}
