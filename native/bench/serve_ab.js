#!/usr/bin/env node
'use strict';
// Serving throughput of one or more builds of the addon, side by side: in each round every build
// gets a fresh child process (the order alternates round by round, so a noisy shared machine
// affects them alike), which serves one-sequence predictions through a Predictor with 1 caller,
// and with 2 in turns, as the bench's `--mode serve` does (its shape, warm-ups, slices and caller
// loops: packages/bench/src/serve-stats.ts).
//   node native/bench/serve_ab.js [--cells gru,lstm] [--rounds 8] [--seconds 3] BINARY.node [BINARY2.node ...]
// Prints, per build and cell, the median sequences/s with 1 and 2 callers and the median ratio of
// the two (each round's own); for each later build, the paired medians of its round-by-round
// figures over the first build's (> 1: the later build is ahead). Needs packages/core and
// packages/bench built (`npm run build`).
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { parseArgs } = require('node:util');

if (process.env.SERVE_AB_CHILD) {
  // One build, one cell: {"k1": sequences/s with one caller, "k2": with two}.
  const { Dense, GRU, LSTM, Sequential, Tensor, backendInfo } = require('../../packages/core/dist/index.js');
  const { SERVE_DIMS } = require('../../packages/bench/dist/grid.js');
  const { serveInTurns, servePlan } = require('../../packages/bench/dist/serve-stats.js');
  const cell = process.env.SERVE_AB_CELL;
  const ms = Number(process.env.SERVE_AB_MS);
  const { T, I, H } = SERVE_DIMS;
  const recurrent = cell === 'lstm' ? new LSTM({ units: H, inputShape: [T, I] }) : new GRU({ units: H, inputShape: [T, I] });
  const model = new Sequential([recurrent, new Dense({ units: 1 })], { seed: 1 });
  const x = new Tensor(Float32Array.from({ length: T * I }, (_, i) => Math.sin(i)), [1, T, I]); // [1, T, I]
  const predictor = model.predictor();
  (async () => {
    if (backendInfo().name !== 'native') throw new Error(`the native backend did not load: ${JSON.stringify(backendInfo())}`);
    const [one, two] = await serveInTurns(() => predictor.predict(x), servePlan([1, 2], ms));
    const out = { k1: one.throughput, k2: two.throughput };
    predictor.dispose();
    process.stdout.write(`${JSON.stringify(out)}\n`);
  })();
} else {
  const { values, positionals } = parseArgs({
    options: { cells: { type: 'string', default: 'gru,lstm' }, rounds: { type: 'string', default: '8' }, seconds: { type: 'string', default: '3' } },
    allowPositionals: true,
  });
  const opt = {
    cells: values.cells.split(','),
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    bins: positionals.map((bin) => path.resolve(bin)),
  };
  if (opt.bins.length === 0) {
    console.error('usage: node native/bench/serve_ab.js [--cells gru,lstm] [--rounds 8] [--seconds 3] BINARY.node [BINARY2.node ...]');
    process.exit(2);
  }
  const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
  for (const cell of opt.cells) {
    const runs = opt.bins.map(() => []); // per build: {k1, k2} per round
    for (let r = 0; r < opt.rounds; r++) {
      const order = opt.bins.map((_, b) => b);
      if (r % 2 === 1) order.reverse();
      for (const b of order) {
        const env = {
          ...process.env,
          SERVE_AB_CHILD: '1',
          SERVE_AB_CELL: cell,
          SERVE_AB_MS: String(opt.seconds * 1000),
          RNN_BACKEND: 'native',
          RNN_NATIVE_BINARY: opt.bins[b],
          RNN_QUIET: '1',
        };
        runs[b].push(JSON.parse(execFileSync(process.execPath, [__filename], { env }).toString().trim().split('\n').pop()));
      }
    }
    runs.forEach((rounds, b) => {
      const ratio = rounds.map((x) => x.k2 / x.k1);
      let line = `${cell} #${b + 1}: 1 caller ${median(rounds.map((x) => x.k1)).toFixed(0)}/s, 2 callers ${median(rounds.map((x) => x.k2)).toFixed(0)}/s, ratio ${median(ratio).toFixed(3)} (${ratio.map((v) => v.toFixed(2)).join(' ')})`;
      if (b > 0) {
        const paired = (f) => median(rounds.map((x, r) => f(x) / f(runs[0][r]))).toFixed(3);
        line += ` | vs #1, paired: ratio ${paired((x) => x.k2 / x.k1)}, 1 caller ${paired((x) => x.k1)}, 2 callers ${paired((x) => x.k2)}`;
      }
      console.log(line);
    });
  }
}
