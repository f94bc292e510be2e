#!/usr/bin/env node
'use strict';
// Measures where splitting a kernel's work over the pool starts to pay off, for the four
// thresholds of src/runtime/split_policy.cc (figures go to the bench README, "Native constants"):
//   rowBlockMacs          recurrence row blocks: LSTM inference forward over growing batches; each
//                         label gives the rows per block, which rowBlockMinRows bounds (blocks of
//                         one row lost at every H measured, of two rows up to H = 256)
//   loneRowMacs           rows alone: two-row LSTM inference forward calls (each row the one-row
//                         call on it) over growing T and H, the rows on two threads or one by one
//   gemmBlockMacs         GEMM blocks: the gemm kernel over growing shapes
//   pointwiseBlockFloats  pointwise passes: the bias-sum pass of an LSTM backward over growing T·B
// Each shape runs with the one threshold at 0 (split as far as the thread count allows; one row per
// block allowed) and at infinity (one block), in alternating rounds; it prints the median µs of
// both and their ratio. The other two stay at infinity, except for the row sweep, where they keep
// their defaults: a row block's input projection is either fused into its step product (16 rows
// or more) or one GEMM over all steps before the loop, and that GEMM splits by its own threshold in
// a real call. The threshold is the work per block where the ratio reaches ~1.1.
//   node native/bench/split_thresholds.js [--threads 2] [--rounds 15] [--only rows,lone,gemm,pointwise] [BINARY.node]
// Run it on a quiet machine: on a busy one the waiting for a core dominates every figure.
const path = require('node:path');

const args = process.argv.slice(2);
const opt = { threads: 2, rounds: 15, only: ['rows', 'lone', 'gemm', 'pointwise'], binary: null };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') opt.threads = Number(args[++i]);
  else if (args[i] === '--rounds') opt.rounds = Number(args[++i]);
  else if (args[i] === '--only') opt.only = args[++i].split(',');
  else opt.binary = path.resolve(args[i]);
}
const addon = opt.binary ? loadBinary(opt.binary) : require('../lib/index.js');
addon.setNumThreads(opt.threads);
const NEVER = Number.MAX_SAFE_INTEGER;

function loadBinary(file) {
  const m = { exports: {} };
  process.dlopen(m, file);
  return m.exports;
}

function rand(n, scale) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale;
  return a;
}

function lstmForward(T, B, I, H) {
  const s = 1 / Math.sqrt(H);
  const call = {
    T, B, I, H, reverse: false, batchFirst: false, y: new Float32Array(T * B * H), hT: new Float32Array(B * H), cT: new Float32Array(B * H),
    workspace: null, x: rand(T * B * I, 1), h0: null, c0: null, mask: null, wIh: rand(4 * H * I, s),
    wHh: rand(4 * H * H, s), bIh: rand(4 * H, s), bHh: rand(4 * H, s), recurrentMask: null, peephole: null,
    activation: 'tanh', recurrentActivation: 'sigmoid',
  };
  return () => addon.lstmForward(call);
}

function lstmBackward(T, B, I, H) {
  const s = 1 / Math.sqrt(H);
  const forward = {
    T, B, I, H, reverse: false, batchFirst: false, y: new Float32Array(T * B * H), hT: new Float32Array(B * H), cT: new Float32Array(B * H),
    workspace: new Float32Array(T * B * 5 * H), x: rand(T * B * I, 1), h0: null, c0: null, mask: null,
    wIh: rand(4 * H * I, s), wHh: rand(4 * H * H, s), bIh: rand(4 * H, s), bHh: rand(4 * H, s),
    recurrentMask: null, peephole: null, activation: 'tanh', recurrentActivation: 'sigmoid',
  };
  addon.lstmForward(forward);
  const call = {
    T, B, I, H, reverse: false, dx: new Float32Array(T * B * I), dh0: null, dc0: null, dcT: null, dhT: null,
    dWIh: new Float32Array(4 * H * I), dWHh: new Float32Array(4 * H * H), dBIh: new Float32Array(4 * H),
    dBHh: new Float32Array(4 * H), dPeephole: null, dy: rand(T * B * H, 0.1), x: forward.x, h0: null, c0: null,
    mask: null, wIh: forward.wIh, wHh: forward.wHh, y: forward.y, workspace: forward.workspace, recurrentMask: null,
    peephole: null, activation: 'tanh', recurrentActivation: 'sigmoid',
  };
  return () => addon.lstmBackward(call);
}

