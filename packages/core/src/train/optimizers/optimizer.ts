import { ConfigError, ShapeError, StateDictError } from '../../errors';
import { checkNumber } from '../../options';
import { copyInto } from '../../layers/scratch-buffers';
import type { Parameter } from '../parameter';
import { clipGradients, clippingConfig, parseClipping, type ClippingOptions, type GradientClipping } from './gradient-clipping';

/** Names `getOptimizer` accepts (case-insensitive). */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

/** What rebuilds an optimizer through `getOptimizer`: its name and every option. */
export interface OptimizerConfig {
  name: OptimizerName;
  learningRate: number;
  [option: string]: unknown;
}

/**
 * An optimizer's running state, plain data so it can be saved: the number of steps taken and, per
 * slot (e.g. Adam's `m` and `v`), one Float32Array per parameter in `parameters()` order.
 */
export interface OptimizerState {
  name: string;
  iterations: number;
  slots: Record<string, Float32Array[]>;
}

/** Updates parameters in place from their gradients. */
export interface Optimizer {
  readonly name: string;
  /** Mutable, e.g. by `ReduceLROnPlateau`. */
  learningRate: number;
  /** Clips the gradients (in place, if clipping is configured), then updates every `param.value`. */
  step(params: readonly Parameter[]): void;
  getConfig(): OptimizerConfig;
  /** A copy of the running state. */
  getState(): OptimizerState;
  /** Restores a state from `getState` (copied in). */
  setState(state: OptimizerState): void;
}

/** One buffer of an optimizer's running state: its slot, the parameter's position, the values. */
export interface StateBuffer {
  slot: string;
  index: number;
  values: Float32Array;
}

/**
 * What the trainer needs to undo an optimizer step that diverged: the live state buffers (to check
 * them) and a checkpoint to go back to. The built-in optimizers implement it over buffers reused from
 * step to step; `stepUndoFor` adapts any other `Optimizer` through `getState`/`setState`.
 */
export interface StepUndo {
  /** The running state as it is now (not copies), slot by slot. */
  stateBuffers(): StateBuffer[];
  /** Copies the step count and every state buffer aside. */
  checkpoint(): void;
  /** Puts back what the last `checkpoint` copied. */
  rollback(): void;
}

/** The optimizer's own `StepUndo`, or one over `getState`/`setState` (which copy) for other optimizers. */
export function stepUndoFor(optimizer: Optimizer): StepUndo {
  const own = optimizer as Optimizer & Partial<StepUndo>;
  if (typeof own.checkpoint === 'function' && typeof own.rollback === 'function' && typeof own.stateBuffers === 'function') {
    return own as StepUndo;
  }
  let saved: OptimizerState | null = null;
  if (typeof optimizer.getState !== 'function' || typeof optimizer.setState !== 'function') {
    return { stateBuffers: () => [], checkpoint: () => undefined, rollback: () => undefined }; // a stateless optimizer
  }
  return {
    stateBuffers: () =>
      Object.entries(optimizer.getState().slots ?? {}).flatMap(([slot, list]) => list.map((values, index) => ({ slot, index, values }))),
    checkpoint: () => {
      saved = optimizer.getState();
    },
    rollback: () => {
      if (saved) optimizer.setState(saved);
    },
  };
}

/** Options every built-in optimizer takes. */
export interface BaseOptimizerOptions extends ClippingOptions {
  learningRate?: number;
}

/** Option keys every built-in optimizer accepts, for unknown-key checks. */
export const BASE_OPTION_KEYS = ['learningRate', 'clipNorm', 'clipValue', 'globalClipNorm'] as const;

/**
 * Shared machinery of the built-in optimizers: learning-rate validation, gradient clipping, slot
 * buffers per parameter (keyed by position, allocated on the first step) and state save/restore.
 * Subclasses implement the per-parameter update.
 */
export abstract class BaseOptimizer implements Optimizer, StepUndo {
  abstract readonly name: OptimizerName;
  /** Steps taken so far (PyTorch's `step`, starting at 1 inside the first update). */
  iterations = 0;
  private lr: number;
  private readonly clipping: GradientClipping;
  /** slot name → one buffer per parameter; null until the first step. */
  private slots: Map<string, Float32Array[]> | null = null;
  /** What `checkpoint` saved: the step count and copies of the slots (null: none existed yet). */
  private saved: { iterations: number; slots: Map<string, Float32Array[]> | null } | null = null;
  /** The slot copies `checkpoint` writes into, reused from step to step (same layout as `slots`). */
  private readonly savedBuffers = new Map<string, Float32Array[]>();

  protected constructor(
    protected readonly owner: string,
    options: BaseOptimizerOptions,
    defaultLearningRate: number,
  ) {
    this.lr = checkNumber(owner, 'learningRate', options.learningRate ?? defaultLearningRate, { min: 0 });
    this.clipping = parseClipping(owner, options);
  }

  get learningRate(): number {
    return this.lr;
  }

  set learningRate(value: number) {
    this.lr = checkNumber(this.owner, 'learningRate', value, { min: 0 });
  }

  /** Names of the per-parameter slot buffers this configuration needs, in a fixed order. */
  protected abstract slotNames(): readonly string[];

  /** Initial value of a slot buffer (0 for moments, Adagrad's initial accumulator). */
  protected initialSlotValue(_slot: string): number {
    return 0;
  }

  /** Updates one parameter; `slots` follow `slotNames()` order; `step` counts from 1. */
  protected abstract updateParameter(value: Float32Array, grad: Float32Array, slots: Float32Array[], step: number): void;

