import { AsyncLocalStorage } from 'node:async_hooks';
import { asModelCall } from '../cells/kernel-calls';
import { ConfigError } from '../errors';

/** Which of a gate's sections the current async context runs in. */
interface Scope {
  gate: CallGate;
  /** Inside a serial call (`fit`, `trainOnBatch`, or any call on a stateful model). */
  serial: string | null;
  /** Inside an exclusive section: nothing else on the model runs. */
  exclusive: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/** A waiting section: shared (inference) or exclusive (a weight update), woken in arrival order. */
interface Waiter {
  exclusive: boolean;
  wake: () => void;
}

/**
 * Orders the calls on one model so that they never mix:
 *
 * - serial calls (`fit`, `trainOnBatch`: they own the layers' saved activations and the gradients)
 *   run one at a time, in call order;
 * - shared calls (`predict`, `evaluate`: they only read the weights, and keep their activations to
 *   themselves) run side by side with each other and with a serial call's forward and backward;
 * - exclusive sections (an optimizer step, a training callback, which may replace weights) wait for
 *   the shared calls in flight to end, and shared calls arriving meanwhile wait for them.
 *
 * So a `predict` during `fit` sees the weights of one step from its first layer to its last. Code
 * running inside a section (a callback calling `predict`) runs at once, as part of it; calling `fit`
 * from inside `fit` would wait for itself, and is a `ConfigError`.
 */
export class CallGate {
  private readers = 0;
  private writing = false;
  private readonly waiting: Waiter[] = [];
  private serialTail: Promise<void> = Promise.resolve();
  private serialRunning: string | null = null;

  constructor(private readonly owner: string) {}

  /** Runs a serial call: after every serial call made before it has ended. */
  async serial<T>(what: string, task: () => Promise<T>): Promise<T> {
    const scope = this.scope();
    if (scope?.serial) {
      if (scope.exclusive && !TRAINING_CALLS.has(what)) return task(); // e.g. predict in a callback
      throw new ConfigError(`${this.owner}: cannot call ${what} while its ${scope.serial} runs (from a callback?); it would wait for itself`);
    }
    const previous = this.serialTail;
    let done!: () => void;
    this.serialTail = new Promise<void>((resolve) => (done = resolve));
    await previous;
    this.serialRunning = what;
    try {
      return await scopes.run({ gate: this, serial: what, exclusive: false }, () => asModelCall(task));
    } finally {
      this.serialRunning = null;
      done();
    }
  }

  /** The serial call running now (e.g. `fit`), or null. */
  get serialCall(): string | null {
    return this.serialRunning;
  }

  /** Runs a shared call: alongside other shared calls, never during an exclusive section. */
  async shared<T>(task: () => Promise<T>): Promise<T> {
    if (this.scope()?.exclusive) return task();
    if (this.writing || this.waiting.length > 0) await this.wait(false); // admitted (counted in) by wakeNext
    else this.readers++;
    try {
      return await asModelCall(task);
    } finally {
      this.readers--;
      this.wakeNext();
    }
  }

  /** Runs `task` alone: once the shared calls in flight have ended, before any new one starts. */
  async exclusive<T>(task: () => T | Promise<T>): Promise<T> {
    const scope = this.scope();
    if (scope?.exclusive) return task();
    if (this.writing || this.readers > 0 || this.waiting.length > 0) await this.wait(true); // admitted by wakeNext
    else this.writing = true;
    try {
      return await scopes.run({ gate: this, serial: scope?.serial ?? null, exclusive: true }, task);
    } finally {
      this.writing = false;
      this.wakeNext();
    }
  }

  /**
   * For synchronous changes of the weights (`setWeights`, `loadStateDict`, `compile`): allowed inside
   * an exclusive section or when nothing runs; otherwise a `ConfigError` (they cannot wait).
   */
  assertIdle(what: string): void {
    if (this.scope()?.exclusive) return;
    const busy = this.serialRunning ?? (this.readers > 0 ? `${this.readers} predict/evaluate call(s)` : null);
    if (busy !== null) {
      throw new ConfigError(`${this.owner}: cannot ${what} while ${busy} runs on it; await it first (or do it from a training callback)`);
    }
  }

  private scope(): Scope | undefined {
    const scope = scopes.getStore();
    return scope?.gate === this ? scope : undefined;
  }

  private wait(exclusive: boolean): Promise<void> {
    return new Promise((wake) => this.waiting.push({ exclusive, wake }));
  }

  /**
   * Admits waiters in arrival order while they can run: an exclusive one once nothing runs, shared
   * ones while no exclusive section runs. Admission happens here (the section is counted in before
   * its waiter resumes), so nothing can slip in between the wake-up and the resumption.
   */
  private wakeNext(): void {
    while (this.waiting.length > 0 && !this.writing) {
      const next = this.waiting[0];
      if (next.exclusive && this.readers > 0) return;
      this.waiting.shift();
      if (next.exclusive) this.writing = true;
      else this.readers++;
      next.wake();
    }
  }
}

/** Serial calls that train: calling one inside another would wait for itself. */
const TRAINING_CALLS = new Set(['fit', 'trainOnBatch']);
