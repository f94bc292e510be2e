#!/usr/bin/env node
'use strict';
// Inference forward, training forward and backward kernel times of one or more builds of the addon,
// side by side (rounds alternate between the builds, so a noisy shared machine affects them alike).
//   node native/bench/kernel_times.js [--threads 2[,4...]] [--rounds 9] [--cells lstm,gru,rnn]
//        [--configs small,medium,large,one,two,three] [--split-beyond-cpus] [--hold] BINARY.node [BINARY2.node ...]
// Prints the median ms of inference forward (no workspace), training forward and backward per case
// and variant, and each later variant's speed relative to the first (> 1: faster). A variant is a
// build at one thread count: `--threads 2,4` alternates 2 and 4 threads round by round, e.g. to see
// what more threads than cores cost. `--split-beyond-cpus` lifts the cap of a call's split width at
// the CPUs (builds without it always split as wide as the thread count). `one` is one sequence (B = 1,
// the serving shape), `two` and `three` the same shape with 2 and 3 rows (what a Predictor batches);
// `--hold` holds each case's weights (holdWeights, as a Predictor does: nothing here writes them) in
// builds that export it, so their forward calls reuse one packing.
const path = require('node:path');

const CONFIGS = { small: [32, 20, 8, 32], medium: [64, 50, 64, 128], large: [64, 100, 256, 512], one: [1, 50, 64, 128], two: [2, 50, 64, 128], three: [3, 50, 64, 128] };
const GATES = { lstm: 4, gru: 3, rnn: 1 };
const args = process.argv.slice(2);
const opt = { threads: [2], rounds: 9, cells: ['lstm', 'gru', 'rnn'], configs: ['small', 'medium', 'large'], beyondCpus: false, hold: false, bins: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--threads') opt.threads = args[++i].split(',').map(Number);
  else if (a === '--split-beyond-cpus') opt.beyondCpus = true;
  else if (a === '--hold') opt.hold = true;
  else if (a === '--rounds') opt.rounds = Number(args[++i]);
  else if (a === '--cells') opt.cells = args[++i].split(',');
  else if (a === '--configs') opt.configs = args[++i].split(',');
  else opt.bins.push(path.resolve(a));
}
// One child process per variant: two addons in one process would share OpenBLAS's global thread
// count while each tracks it separately, and a child that changed its thread count every round
// would time freshly started pool threads. The parent alternates rounds between the children.
const { fork } = require('node:child_process');
if (process.env.KT_CHILD) {
  const m = { exports: {} };
  process.dlopen(m, process.env.KT_CHILD);
  m.exports.setNumThreads(Number(process.env.KT_THREADS));
  if (opt.beyondCpus && m.exports.splitThresholds?.().splitBeyondCpus !== undefined) {
    m.exports.setSplitThresholds({ splitBeyondCpus: true });
  }
  const cases = {};
  process.on('message', ({ cell, config, reps }) => {
    const key = cell + config;
    if (!cases[key]) {
      cases[key] = makeCase(cell, CONFIGS[config]);
      if (opt.hold) m.exports.holdWeights?.([cases[key].i.wIh, cases[key].i.wHh]);
    }
    const c = cases[key];
    const [fwd, bwd] = name[cell];
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < reps; j++) m.exports[fwd](c.f);
    const t1 = process.hrtime.bigint();
    for (let j = 0; j < reps; j++) m.exports[bwd](c.b);
    const t2 = process.hrtime.bigint();
    for (let j = 0; j < reps; j++) m.exports[fwd](c.i);
    const t3 = process.hrtime.bigint();
    const ms = (a, b) => Number(b - a) / 1e6 / reps;
    process.send({ f: ms(t0, t1), b: ms(t1, t2), i: ms(t2, t3) });
  });
}

