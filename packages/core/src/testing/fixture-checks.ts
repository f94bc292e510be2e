import { ClosenessError, expectClose } from './compare';
import { f32, type KernelCase } from './fixtures';
import {
  type KernelCaller,
  type NetworkInputGrads,
  type NetworkSpec,
  type NetworkUpstream,
  networkBackward,
  networkForward,
  zeroGrads,
} from './kernel-network';
import { FORWARD_TOLERANCE, GRADIENT_TOLERANCE, SAME_COMPUTATION_TOLERANCE } from './tolerances';

/**
 * The checks of one PyTorch fixture case against a backend's kernels. Each throws a
 * `ClosenessError` naming the case and quantity, with the first mismatches, when the backend is off.
 */

/** The case's inputs and weights as float32 buffers, ready for `networkForward`. */
export function specFromCase(c: KernelCase): NetworkSpec {
  const weights: Record<string, Float32Array> = {};
  for (const [name, value] of Object.entries(c.weights)) weights[name] = f32(value);
  return {
    cell: c.cell,
    layers: c.layers,
    directions: c.directions,
    dims: c.dims,
    options: c.options,
    x: f32(c.inputs.x),
    h0: f32(c.inputs.h0),
    c0: f32(c.inputs.c0),
    mask: f32(c.inputs.mask),
    recurrentMask: f32(c.inputs.recurrentMask),
    weights,
  };
}

/** The case's upstream gradients (dL/dy, dL/dhT, dL/dcT). */
export function upstreamFromCase(c: KernelCase): NetworkUpstream {
  return { dy: f32(c.upstream.dy), dhT: f32(c.upstream.dhT), dcT: f32(c.upstream.dcT) };
}

function checkOutputs(c: KernelCase, out: { y: Float32Array; hT: Float32Array; cT: Float32Array | null }, how: string): void {
  expectClose(out.y, c.outputs.y.data, FORWARD_TOLERANCE, `${c.name}${how}: y`);
  expectClose(out.hT, c.outputs.hT.data, FORWARD_TOLERANCE, `${c.name}${how}: hT`);
  if (c.outputs.cT) expectClose(out.cT ?? [], c.outputs.cT.data, FORWARD_TOLERANCE, `${c.name}${how}: cT`);
}

/** Every parameter gradient against `scale` × the reference (2 after two backward calls). */
function checkParamGrads(c: KernelCase, grads: Record<string, Float32Array>, scale: number, how: string): void {
  for (const name of Object.keys(c.weights)) {
    const expected = c.gradients[name].data.map((v) => v * scale);
    const tol = { atol: GRADIENT_TOLERANCE.atol * scale, rtol: GRADIENT_TOLERANCE.rtol };
    expectClose(grads[name], expected, tol, `${c.name}${how}: d${name}`);
  }
}

function checkInputGrads(c: KernelCase, g: NetworkInputGrads, how: string): void {
  expectClose(g.dx ?? [], c.gradients.x.data, GRADIENT_TOLERANCE, `${c.name}${how}: dx`);
  expectClose(g.dh0 ?? [], c.gradients.h0.data, GRADIENT_TOLERANCE, `${c.name}${how}: dh0`);
  if (c.cell === 'lstm') expectClose(g.dc0 ?? [], c.gradients.c0.data, GRADIENT_TOLERANCE, `${c.name}${how}: dc0`);
}

/** The first index in `expected`'s range where `actual` differs from it bit for bit (`Object.is`), or −1. */
function firstBitDifference(actual: Float32Array, expected: Float32Array): number {
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return -1;
}

/** `actual` must be `expected` bit for bit. */
function expectIdentical(actual: Float32Array, expected: Float32Array, what: string): void {
  if (actual.length !== expected.length) throw new ClosenessError(`${what}: ${actual.length} values, expected ${expected.length}`);
  const i = firstBitDifference(actual, expected);
  if (i >= 0) throw new ClosenessError(`${what}: [${i}] is ${actual[i]}, expected ${expected[i]} bit for bit`);
}

/** Two buffers must be bit-identical (backward treats its inputs as read-only). */
function expectUnchanged(after: Float32Array | null, before: Float32Array | null, what: string): void {
  if (after === null || before === null) return;
  const i = firstBitDifference(after, before);
  if (i >= 0) throw new ClosenessError(`${what} was modified by backward: [${i}] was ${before[i]}, now ${after[i]}`);
}

/**
 * y, hT and cT match the reference; `workspace: false` runs inference calls (`workspace: null`),
 * `batchFirst` hands the forward kernels x as `[B, T, I]`.
 */
export async function checkForward(kernels: KernelCaller, c: KernelCase, workspace = true, how = '', batchFirst = false): Promise<void> {
  checkOutputs(c, await networkForward(kernels, specFromCase(c), workspace, batchFirst), how);
}