function gemm(M, N, K) {
  const call = { M, N, K, transA: false, transB: true, alpha: 1, beta: 0, a: rand(M * K, 1), b: rand(N * K, 1), c: new Float32Array(M * N) };
  return () => addon.gemm(call);
}

// [label, work (in the threshold's unit), the call] per threshold.
const SWEEPS = {
  rows: {
    key: 'rowBlockMacs',
    cases: [
      ...[[2, 16], [4, 16], [8, 16], [4, 32], [8, 32], [16, 32], [8, 64], [16, 64], [32, 64], [16, 128], [64, 128]].map(
        ([B, H]) => [20, B, H, H],
      ),
      // The serving shapes: few rows, where each block streams all of W_hh every step.
      ...[[2, 128], [4, 128], [6, 128], [8, 128], [2, 256], [4, 256], [2, 512], [4, 512]].map(([B, H]) => [50, B, 64, H]),
    ].map(([T, B, I, H]) => [`LSTM infer T=${T} B=${B} I=${I} H=${H} (${B / opt.threads} rows/block)`, T * B * 4 * H * H, lstmForward(T, B, I, H)]),
  },
  // Rows alone: a two-row inference call, each row the one-row call on it, on two threads or one
  // after another on the calling thread. The work is both rows' (per row: T·(4H·(I+H) + 4096), the
  // multiply-adds plus a step's fixed cost, as kernels/parallel.cc's lone_rows_split counts it).
  lone: {
    key: 'loneRowMacs',
    cases: [5, 10, 20, 30, 50].flatMap((T) => [8, 16, 32, 64].map((H) => [T, H])).map(([T, H]) => [
      `LSTM infer T=${T} B=2 I=${H / 2} H=${H} (rows alone)`,
      2 * T * (4 * H * (H / 2 + H) + 4096),
      lstmForward(T, 2, H / 2, H),
    ]),
  },
  gemm: {
    key: 'gemmBlockMacs',
    cases: [[32, 32, 32], [64, 64, 64], [80, 80, 80], [128, 128, 128], [160, 160, 160], [256, 128, 64], [512, 256, 64], [256, 256, 256], [1024, 512, 128]].map(
      ([M, N, K]) => [`gemm ${M}×${N}×${K}`, M * N * K, gemm(M, N, K)],
    ),
  },
  pointwise: {
    key: 'pointwiseBlockFloats',
    cases: [[5, 8], [10, 16], [20, 16], [20, 32], [50, 32], [50, 64], [100, 64]].map(
      ([T, B]) => [`LSTM backward T=${T} B=${B} H=32 (bias sums [T·B, 4H])`, T * B * 4 * 32, lstmBackward(T, B, 8, 32)],
    ),
  },
};

const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];

function microseconds(fn) {
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const us = Number(process.hrtime.bigint() - t0) / 1e3;
    if (us > 20_000 || reps >= 1 << 16) return us / reps;
    reps *= 4;
  }
}

function thresholds(key, value) {
  const others = key === 'rowBlockMacs' || key === 'loneRowMacs' ? defaults : { gemmBlockMacs: NEVER, pointwiseBlockFloats: NEVER };
  const all = { ...others, rowBlockMacs: NEVER, rowBlockMinRows: 1, loneRowMacs: NEVER };
  all[key] = value;
  addon.setSplitThresholds(all);
}

const before = addon.splitThresholds();
const defaults = { gemmBlockMacs: before.gemmBlockMacs, pointwiseBlockFloats: before.pointwiseBlockFloats };
console.log(`${opt.threads} threads; per shape: µs with one block | µs split | speed-up; work per block = work / threads`);
for (const name of opt.only) {
  const sweep = SWEEPS[name];
  console.log(`\n${sweep.key}`);
  for (const [label, work, fn] of sweep.cases) {
    const one = [];
    const split = [];
    for (let r = -1; r < opt.rounds; r++) {
      thresholds(sweep.key, NEVER);
      const a = microseconds(fn);
      thresholds(sweep.key, 0);
      const b = microseconds(fn);
      if (r >= 0) one.push(a), split.push(b);
    }
    const [a, b] = [median(one), median(split)];
    const perBlock = Math.round(work / opt.threads);
    console.log(`  ${label.padEnd(52)} work ${String(work).padStart(10)}  per block ${String(perBlock).padStart(10)}  ${a.toFixed(1).padStart(9)} | ${b.toFixed(1).padStart(9)} | ${(a / b).toFixed(2)}×`);
  }
}
addon.setSplitThresholds(before);
