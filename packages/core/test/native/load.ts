import type { Backend } from '@rnn/backend-api';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { NativeBinding } from '../../src/backend/native-backend';
import { loadNativeBackend } from '../../src/backend/load-native';

/**
 * Loads the native backend for the native test files. Where it cannot load, the tests are skipped
 * with the reason, except in CI (`CI` set), where native must load and the failure is a test failure.
 */
const loaded = loadNativeBackend();

/** The native backend, or undefined where it cannot load (then every describeNative block is skipped). */
export const nativeBackend: Backend | undefined = loaded.backend;

/** The raw addon (the same object core wraps), for calls the typed contract would not allow. */
export const nativeBinding:
  | (NativeBinding & {
      path: string;
      /** The split thresholds (native/README.md, "Runtime"); 0 splits whatever the thread count allows. */
      setSplitThresholds(thresholds: Partial<SplitThresholds>): SplitThresholds;
      splitThresholds(): SplitThresholds;
      /** What the addon's scheduler holds now; widestSplit: the most blocks one split had since the
       *  thread count or the split settings last changed (0: nothing split). */
      schedulerCounts(): { executors: number; slots: number; queued: number; running: number; widestSplit: number };
      /** Forward calls since load whose steps fused their input product, and those that projected first. */
      inputPathCounts(): { fused: number; projected: number; ahead: number };
      /** The forward and the backward loop's row hand-offs since load (native/src/kernels/row_handoff.h). */
      rowHandoffs(): { forward: number; backward: number };
      /** Hand-offs on or off, and every row block but the first slowed by this many µs a step (0: none). */
      setRowHandoffsForTests(enabled: boolean, slowBlockMicros: number): void;
      setCpuLevel(level: string): string;
    })
  | undefined =
  loaded.backend ? (createRequire(import.meta.url)('@rnn/native') as never) : undefined;

/**
 * The native split settings: work per block below which a piece of work stays on one thread, and
 * whether a split may be as wide as the thread count beyond the CPUs (by default its width is
 * min(threads, CPUs)).
 */
export interface SplitThresholds {
  rowBlockMacs: number;
  rowBlockMinRows: number;
  loneRowMacs: number;
  gemmBlockMacs: number;
  pointwiseBlockFloats: number;
  splitBeyondCpus: boolean;
}

/**
 * Settings that split everything the thread count and the shapes allow, as wide as the thread count
 * even beyond the machine's CPUs (for the thread tests: 8 blocks on a 2-core machine).
 */
export const SPLIT_EVERYTHING: SplitThresholds = {
  rowBlockMacs: 0,
  rowBlockMinRows: 1,
  loneRowMacs: 0,
  gemmBlockMacs: 0,
  pointwiseBlockFloats: 0,
  splitBeyondCpus: true,
};

let warned = false;

/** `describe` that runs only where the addon loads; in CI a missing addon fails loudly instead. */
export function describeNative(title: string, body: (backend: Backend) => void): void {
  if (loaded.backend) {
    const backend = loaded.backend;
    describe(title, () => body(backend));
    return;
  }
  const error = loaded.error;
  if (process.env.CI) {
    describe(title, () => {
      it('the native backend loads (required in CI)', () => {
        throw error;
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    process.stderr.write(`[native tests] SKIPPED: the native addon cannot load here (${error.causes.join('; ')}).\n`);
  }
  describe.skip(`${title} (skipped: native addon unavailable)`, () => {
    it('needs the native addon', () => undefined);
  });
}

/**
 * Every step-kernel level this CPU can run (`generic` first), each as a `describe` block whose tests
 * run at that level: the suites pass at every level the machine has, not only the best one.
 */
export function describeEachCpuLevel(body: (level: string) => void): void {
  for (const level of nativeBinding!.cpuInfo().available) {
    describe(`step kernels at ${level}`, () => {
      let before = '';
      beforeAll(() => {
        before = nativeBinding!.cpuInfo().level;
        nativeBinding!.setCpuLevel(level);
      });
      afterAll(() => {
        nativeBinding!.setCpuLevel(before);
      });
      body(level);
    });
  }
}