/**
 * Inference that wants only the final states (`y: null` in the last layer's calls) gives the final
 * states of the same calls with y, bit for bit: the kernel runs the same steps, keeping y in
 * scratch of its own.
 */
export async function checkFinalStatesOnly(kernels: KernelCaller, c: KernelCase, batchFirst = false): Promise<void> {
  const spec = specFromCase(c);
  const withY = await networkForward(kernels, spec, false, batchFirst);
  const withoutY = await networkForward(kernels, spec, false, batchFirst, true);
  expectIdentical(withoutY.hT, withY.hT, `${c.name}: hT without y`);
  if (withY.cT) expectIdentical(withoutY.cT ?? new Float32Array(0), withY.cT, `${c.name}: cT without y`);
}

/** dx, dh0, dc0 and every parameter gradient match the reference (`batchFirst`: after a forward reading x `[B, T, I]`). */
export async function checkGradients(kernels: KernelCaller, c: KernelCase, how = '', batchFirst = false): Promise<void> {
  const spec = specFromCase(c);
  const grads = zeroGrads(spec);
  const fwd = await networkForward(kernels, spec, true, batchFirst);
  checkInputGrads(c, await networkBackward(kernels, spec, fwd, upstreamFromCase(c), grads), how);
  checkParamGrads(c, grads, 1, how);
}

/**
 * The `+=` contract: two backward calls double the parameter gradients, input gradients are
 * overwritten (their buffers are pre-filled with junk), and x, y and the workspace stay bit-identical.
 */
export async function checkAccumulation(kernels: KernelCaller, c: KernelCase): Promise<void> {
  const spec = specFromCase(c);
  const fwd = await networkForward(kernels, spec);
  const calls = fwd.calls.flat();
  const before = calls.map((call) => ({ x: call.x.slice(), y: call.y.slice(), ws: call.workspace!.slice() }));
  const upstream = upstreamFromCase(c);
  const grads = zeroGrads(spec);
  await networkBackward(kernels, spec, fwd, upstream, grads, { prefill: 123.5 });
  // Checked before the second call, which would otherwise report the damage as a gradient mismatch.
  calls.forEach((call, i) => {
    expectUnchanged(call.x, before[i].x, `${c.name}: x of call ${call.suffix}`);
    expectUnchanged(call.y, before[i].y, `${c.name}: y of call ${call.suffix}`);
    expectUnchanged(call.workspace, before[i].ws, `${c.name}: workspace of call ${call.suffix}`);
  });
  const second = await networkBackward(kernels, spec, fwd, upstream, grads, { prefill: -7.25 });
  checkParamGrads(c, grads, 2, ' after two backward calls');
  checkInputGrads(c, second, ' after two backward calls');
}

/** With dx, dh0 and dc0 `null` (not wanted), parameter gradients are still right. */
export async function checkWithoutInputGrads(kernels: KernelCaller, c: KernelCase): Promise<void> {
  const spec = specFromCase(c);
  const grads = zeroGrads(spec);
  const fwd = await networkForward(kernels, spec);
  await networkBackward(kernels, spec, fwd, upstreamFromCase(c), grads, { inputGrads: false });
  checkParamGrads(c, grads, 1, ' (input gradients null)');
}

/** `dy: null` and `dcT: null` give what explicit zeros give. */
export async function checkNullUpstream(kernels: KernelCaller, c: KernelCase): Promise<void> {
  const spec = specFromCase(c);
  const fwd = await networkForward(kernels, spec);
  const up = upstreamFromCase(c);
  const zeros = (a: Float32Array | null) => (a === null ? null : new Float32Array(a.length));
  const nullGrads = zeroGrads(spec);
  const nullRun = await networkBackward(kernels, spec, fwd, { dy: null, dhT: up.dhT, dcT: null }, nullGrads);
  const zeroGradsRun = zeroGrads(spec);
  const zeroRun = await networkBackward(kernels, spec, fwd, { dy: zeros(up.dy), dhT: up.dhT, dcT: zeros(up.dcT) }, zeroGradsRun);
  expectClose(nullRun.dx!, zeroRun.dx!, SAME_COMPUTATION_TOLERANCE, `${c.name}: dx with dy = null vs zeros`);
  expectClose(nullRun.dh0!, zeroRun.dh0!, SAME_COMPUTATION_TOLERANCE, `${c.name}: dh0 with dy = null vs zeros`);
  for (const name of Object.keys(zeroGradsRun)) {
    expectClose(nullGrads[name], zeroGradsRun[name], SAME_COMPUTATION_TOLERANCE, `${c.name}: d${name} with dy = null vs zeros`);
  }
}
