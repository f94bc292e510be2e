import { getBackend } from '../backend/select';
import { TrainingDivergedError } from '../errors';
import type { DivergenceRule } from '../train/divergence';
import { stepUndoFor, type Optimizer, type StateBuffer, type StepUndo } from '../train/optimizers/optimizer';
import type { Parameter } from '../train/parameter';
import { copyInto } from '../layers/scratch-buffers';

/** A batch's loss, as the divergence check reads it. */
export interface BatchLoss {
  /** The loss being optimised (sample and class weights applied). */
  value: number;
  /** The same loss unweighted (step masks still apply): what is compared with the reference. */
  unweighted(): number;
  /** The unweighted loss of an all-zero prediction on this batch: the data's own scale. */
  zeroPrediction(): number;
}

/** The last optimizer step, kept so that a divergence noticed at the next batch can undo it. */
interface LastStep {
  where: string;
  params: readonly Parameter[];
  undo: StepUndo;
  /** Fingerprint of the weights and optimizer state right after the step. */
  fingerprint: number;
}

/**
 * Keeps a model's training undoable by one step. Before each optimizer step it copies the weights
 * and the optimizer state aside (into buffers reused from step to step); after the step it scans
 * both. Divergence (see `DivergenceOptions`) then never leaves anything behind:
 *
 * - a step that makes any weight or optimizer state value non-finite is undone at once;
 * - a batch whose loss is non-finite or has exploded was computed from the weights the previous step
 *   made, so that step is undone — if nothing changed the weights or the optimizer state since (their
 *   fingerprint still matches; a callback or the user may have replaced them).
 *
 * Either way the weights and the optimizer state (slots, step count) are exactly those before the
 * bad step, finite, and training can resume (with a lower learning rate, say) or the model be saved.
 */
export class StepGuard {
  /** The loss a run started from (see `DivergenceOptions`); null until the run's first batch. */
  private reference: number | null = null;
  private last: LastStep | null = null;
  /** Per parameter, its values before the last step (`[size]` like the value), reused from step to step. */
  private backups: Float32Array[] = [];

  constructor(private readonly rule: DivergenceRule) {}

  /** A new training run (`fit`): its first batch sets the reference loss. */
  startRun(): void {
    this.reference = null;
  }

  /**
   * Checks a batch's loss before anything is updated. On divergence, undoes the previous step when
   * it can (see the class comment) and throws `TrainingDivergedError` saying what happened.
   */
  checkLoss(loss: BatchLoss, where: string, advice: string): void {
    const reason = this.lossProblem(loss);
    if (reason === null) return;
    const undone = this.undoLastStep();
    const nonFinite = Number.isFinite(loss.value) ? undefined : loss.value;
    throw new TrainingDivergedError(`Training diverged at ${where}: ${reason}. ${undone}; ${advice}.`, nonFinite);
  }

  /** Runs the optimizer step; one that leaves a non-finite weight or state value is undone, and throws. */
  step(params: readonly Parameter[], optimizer: Optimizer, where: string, advice: string): void {
    const undo = stepUndoFor(optimizer);
    this.backups = params.map((p, i) => copyInto(this.backups[i], p.value));
    undo.checkpoint();
    this.last = null;
    optimizer.step(params);
    const state = undo.stateBuffers();
    const scan = getBackend().data.scanValues([...params.map((p) => p.value), ...state.map((s) => s.values)]);
    if (scan.firstNonFinite !== null) {
      const [array, index] = scan.firstNonFinite;
      const what = array < params.length ? describeWeight(params[array], index) : describeState(state[array - params.length], params, index);
      this.restore(params, undo);
      throw new TrainingDivergedError(
        `Training diverged at ${where}: the optimizer step made ${what}. The weights and optimizer state were put back to before this step; ${advice}.`,
      );
    }
    this.last = { where, params, undo, fingerprint: scan.fingerprint };
  }

  private lossProblem(loss: BatchLoss): string | null {
    if (!Number.isFinite(loss.value)) return `the loss is ${loss.value}`;
    if (this.rule.maxLossGrowth === Infinity) return null;
    const value = loss.unweighted();
    if (!Number.isFinite(value)) return `the unweighted loss is ${value}`;
    if (this.reference === null || this.reference === 0) {
      // An all-zero prediction has no finite loss for some losses (probabilities of 0): then the batch loss alone.
      const baseline = loss.zeroPrediction();
      this.reference = Number.isFinite(baseline) ? Math.max(value, baseline) : value;
      return null;
    }
    if (value <= this.rule.maxLossGrowth * this.reference) return null;
    return (
      `the loss ${value.toPrecision(3)} is more than ${this.rule.maxLossGrowth} times the ${this.reference.toPrecision(3)} ` +
      `it started from (compile's divergence.maxLossGrowth; divergence: false turns this check off)`
    );
  }

  /** Undoes the last step if nothing changed the weights or optimizer state since; says what it did. */
  private undoLastStep(): string {
    const last = this.last;
    this.last = null;
    if (last === null) return 'No optimizer step came before it in this run, so the weights are unchanged';
    const now = getBackend().data.scanValues([...last.params.map((p) => p.value), ...last.undo.stateBuffers().map((s) => s.values)]);
    if (now.fingerprint !== last.fingerprint) {
      return `The weights or optimizer state were replaced after the last step (${last.where}), so that step was not undone`;
    }
    this.restore(last.params, last.undo);
    return `The weights and optimizer state were put back to before the step of ${last.where}, which led here`;
  }

  private restore(params: readonly Parameter[], undo: StepUndo): void {
    params.forEach((p, i) => p.value.set(this.backups[i]));
    undo.rollback();
  }
}

function describeWeight(p: Parameter, index: number): string {
  return `${p.name}[${index}] = ${p.value[index]}`;
}

function describeState(buffer: StateBuffer, params: readonly Parameter[], index: number): string {
  const owner = params[buffer.index]?.name ?? `parameter ${buffer.index}`;
  return `the optimizer's '${buffer.slot}' state of ${owner} holds ${buffer.values[index]} at index ${index}`;
}
