#!/usr/bin/env node
'use strict';
/**
 * Forward and backward times of the fallback's sequence kernels, for one or more builds of
 * @rnn/fallback side by side in one process (rounds alternate between the builds, so a noisy
 * machine affects them alike). Each `--fallback DIR` is a package directory whose `dist/index.js`
 * is loaded (default: packages/fallback); `bash tools/profile/build-rev.sh main /tmp/before` builds
 * another revision's.
 *
 * Cases: every cell × config × variant. `plain` has no masks and runs forwards; `masked` has a step
 * mask with padding, a recurrent dropout mask, initial states and runs in reverse.
 * Ratios are first-build median / this-build median: above 1 means faster than the first build.
 *
 * usage: node tools/profile/fallback-kernels.js [--fallback DIR]... [--cells lstm,gru,rnn]
 *          [--configs small,medium] [--variants plain,masked] [--rounds N] [--clock wall|cpu]
 * e.g.   node tools/profile/fallback-kernels.js --fallback /tmp/before/packages/fallback --fallback packages/fallback
 */
const path = require('node:path');

const CONFIGS = { small: [32, 20, 8, 32], medium: [64, 50, 64, 128], large: [64, 100, 256, 512] };
const GATES = { lstm: 4, gru: 3, rnn: 1 };
const WORKSPACE_BLOCKS = { lstm: 5, gru: 4, rnn: 0 };
const NAMES = { lstm: ['lstmForward', 'lstmBackward'], gru: ['gruForward', 'gruBackward'], rnn: ['rnnForward', 'rnnBackward'] };

function parseArgs(argv) {
  const o = { dirs: [], cells: ['lstm', 'gru', 'rnn'], configs: ['small', 'medium'], variants: ['plain', 'masked'], rounds: 9 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--fallback') o.dirs.push(path.resolve(value));
    else if (flag === '--rounds') o.rounds = Number(value);
    else if (flag === '--clock') now = value === 'cpu' ? cpuNow : now;
    else if (['--cells', '--configs', '--variants'].includes(flag)) o[flag.slice(2)] = value.split(',');
    else throw new Error(`unknown option ${flag}`);
  }
  if (o.dirs.length === 0) o.dirs.push(path.resolve(__dirname, '../../packages/fallback'));
  return o;
}

/** Deterministic values in [−scale, scale). */
function filled(n, scale, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return a;
}

/** Forward and backward argument structs of one case (fresh buffers per build). */
function makeCase(cell, [B, T, I, H], masked) {
  const G = GATES[cell];
  const s = 1 / Math.sqrt(H);
  const mask = masked ? new Float32Array(T * B).map((_, k) => (k % B === 0 && k >= (T - 3) * B ? 0 : 1)) : null;
  const common = {
    T, B, I, H, reverse: masked, x: filled(T * B * I, 1, 1), h0: masked ? filled(B * H, 0.5, 2) : null, mask,
    wIh: filled(G * H * I, s, 3), wHh: filled(G * H * H, s, 4),
    recurrentMask: masked ? new Float32Array(B * H).map((_, k) => (k % 5 === 0 ? 0 : 1.25)) : null, activation: 'tanh',
  };
  if (cell !== 'rnn') common.recurrentActivation = 'sigmoid';
  if (cell === 'gru') common.resetAfter = true;
  const f = {
    ...common, batchFirst: false, y: new Float32Array(T * B * H), hT: new Float32Array(B * H),
    workspace: cell === 'rnn' ? null : new Float32Array(WORKSPACE_BLOCKS[cell] * T * B * H), bIh: filled(G * H, s, 5), bHh: filled(G * H, s, 6),
  };
  const b = {
    ...common, dx: new Float32Array(T * B * I), dh0: masked ? new Float32Array(B * H) : null, dWIh: new Float32Array(G * H * I),
    dWHh: new Float32Array(G * H * H), dBIh: new Float32Array(G * H), dBHh: new Float32Array(G * H), dy: filled(T * B * H, 0.1, 7),
    dhT: masked ? filled(B * H, 0.1, 8) : null, y: f.y, workspace: f.workspace ?? new Float32Array(0),
  };
  if (cell === 'lstm') {
    Object.assign(f, { cT: new Float32Array(B * H), c0: masked ? filled(B * H, 0.5, 9) : null, peephole: null });
    Object.assign(b, { dc0: masked ? new Float32Array(B * H) : null, dPeephole: null, dcT: null, c0: f.c0, peephole: null });
  }
  return { f, b };
}

const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
/** Milliseconds of wall time, or with `--clock cpu` of this process's CPU time (steadier on a busy machine). */
let now = () => Number(process.hrtime.bigint()) / 1e6;
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
};

function main() {
  const o = parseArgs(process.argv.slice(2));
  const builds = o.dirs.map((dir) => ({ dir, backend: require(path.join(dir, 'dist/index.js')).fallbackBackend }));
  console.log(`rounds: ${o.rounds}; ms per call (${now === cpuNow ? 'CPU' : 'wall'}), median; ratio = first build / this build`);
  for (const config of o.configs) {
    for (const cell of o.cells) {
      for (const variant of o.variants) {
        const cases = builds.map(() => makeCase(cell, CONFIGS[config], variant === 'masked'));
        const times = builds.map(() => ({ f: [], b: [] }));
        const [fwd, bwd] = NAMES[cell];
        for (let r = -1; r < o.rounds; r++) {
          builds.forEach(({ backend }, k) => {
            const t0 = now();
            backend[fwd](cases[k].f);
            const t1 = now();
            backend[bwd](cases[k].b);
            const t2 = now();
            if (r < 0) return; // warm-up round
            times[k].f.push(t1 - t0);
            times[k].b.push(t2 - t1);
          });
        }
        const cells = times.map((t, k) => {
          const [f, b] = [median(t.f), median(t.b)];
          const ratio = k === 0 ? '' : ` (${(median(times[0].f) / f).toFixed(2)}x, ${(median(times[0].b) / b).toFixed(2)}x)`;
          return `fwd ${f.toFixed(2)} bwd ${b.toFixed(2)}${ratio}`;
        });
        console.log(`${cell} ${config} ${variant}: ${cells.join(' | ')}`);
      }
    }
  }
}

main();
