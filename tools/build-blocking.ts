// How long building (and loading) a large recurrent layer holds the event loop: the synchronous time
// of `new Sequential([LSTM(units), Dense(1)])`, the longest timer gap while its weights are computed
// off the loop, and the time loadModel takes for a file declaring such a layer.
//
//   node --import ./test-support/ts-register.mjs tools/build-blocking.ts [units=4000] [watchSeconds=5]
//
// Timings are only meaningful on a quiet machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, LSTM, Sequential, loadModel } from '@rnn/core';
import { dropInitialization } from '../packages/core/src/init/background-init';

const units = Number(process.argv[2] ?? 4000);
const watchSeconds = Number(process.argv[3] ?? 5);

let started = performance.now();
const model = new Sequential([new LSTM({ units, inputShape: [10, 4] }), new Dense({ units: 1 })], { seed: 1 });
console.log(`build LSTM(${units}): ${(performance.now() - started).toFixed(0)} ms on the event loop`);

let last = performance.now();
let worstGap = 0;
const timer = setInterval(() => {
  const now = performance.now();
  worstGap = Math.max(worstGap, now - last);
  last = now;
}, 10);
await new Promise((resolve) => setTimeout(resolve, watchSeconds * 1000));
clearInterval(timer);
console.log(`while its recurrent kernel is computed off the loop: longest timer gap ${worstGap.toFixed(0)} ms over ${watchSeconds} s`);
dropInitialization([(model.layers[0] as LSTM).cell.weightHh!.value]);

const dir = mkdtempSync(join(tmpdir(), 'rnn-build-blocking-'));
try {
  const zeros = new Sequential([new LSTM({ units, inputShape: [10, 4], kernelInitializer: 'zeros', recurrentInitializer: 'zeros' })]);
  await zeros.save(dir);
  started = performance.now();
  await loadModel(dir);
  console.log(`loadModel of LSTM(${units}): ${(performance.now() - started).toFixed(0)} ms (reading and checking the weights; no initialiser runs)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
