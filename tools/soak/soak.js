#!/usr/bin/env node
'use strict';
/**
 * Memory soak test for @rnn/core: trains a small-to-medium LSTM for many `trainOnBatch` steps and
 * checks that the process's memory stops growing after warm-up. A leak in the native addon (an
 * AsyncWorker that keeps its input buffers referenced, a workspace never freed) or in core (state
 * kept per step) grows RSS or `external` by a little every step; over 10,000 steps that shows.
 *
 * Plain JavaScript over the BUILT package (packages/core/dist, resolved as `@rnn/core` through the
 * workspace link), so it measures what users run and needs no TypeScript runner. Not part of the
 * test suite: it takes minutes and its verdict depends on the allocator. See README.md.
 *
 * Exit code: 0 when RSS and external are flat within the bound, 1 when not, 2 on bad arguments.
 */
const v8 = require('node:v8');
const vm = require('node:vm');

const USAGE = `usage: node tools/soak/soak.js [options]
  --backend native|fallback   backend to train on (default native; forcing native where it cannot load is an error)
  --steps N                   training steps (default 10000)
  --every N                   sample memory every N steps (default 500)
  --warmup N                  step whose sample is the baseline (default 1000)
  --max-growth-mb M           allowed growth of RSS and of external from the baseline to the end (default 20)
  --units N --timesteps N --features N --batch N   model and batch size (default 64, 30, 16, 32)`;

const DEFAULTS = {
  backend: 'native',
  steps: 10000,
  every: 500,
  warmup: 1000,
  'max-growth-mb': 20,
  units: 64,
  timesteps: 30,
  features: 16,
  batch: 32,
};

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const [flag, inline] = arg.split('=', 2);
    const key = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !(key in DEFAULTS)) fail(`unknown option ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    if (key === 'backend') {
      if (value !== 'native' && value !== 'fallback') fail(`--backend must be native or fallback, got ${value}`);
      options.backend = value;
    } else {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0 || (key !== 'max-growth-mb' && !Number.isInteger(n))) fail(`${flag} must be a positive number, got ${value}`);
      options[key] = n;
    }
  }
  if (options.warmup >= options.steps) fail(`--warmup (${options.warmup}) must be below --steps (${options.steps})`);
  if (options.warmup % options.every !== 0) fail(`--warmup (${options.warmup}) must be a multiple of --every (${options.every})`);
  return options;
}

function fail(message) {
  console.error(`soak: ${message}\n${USAGE}`);
  process.exit(2);
}

/**
 * A full garbage collection before each sample, so `heapUsed` and `external` count what is still
 * referenced, not garbage waiting for the next GC (which would make a flat process look leaky and
 * hide nothing). `--expose-gc` is set at runtime so the one-line command needs no node flags.
 */
function exposeGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}

const MB = 1024 * 1024;
const mb = (bytes) => (bytes / MB).toFixed(1);

async function main() {
  const options = parseArgs(process.argv.slice(2));
  // getBackend() reads RNN_BACKEND once, on its first call (after this line).
  process.env.RNN_BACKEND = options.backend;
  const core = require('@rnn/core');
  const info = core.backendInfo();
  const gc = exposeGc();

  const { units, timesteps: T, features: I, batch: B, steps, every, warmup } = options;
  const rng = new core.Random(11);
  // A few fixed batches, cycled: the data itself never grows, so any growth is the library's.
  const batches = Array.from({ length: 4 }, () => {
    const x = new Float32Array(B * T * I).map(() => rng.uniform(-1, 1)); // [B, T, I]
    const y = new Float32Array(B).map(() => rng.uniform(-1, 1)); // [B, 1]
    return { x: new core.Tensor(x, [B, T, I]), y: new core.Tensor(y, [B, 1]) };
  });
  const model = new core.Sequential([new core.LSTM({ units, inputShape: [T, I] }), new core.Dense({ units: 1 })], { seed: 5 });
  model.compile({ optimizer: { name: 'adam', learningRate: 1e-3 }, loss: 'mse' });

  console.log(
    `soak: ${steps} steps of LSTM(${units}) → Dense(1) on [${B} × ${T} × ${I}], backend ${info.name} (${info.reason}; ` +
      `${info.threads} threads, ${info.blas}), node ${process.version}`,
  );
  const header = ['step', 'rss MB', 'heapUsed MB', 'external MB', 'arrayBuffers MB', 'ms/step', 'loss'];
  const widths = header.map((h) => Math.max(h.length, 8));
  const row = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  console.log(row(header));

  const samples = [];
  const sample = async (step, msPerStep, loss) => {
    // V8 frees ArrayBuffer backing stores on a background sweeper after a GC; a short pause and a
    // second GC let it finish, so `arrayBuffers` is not caught mid-sweep (seen: 0.7 vs 19 MB).
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
    const m = process.memoryUsage();
    samples.push({ step, ...m });
    console.log(row([step, mb(m.rss), mb(m.heapUsed), mb(m.external), mb(m.arrayBuffers), msPerStep, loss]));
  };

  await sample(0, '-', '-');
  let since = performance.now();
  let loss = NaN;
  for (let step = 1; step <= steps; step++) {
    const { x, y } = batches[step % batches.length];
    loss = await model.trainOnBatch(x, y);
    if (step % every === 0 || step === steps) {
      const ms = (performance.now() - since) / (step % every || every);
      await sample(step, ms.toFixed(2), loss.toFixed(4));
      since = performance.now(); // the sampling pause is not training time
    }
  }

  // The verdict: from the warm-up sample (allocator pools, JIT, lazily built weights all settled) to
  // the last sample, RSS and external may each grow by at most --max-growth-mb.
  const base = samples.find((s) => s.step === warmup);
  const last = samples[samples.length - 1];
  const limit = options['max-growth-mb'];
  let ok = true;
  console.log(`\ngrowth from step ${warmup} to step ${last.step} (bound ${limit} MB each):`);
  for (const key of ['rss', 'external']) {
    const growth = (last[key] - base[key]) / MB;
    const pass = growth < limit;
    ok &&= pass;
    console.log(
      `  ${key.padEnd(8)} start ${mb(samples[0][key])} MB, step ${warmup} ${mb(base[key])} MB, end ${mb(last[key])} MB: ` +
        `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB ${pass ? 'ok' : 'TOO MUCH'}`,
    );
  }
  console.log(ok ? 'soak: PASS (memory flat after warm-up)' : 'soak: FAIL (memory keeps growing after warm-up)');
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
