import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type BufferField,
  type CellKind,
  type FieldSpec,
  type GemmArgs,
  KERNEL_CONTRACT,
  KERNEL_NAMES,
  kernelContractJson,
  type KernelName,
  type LstmBackwardArgs,
  type LstmForwardArgs,
  productOf,
  shapeFactors,
  workspaceSize,
} from '../src/index';

/** JSON with every value that fits in 220 columns on one line (one field of a kernel a line). */
function pretty(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= 220 || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => `${inner}${pretty(v, inner)}`)
    : Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

const fieldsOf = (kernel: KernelName): [string, FieldSpec][] => Object.entries(KERNEL_CONTRACT[kernel].fields);
const buffersOf = (kernel: KernelName) =>
  fieldsOf(kernel).filter((e): e is [string, BufferField] => e[1].kind === 'buffer');

describe('the kernel contract tables', () => {
  it('name only their own size fields in shapes and limits', () => {
    for (const kernel of KERNEL_NAMES) {
      const sizes = new Set(fieldsOf(kernel).filter(([, f]) => f.kind === 'size').map(([name]) => name));
      const named = [...KERNEL_CONTRACT[kernel].limits.flat(), ...buffersOf(kernel).flatMap(([, b]) => shapeFactors(b.shape))];
      for (const factor of named) if (typeof factor === 'string') expect(sizes, `${kernel}: ${factor}`).toContain(factor);
    }
  });

  it('pair nullable buffers with another nullable buffer of the same kernel, and transpose by a flag', () => {
    for (const kernel of KERNEL_NAMES) {
      const fields = new Map(fieldsOf(kernel));
      for (const [name, spec] of buffersOf(kernel)) {
        if (spec.pairedWith !== null) {
          const partner = fields.get(spec.pairedWith);
          expect(partner?.kind === 'buffer' && partner.nullable && spec.nullable && spec.pairedWith !== name, `${kernel}.${name}`).toBe(true);
        }
        if (spec.transposedBy !== null) expect(fields.get(spec.transposedBy)?.kind, `${kernel}.${name}`).toBe('flag');
      }
    }
  });

  it('give each forward output a read-only twin in backward where backward reads it', () => {
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      const backward = new Map(fieldsOf(`${cell}Backward`));
      for (const [name, spec] of buffersOf(`${cell}Forward`)) {
        const twin = backward.get(name);
        if (twin?.kind !== 'buffer') continue;
        expect(twin.access, `${cell}Backward.${name}`).toBe('read');
        expect(twin.shape, `${cell}Backward.${name}`).toEqual(spec.shape);
      }
    }
  });

  it('size the workspace as workspaceSize does', () => {
    const dims = { T: 3, B: 2, I: 5, H: 7 };
    for (const cell of ['lstm', 'gru', 'rnn'] as CellKind[]) {
      const spec = KERNEL_CONTRACT[`${cell}Forward`].fields.workspace;
      expect(productOf(shapeFactors(spec.shape), dims)).toBe(workspaceSize(cell, dims));
    }
    expect(workspaceSize('lstm', dims)).toBe(3 * 2 * 4 * 7 + 3 * 2 * 7);
    expect(workspaceSize('gru', dims)).toBe(3 * 2 * 3 * 7 + 3 * 2 * 7);
    expect(workspaceSize('rnn', dims)).toBe(0);
  });

  it('derive the argument types: nullable buffers may be null, flags are booleans', () => {
    expectTypeOf<LstmForwardArgs['c0']>().toEqualTypeOf<Float32Array | null>();
    expectTypeOf<LstmForwardArgs['cT']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<LstmBackwardArgs['workspace']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<LstmBackwardArgs['recurrentActivation']>().toEqualTypeOf<'tanh' | 'sigmoid' | 'relu' | 'linear' | 'hardSigmoid'>();
    expectTypeOf<GemmArgs['transA']>().toEqualTypeOf<boolean>();
    expectTypeOf<GemmArgs['alpha']>().toEqualTypeOf<number>();
  });

  it('is exported as JSON in kernel-contract.json (regenerate with `npx vitest run -u` in this package)', async () => {
    await expect(`${pretty(kernelContractJson())}\n`).toMatchFileSnapshot('../kernel-contract.json');
  });
});
