import type { ChildRunner } from './child-runner';
import type { Mode } from './grid';
import type { ModeTiming } from './protocol';
import { type TimingBudget, inTurn, median } from './timing';

/**
 * Slices each side of a paired timing is cut into. A shared machine's speed drifts by 20–30% over
 * minutes; timed one after the other, tens of seconds apart, the two sides of a comparison caught
 * different speeds (native vs ONNX Runtime inference read 0.82–1.20× over five runs of one bench),
 * while slices a second or so apart see the same drift. More slices cost more warm-ups.
 */
export const PAIRED_SLICES = 6;

/** One side of a paired timing: its slices pooled, and the child's start-up RSS. */
export interface PairedSide {
  timing: ModeTiming;
  baselineRssMb: number;
}

/** A paired timing's failure, with the side (0: first, 1: second) whose child failed. */
export class PairedTimingError extends Error {
  constructor(
    readonly side: 0 | 1,
    readonly failure: unknown,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

/** Both sides, and per pair of slices the first side's median over the second's. */
export interface PairedTiming {
  first: PairedSide;
  second: PairedSide;
  sliceRatios: number[];
}

/**
 * Times `mode` on two prepared children in alternating slices of the budget (first, second, second,
 * first, first, second, …: each side leads half the pairs), each slice after the whole warm-up of
 * the budget, and pools each side's samples into one timing. The warm-up also outlasts what the
 * other side leaves running: ONNX Runtime's intra-op threads spin on after `run` returns (its
 * process used 41–50 ms of CPU in the first 100 ms idle after a run, medium LSTM, 2 threads), and a
 * slice started under that spin loses a core.
 */
export async function timePaired(
  first: Pick<ChildRunner, 'time'>,
  second: Pick<ChildRunner, 'time'>,
  mode: Mode,
  budget: TimingBudget,
  slices = PAIRED_SLICES,
): Promise<PairedTiming> {
  const slice: TimingBudget = {
    budgetMs: budget.budgetMs / slices,
    warmupMs: budget.warmupMs,
    minReps: 1,
    maxReps: Math.max(1, Math.ceil(budget.maxReps / slices)),
  };
  const runs: [ModeTiming[], ModeTiming[]] = [[], []];
  const baselines: [number, number] = [0, 0];
  const children = [first, second] as const;
  for (let i = 0; i < slices; i++) {
    for (const side of inTurn([0, 1] as const, i)) {
      const timed = await children[side].time({ type: 'time', modes: [mode], budget: slice }).catch((err: unknown) => {
        throw new PairedTimingError(side, err);
      });
      baselines[side] = timed.baselineRssMb;
      runs[side].push(timed.timings[0]);
    }
  }
  return {
    first: { timing: pooled(runs[0]), baselineRssMb: baselines[0] },
    second: { timing: pooled(runs[1]), baselineRssMb: baselines[1] },
    sliceRatios: runs[0].map((t, i) => t.medianMs / runs[1][i].medianMs),
  };
}

/** One timing from the slices of one side: every sample, their median, the peak RSS, the means by call count. */
export function pooled(slices: readonly ModeTiming[]): ModeTiming {
  const samplesMs = slices.flatMap((t) => t.samplesMs);
  const weight = (t: ModeTiming) => t.samplesMs.length / samplesMs.length;
  const out: ModeTiming = {
    mode: slices[0].mode,
    medianMs: median(samplesMs),
    samplesMs,
    peakRssMb: Math.max(...slices.map((t) => t.peakRssMb)),
  };
  if (slices.every((t) => t.cpuPerWall !== undefined)) {
    out.cpuPerWall = slices.reduce((sum, t) => sum + weight(t) * t.cpuPerWall!, 0);
  }
  if (slices.every((t) => t.profile)) {
    const kernelMs: Record<string, number> = {};
    for (const t of slices) {
      for (const [kernel, ms] of Object.entries(t.profile!.kernelMs)) kernelMs[kernel] = (kernelMs[kernel] ?? 0) + weight(t) * ms;
    }
    out.profile = { meanCallMs: slices.reduce((sum, t) => sum + weight(t) * t.profile!.meanCallMs, 0), kernelMs };
  }
  return out;
}
