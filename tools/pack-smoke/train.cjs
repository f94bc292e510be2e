// Trains a small LSTM through the installed @rnn/core (CommonJS) and checks the active backend,
// then exports it to ONNX bytes and imports them back (the packed ONNX schema must load).
const { Sequential, LSTM, Dense, backendInfo, exportOnnxBytes, importOnnx } = require('@rnn/core');

async function main() {
  const expected = process.argv[2];
  const x = [];
  const y = [];
  for (let i = 0; i < 64; i++) {
    const seq = [];
    for (let t = 0; t < 8; t++) seq.push([Math.sin(0.3 * (i + t)), Math.cos(0.3 * (i + t))]);
    x.push(seq);
    y.push([Math.sin(0.3 * (i + 8))]);
  }
  const model = new Sequential([new LSTM({ units: 16, inputShape: [8, 2] }), new Dense({ units: 1 })], { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const history = await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
  const info = backendInfo();
  const losses = history.loss;
  console.log(`  backend=${info.name} (${info.reason}) loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)}`);
  if (info.name !== expected) throw new Error(`expected backend ${expected}, got ${info.name}`);
  if (!(losses[losses.length - 1] < losses[0])) throw new Error('training did not reduce the loss');
  const again = await importOnnx(await exportOnnxBytes(model));
  const [a, b] = [await model.predict(x), await again.predict(x)];
  if (a.data.some((v, i) => v !== b.data[i])) throw new Error('the ONNX round trip changed the predictions');
  console.log('  ONNX export and import: same predictions');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