function rand(n, scale) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale;
  return a;
}
function wsSize(cell, T, B, H) {
  return cell === 'lstm' ? T * B * 5 * H : cell === 'gru' ? T * B * 4 * H : 0;
}
function makeCase(cell, [B, T, I, H]) {
  const G = GATES[cell];
  const s = 1 / Math.sqrt(H);
  const f = {
    T, B, I, H, reverse: false, batchFirst: false, y: new Float32Array(T * B * H), hT: new Float32Array(B * H),
    workspace: cell === 'rnn' ? null : new Float32Array(wsSize(cell, T, B, H)),
    x: rand(T * B * I, 1), h0: null, mask: null, wIh: rand(G * H * I, s), wHh: rand(G * H * H, s),
    bIh: rand(G * H, s), bHh: rand(G * H, s), recurrentMask: null, activation: 'tanh',
  };
  if (cell !== 'rnn') f.recurrentActivation = 'sigmoid';
  if (cell === 'lstm') { f.cT = new Float32Array(B * H); f.c0 = null; f.peephole = null; }
  if (cell === 'gru') f.resetAfter = true;
  const b = {
    T, B, I, H, reverse: false, dx: new Float32Array(T * B * I), dh0: null, dWIh: new Float32Array(G * H * I),
    dWHh: new Float32Array(G * H * H), dBIh: new Float32Array(G * H), dBHh: new Float32Array(G * H),
    dy: rand(T * B * H, 0.1), dhT: null, x: f.x, h0: null, mask: null, wIh: f.wIh, wHh: f.wHh, y: f.y,
    workspace: f.workspace ?? new Float32Array(0), recurrentMask: null, activation: 'tanh',
  };
  if (cell !== 'rnn') b.recurrentActivation = 'sigmoid';
  if (cell === 'lstm') { b.dc0 = null; b.dPeephole = null; b.dcT = null; b.c0 = null; b.peephole = null; }
  if (cell === 'gru') b.resetAfter = true;
  // Inference: the same call without a workspace, into outputs of its own.
  const i = { ...f, workspace: null, y: new Float32Array(T * B * H), hT: new Float32Array(B * H) };
  if (cell === 'lstm') i.cT = new Float32Array(B * H);
  return { f, b, i };
}
const name = { lstm: ['lstmForward', 'lstmBackward'], gru: ['gruForward', 'gruBackward'], rnn: ['rnnForward', 'rnnBackward'] };
const median = (v) => { const s = [...v].sort((p, q) => p - q); return s[s.length >> 1]; };

async function main() {
const builds = opt.bins.flatMap((bin, b) => opt.threads.map((threads) => ({
  child: fork(__filename, process.argv.slice(2), { env: { ...process.env, KT_CHILD: bin, KT_THREADS: String(threads) } }),
  label: `#${b + 1} t${threads}`,
})));
const run = ({ child }, msg) => new Promise((resolve) => { child.once('message', resolve); child.send(msg); });
for (const config of opt.configs) {
  for (const cell of opt.cells) {
    const times = builds.map(() => ({ i: [], f: [], b: [] }));
    const reps = config === 'large' ? 1 : config === 'medium' ? 5 : config === 'one' ? 200 : 50;
    for (let r = -1; r < opt.rounds; r++) {
      for (let i = 0; i < builds.length; i++) {
        const t = await run(builds[i], { cell, config, reps });
        if (r >= 0) for (const k of ['i', 'f', 'b']) times[i][k].push(t[k]);
      }
    }
    const line = times.map((t, i) => {
      const text = ['i', 'f', 'b'].map((k) => {
        const ms = median(t[k]);
        const rel = i === 0 ? '' : ` (${(median(times[0][k]) / ms).toFixed(2)}x)`;
        return `${{ i: 'infer', f: 'fwd', b: 'bwd' }[k]} ${ms.toFixed(3)}${rel}`;
      });
      return `${builds.length > opt.bins.length ? `${builds[i].label}: ` : ''}${text.join(' ')}`;
    });
    console.log(`${cell} ${config}: ${line.join(' | ')}`);
  }
}
builds.forEach((b) => b.child.disconnect());
}
if (!process.env.KT_CHILD) main();
