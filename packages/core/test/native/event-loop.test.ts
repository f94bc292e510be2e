import type { Backend } from '@rnn/backend-api';
import { afterAll, expect, it } from 'vitest';
import { backendInfo, getBackend } from '../../src/backend/select';
import { Dense } from '../../src/layers/dense';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { describeNative } from './load';

/**
 * The promise the native backend makes (DESIGN.md, "Long calls run on an AsyncWorker"): while a
 * model trains through the public API, the event loop stays free. A 10 ms `setInterval` runs during
 * `await model.fit(...)`, and the backend's async kernels are wrapped to count the calls in flight;
 * each tick records whether a kernel call was computing at that moment. Kernels that block the
 * event loop (sync calls, or "async" ones run in a setImmediate) let no tick through while they
 * compute, so the test asserts that many ticks landed inside kernel calls: an ordering fact, not a
 * timing bound, so a loaded machine cannot break it. The longest gap between ticks is reported.
 *
 * Which backend: this file is about the native backend, so it runs on native wherever the addon
 * loads, in both CI runs of the suite. `getBackend()` picks a backend once per process from
 * `RNN_BACKEND`, on its first call; vitest runs each test file in its own forked process and
 * nothing in core calls `getBackend()` at import time, so forcing `RNN_BACKEND=native` just before
 * the first model call selects native here even in the `RNN_BACKEND=fallback` run, without touching
 * other files. Where the addon cannot load, `describeNative` skips with the reason, and fails in CI.
 */

/**
 * Ticks that must land, on average, inside each kernel call. Each call computes for many ticks; a
 * kernel that blocks the loop lets at most the one tick through that fires before it starts.
 */
const MIN_TICKS_PER_CALL = 3;
/** Timer period. */
const TICK_MS = 10;

// LSTM(256) over 50 steps of 64 features → Dense(1), Adam, MSE, batches of 256 rows, so every LSTM
// kernel call runs async and computes for many ticks: ~80 ms, 7–8 ticks, per call on a 2-core AVX2
// machine.
// (With 128 units the calls took ~30 ms once the kernels got faster, about 3 ticks each, right at
// the line below: the test then measured the machine's speed instead of the event loop.)
const SAMPLES = 512;
const STEPS = 50;
const FEATURES = 64;
const UNITS = 256;
const BATCH = 256;
const EPOCHS = 4;

/** Median and maximum of a non-empty list. */
function summary(values: readonly number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

/** Wraps every async kernel of `backend` to count the calls in flight and made. */
function countInFlight(backend: Backend, inFlight: { count: number; calls: number }): void {
  const kernels = backend.async as unknown as Record<string, (args: unknown) => Promise<void>>;
  for (const name of Object.keys(kernels)) {
    const run = kernels[name];
    kernels[name] = async (args) => {
      inFlight.count++;
      inFlight.calls++;
      try {
        await run(args);
      } finally {
        inFlight.count--;
      }
    };
  }
}

const previousBackend = process.env.RNN_BACKEND;
afterAll(() => {
  // The choice is cached by getBackend(); restoring the variable only keeps the process tidy.
  if (previousBackend === undefined) delete process.env.RNN_BACKEND;
  else process.env.RNN_BACKEND = previousBackend;
});

describeNative('the event loop during fit on the native backend', () => {
  it(`stays responsive: ${TICK_MS} ms timer ticks keep landing while kernel calls compute`, async () => {
    process.env.RNN_BACKEND = 'native';
    expect(getBackend().name).toBe('native');
    expect(getBackend().async).toBeDefined();
    const inFlight = { count: 0, calls: 0 };
    countInFlight(getBackend(), inFlight);

    const rng = new Random(7);
    const x = new Float32Array(SAMPLES * STEPS * FEATURES).map(() => rng.uniform(-1, 1)); // [samples, steps, features]
    const y = new Float32Array(SAMPLES).map(() => rng.uniform(-1, 1)); // [samples, 1]
    const model = new Sequential([new LSTM({ units: UNITS, inputShape: [STEPS, FEATURES] }), new Dense({ units: 1 })], { seed: 3 });
    model.compile({ optimizer: 'adam', loss: 'mse' });

    const gaps: number[] = [];
    let ticksInKernels = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (inFlight.count > 0) ticksInKernels++;
    }, TICK_MS);
    const started = performance.now();
    try {
      await model.fit(new Tensor(x, [SAMPLES, STEPS, FEATURES]), new Tensor(y, [SAMPLES, 1]), {
        epochs: EPOCHS,
        batchSize: BATCH,
        verbose: 0,
      });
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    gaps.push(performance.now() - last); // the stretch from the last tick to the end of fit

    const { median, max } = summary(gaps);
    const info = backendInfo();
    // The figures go with a failure, not into every run's output (timings of a shared machine mean little).
    const figures =
      `fit ${(elapsed / 1000).toFixed(2)} s on ${info.name} (${info.threads} BLAS threads, ${info.reason}); ` +
      `${gaps.length} gaps: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms; ` +
      `${ticksInKernels} ticks during ${inFlight.calls} async kernel calls`;
    expect(inFlight.calls, figures).toBeGreaterThan(0); // the large calls really went async
    expect(ticksInKernels, figures).toBeGreaterThanOrEqual(MIN_TICKS_PER_CALL * inFlight.calls);
  });
});
