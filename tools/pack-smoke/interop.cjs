// Reads the interop fixtures through the installed @rnn/core: its zip, pickle and HDF5 dependencies
// must come along with the tarball. argv[2] is the fixtures folder of the repository.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Sequential, LSTM, Dense, loadTorchStateDict, readSafetensors, saveSafetensors, importKeras } = require('@rnn/core');

async function main() {
  const fixtures = process.argv[2];
  const model = new Sequential([
    new LSTM({ units: 4, returnSequences: true, inputShape: [5, 3] }),
    new LSTM({ units: 4 }),
    new Dense({ units: 2 }),
  ]);
  const mapping = { rnn: [0, 1], head: 2 };
  model.loadStateDict(await loadTorchStateDict(join(fixtures, 'stacked_lstm.pt')), { mapping });
  const dir = mkdtempSync(join(tmpdir(), 'rnn-pack-interop-'));
  try {
    await saveSafetensors(model, join(dir, 'w.safetensors'), { mapping });
    const back = (await readSafetensors(join(dir, 'w.safetensors'))).tensors;
    const ours = model.stateDict({ mapping });
    if (Object.keys(ours).some((k) => back[k].data.some((v, i) => v !== ours[k].data[i]))) throw new Error('safetensors round trip changed a weight');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const keras = await importKeras(join(fixtures, 'tutorial_stock.keras'));
  const y = await keras.predict([Array.from({ length: 10 }, (_, t) => [t / 10])]);
  if (y.shape.join() !== '1,1' || !Number.isFinite(y.data[0])) throw new Error(`importKeras predicted ${y.shape}`);
  console.log('  .pt, safetensors and .keras read through the installed package');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