  /** The optimizer's own options for `getConfig` (learning rate and clipping are added by the base). */
  protected abstract hyperParameters(): Record<string, unknown>;

  step(params: readonly Parameter[]): void {
    const slots = this.ensureSlots(params);
    clipGradients(params, this.clipping);
    this.iterations += 1;
    const names = this.slotNames();
    for (let i = 0; i < params.length; i++) {
      const perParam = names.map((n) => (slots.get(n) as Float32Array[])[i]);
      this.updateParameter(params[i].value, params[i].grad, perParam, this.iterations);
    }
  }

  getConfig(): OptimizerConfig {
    return { name: this.name, learningRate: this.lr, ...this.hyperParameters(), ...clippingConfig(this.clipping) };
  }

  getState(): OptimizerState {
    const slots: Record<string, Float32Array[]> = {};
    for (const n of this.slotNames()) slots[n] = this.slots ? (this.slots.get(n) as Float32Array[]).map((b) => b.slice()) : [];
    return { name: this.name, iterations: this.iterations, slots };
  }

  setState(state: OptimizerState): void {
    const where = `${this.owner}.setState`;
    if (state === null || typeof state !== 'object') throw new StateDictError(`${where}: expected an optimizer state object`);
    if (state.name !== this.name) {
      throw new StateDictError(`${where}: state belongs to optimizer '${state.name}', expected '${this.name}'`);
    }
    const iterations = state.iterations;
    if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 0) {
      throw new StateDictError(`${where}: iterations must be a non-negative integer, got ${String(iterations)}`);
    }
    const names = this.slotNames();
    const given = Object.keys(state.slots ?? {});
    const missing = names.filter((n) => !given.includes(n));
    const extra = given.filter((n) => !names.includes(n));
    if (missing.length || extra.length) {
      throw new StateDictError(
        `${where}: slots must be exactly [${names.join(', ')}], missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`,
      );
    }
    const counts = new Set(names.map((n) => state.slots[n].length));
    if (counts.size > 1) throw new StateDictError(`${where}: every slot must hold one buffer per parameter`);
    for (const n of names) {
      state.slots[n].forEach((b, i) => {
        if (!(b instanceof Float32Array)) throw new StateDictError(`${where}: slot '${n}'[${i}] must be a Float32Array`);
        const current = this.slots?.get(n)?.[i];
        if (current && current.length !== b.length) {
          throw new StateDictError(`${where}: slot '${n}'[${i}] has ${b.length} values, the parameter has ${current.length}`);
        }
      });
    }
    const empty = names.length === 0 || state.slots[names[0]].length === 0;
    this.slots = empty ? null : new Map(names.map((n) => [n, state.slots[n].map((b) => b.slice())]));
    this.iterations = iterations;
  }

  stateBuffers(): StateBuffer[] {
    const slots = this.slots;
    if (!slots) return [];
    return this.slotNames().flatMap((slot) => (slots.get(slot) as Float32Array[]).map((values, index) => ({ slot, index, values })));
  }

  checkpoint(): void {
    const slots = this.slots;
    if (slots) {
      for (const [slot, buffers] of slots) {
        const kept = this.savedBuffers.get(slot) ?? [];
        this.savedBuffers.set(slot, buffers.map((b, i) => copyInto(kept[i], b)));
      }
    }
    this.saved = { iterations: this.iterations, slots: slots ? this.savedBuffers : null };
  }

  rollback(): void {
    const saved = this.saved;
    if (!saved) return;
    this.iterations = saved.iterations;
    if (saved.slots === null) {
      this.slots = null;
    } else {
      this.slots = new Map([...saved.slots].map(([slot, copies]) => [slot, copies.map((c, i) => copyInto(this.slots?.get(slot)?.[i], c))]));
    }
  }

  /** Allocates slot buffers on the first step; later steps must pass the same parameters. */
  private ensureSlots(params: readonly Parameter[]): Map<string, Float32Array[]> {
    params.forEach((p, i) => {
      if (p.grad.length !== p.value.length) {
        throw new ShapeError(
          `${this.owner}: parameter ${i} ('${p.name}') has ${p.value.length} values but ${p.grad.length} gradient values`,
        );
      }
    });
    const names = this.slotNames();
    if (this.slots === null) {
      this.slots = new Map(
        names.map((n) => [n, params.map((p) => new Float32Array(p.value.length).fill(this.initialSlotValue(n)))]),
      );
      return this.slots;
    }
    const buffers = names.length ? (this.slots.get(names[0]) as Float32Array[]) : null;
    if (buffers) {
      if (buffers.length !== params.length) {
        throw new ShapeError(
          `${this.owner}: step() got ${params.length} parameters, but its state was built for ${buffers.length}; use a new optimizer for a different model`,
        );
      }
      params.forEach((p, i) => {
        if (buffers[i].length !== p.value.length) {
          throw new ShapeError(
            `${this.owner}: parameter ${i} ('${p.name}') has ${p.value.length} values, but its state has ${buffers[i].length}`,
          );
        }
      });
    }
    return this.slots;
  }
}

/** Checks that an exponential-decay rate (beta, rho) lies in [0, 1). */
export function checkDecayRate(owner: string, option: string, value: unknown): number {
  return checkNumber(owner, option, value, { min: 0, below: 1 });
}

/** Throws unless `condition`; used for cross-option rules such as nesterov needing momentum. */
export function requireConfig(condition: boolean, message: string): void {
  if (!condition) throw new ConfigError(message);
}
