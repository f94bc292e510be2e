import { type ActivationName, type CellKind, GATES } from '@rnn/backend-api';
import type { Random } from '../random';
import { expectClose, type Tolerance } from './compare';
import {
  type KernelCaller,
  type NetworkSpec,
  type NetworkUpstream,
  networkBackward,
  networkForward,
  networkLoss,
  weightSuffix,
  zeroGrads,
} from './kernel-network';

/**
 * Gradient checks that need no reference: the backend's own backward against central differences
 * of its own float32 forward, on randomly drawn networks.
 */

/** What a random network may exercise; unset fields are drawn at random. */
export interface RandomNetworkOptions {
  cell: CellKind;
  layers?: number;
  directions?: 1 | 2;
  reverse?: boolean;
  mask?: boolean;
  recurrentMask?: boolean;
  peephole?: boolean;
  resetAfter?: boolean;
  useBias?: boolean;
  zeroState?: boolean;
  activation?: ActivationName;
  recurrentActivation?: ActivationName;
}

/** Settings of one finite-difference check. */
export interface FiniteDifferenceSettings {
  /** Step of the central difference (on the float32 value; the actually stored step is used). */
  eps: number;
  tolerance: Tolerance;
  /** Entries checked per tensor (all of them when the tensor is smaller). */
  samplesPerTensor: number;
}

function randomBuffer(rng: Random, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-scale, scale);
  return out;
}

function normalBuffer(rng: Random, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

/** A small random network with smooth activations (kinks would defeat finite differences). */
export function randomNetwork(rng: Random, o: RandomNetworkOptions): { spec: NetworkSpec; upstream: NetworkUpstream } {
  const pick = (flag: boolean | undefined): boolean => flag ?? rng.next() < 0.5;
  const cell = o.cell;
  const dims = { T: 2 + rng.int(3), B: 1 + rng.int(3), I: 1 + rng.int(4), H: 1 + rng.int(3) };
  const { T, B, H } = dims;
  const layers = o.layers ?? 1;
  const D = o.directions ?? 1;
  const G = GATES[cell];
  const useBias = pick(o.useBias);
  const peephole = cell === 'lstm' && pick(o.peephole);
  const weights: Record<string, Float32Array> = {};
  for (let layer = 0; layer < layers; layer++) {
    const inSize = layer === 0 ? dims.I : D * H;
    for (let d = 0; d < D; d++) {
      const s = weightSuffix(layer, d);
      weights[`weight_ih${s}`] = randomBuffer(rng, G * H * inSize, 0.6); // [G·H, in]
      weights[`weight_hh${s}`] = randomBuffer(rng, G * H * H, 0.6); // [G·H, H]
      if (useBias) {
        weights[`bias_ih${s}`] = randomBuffer(rng, G * H, 0.6); // [G·H]
        weights[`bias_hh${s}`] = randomBuffer(rng, G * H, 0.6); // [G·H]
      }
      if (peephole) weights[`peephole${s}`] = randomBuffer(rng, 3 * H, 0.5); // [3H]
    }
  }
  const states = layers * D * B * H;
  const zeroState = pick(o.zeroState);
  let mask: Float32Array | null = null;
  if (pick(o.mask)) {
    mask = new Float32Array(T * B).map(() => (rng.next() < 0.7 ? 1 : 0)); // [T, B]
    mask[0] = 0; // a padded first step carries h0
  }
  const recurrentMask = pick(o.recurrentMask) ? new Float32Array(B * H).map(() => (rng.next() < 0.8 ? 1.25 : 0)) : null; // [B, H]
  const spec: NetworkSpec = {
    cell,
    layers,
    directions: D,
    dims,
    options: {
      activation: o.activation ?? 'tanh',
      recurrentActivation: cell === 'rnn' ? undefined : (o.recurrentActivation ?? 'sigmoid'),
      reverse: pick(o.reverse),
      useBias,
      peephole: cell === 'lstm' ? peephole : undefined,
      resetAfter: cell === 'gru' ? pick(o.resetAfter) : undefined,
    },
    x: normalBuffer(rng, T * B * dims.I), // [T, B, I]
    h0: zeroState ? null : normalBuffer(rng, states, 0.5), // [L·D, B, H]
    c0: zeroState || cell !== 'lstm' ? null : normalBuffer(rng, states, 0.5), // [L·D, B, H]
    mask,
    recurrentMask,
    weights,
  };
  const upstream: NetworkUpstream = {
    dy: normalBuffer(rng, T * B * D * H), // [T, B, D·H]
    dhT: normalBuffer(rng, states), // [L·D, B, H]
    dcT: cell === 'lstm' ? normalBuffer(rng, states) : null, // [L·D, B, H]
  };
  return { spec, upstream };
}

/** Up to `n` distinct indices in [0, size), in increasing order. */
function sampleIndices(rng: Random, size: number, n: number): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  if (size <= n) return all;
  return rng.shuffle(all).slice(0, n).sort((a, b) => a - b);
}

/**
 * Compares the backend's backward against central differences of L = sum(y·dy) + sum(hT·dhT) +
 * sum(cT·dcT) for a sample of entries of x, h0, c0 and every weight. Throws a `ClosenessError`
 * naming the tensor on a mismatch; returns how many entries were checked.
 */
export async function checkFiniteDifferences(
  kernels: KernelCaller,
  spec: NetworkSpec,
  upstream: NetworkUpstream,
  rng: Random,
  settings: FiniteDifferenceSettings,
  label: string,
): Promise<number> {
  const fwd = await networkForward(kernels, spec);
  const grads = zeroGrads(spec);
  const inputGrads = await networkBackward(kernels, spec, fwd, upstream, grads);
  const targets: { name: string; value: Float32Array; grad: Float32Array }[] = [
    { name: 'x', value: spec.x, grad: inputGrads.dx! },
  ];
  if (spec.h0) targets.push({ name: 'h0', value: spec.h0, grad: inputGrads.dh0! });
  if (spec.c0) targets.push({ name: 'c0', value: spec.c0, grad: inputGrads.dc0! });
  for (const [name, value] of Object.entries(spec.weights)) targets.push({ name, value, grad: grads[name] });

  const lossAt = async (): Promise<number> => networkLoss(await networkForward(kernels, spec, false), upstream);
  let checked = 0;
  for (const target of targets) {
    const indices = sampleIndices(rng, target.value.length, settings.samplesPerTensor);
    const numeric: number[] = [];
    const analytic: number[] = [];
    for (const i of indices) {
      const original = target.value[i];
      target.value[i] = original + settings.eps;
      const up = target.value[i]; // the float32 value actually stored
      const lossUp = await lossAt();
      target.value[i] = original - settings.eps;
      const down = target.value[i];
      const lossDown = await lossAt();
      target.value[i] = original;
      numeric.push((lossUp - lossDown) / (up - down));
      analytic.push(target.grad[i]);
    }
    expectClose(analytic, numeric, settings.tolerance, `${label}: d${target.name} at [${indices.join(', ')}] vs finite differences`);
    checked += indices.length;
  }
  return checked;
}
