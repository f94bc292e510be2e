import { Dense, SimpleRNN, GRU, LSTM, Sequential, Tensor, getBackend } from '@rnn/core';
const B = 64, T = 50, I = 64, H = 128;
const Cell = { rnn: SimpleRNN, gru: GRU, lstm: LSTM }[process.env.CELL || 'rnn'];
const model = new Sequential([new Cell({ units: H, inputShape: [T, I] }), new Dense({ units: 1 })], { seed: 1 });
model.compile({ optimizer: 'adam', loss: 'mse' });
const x = new Tensor(Float32Array.from({ length: B * T * I }, (_, i) => Math.sin(i)), [B, T, I]);
const y = new Tensor(Float32Array.from({ length: B }, (_, i) => Math.cos(i)), [B, 1]);
await model.trainOnBatch(x, y);
const be = getBackend(); const k = {}; 
for (const name of ['rnnForward','rnnBackward','gruForward','gruBackward','lstmForward','lstmBackward','gemm']) {
  for (const tgt of [be, be.async]) { if (!tgt || !tgt[name]) continue; const o = tgt[name].bind(tgt);
    tgt[name] = (a) => { const t0 = performance.now(); const r = o(a); if (r && r.then) return r.then(() => { k[name] = (k[name]||0) + performance.now() - t0; }); k[name] = (k[name]||0) + performance.now() - t0; return r; }; } }
const N = 60; const t0 = performance.now();
for (let i = 0; i < N; i++) await model.trainOnBatch(x, y);
const ms = (performance.now() - t0) / N;
console.log('step ms', ms.toFixed(2), Object.fromEntries(Object.entries(k).map(([n, v]) => [n, +(v / N).toFixed(2)])));
