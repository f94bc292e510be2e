import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError, UnsupportedError } from '../../src/errors';
import { importKeras } from '../../src/interop';
import { Bidirectional } from '../../src/layers/bidirectional';
import { GRU } from '../../src/layers/gru';
import { expectPrediction, fixture, type StoredTensor } from './helpers';

interface KerasCase {
  file: string;
  layers: string[];
  x: StoredTensor;
  y: StoredTensor;
}

const { cases } = JSON.parse(readFileSync(fixture('keras-cases.json'), 'utf8')) as { cases: Record<string, KerasCase> };

describe('importKeras builds the model of a Keras file and predicts what Keras computes', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} (${c.layers.join(' → ')}): outputs to 1e-5`, async () => {
      const model = await importKeras(fixture(c.file));
      expect(model.layers.map((l) => `${l.className}(${l.name})`)).toEqual(c.layers);
      await expectPrediction(model, c.x, c.y, name);
    });
  }

  it("the tutorial's stock model (Keras 3): LSTM(50, return_sequences) → LSTM(50) → Dense(1)", async () => {
    const model = await importKeras(fixture('tutorial_stock.keras'));
    const [first, second, head] = model.layers;
    expect(first.getConfig()).toMatchObject({ units: 50, returnSequences: true });
    expect(second.getConfig()).toMatchObject({ units: 50, returnSequences: false });
    expect(head.getConfig()).toMatchObject({ units: 1 });
    expect(model.layers[0].inputShape).toEqual([10, 1]);
  });

  it('maps the options: GRU reset_after both ways, go_backwards, hard_sigmoid, Bidirectional merge modes', async () => {
    const gru = await importKeras(fixture('gru_stack.keras'));
    expect((gru.layers[0] as GRU).cell.resetAfter).toBe(true);
    expect((gru.layers[1] as GRU).cell.resetAfter).toBe(false);
    expect(gru.layers[1].getConfig()).toMatchObject({ goBackwards: true, recurrentActivation: 'hardSigmoid' });
    const bi = await importKeras(fixture('bidirectional.keras'));
    expect([(bi.layers[0] as Bidirectional).mergeMode, (bi.layers[2] as Bidirectional).mergeMode]).toEqual(['concat', 'ave']);
  });

  it('takes the bytes of a file as well as its path', async () => {
    const model = await importKeras(new Uint8Array(readFileSync(fixture('embedding_masked.keras'))));
    const c = cases.embedding_masked;
    await expectPrediction(model, c.x, c.y, 'from bytes');
  });
});

describe('importKeras refuses, with typed errors', () => {
  const refused = (name: string) => fixture(`refused/${name}`);

  it.each([
    ['keras_missing_layer.keras', /model\.weights\.h5 has no layers\/lstm_1, where the weights of layer 'lstm_1' \(LSTM\) belong: the file is missing a layer/],
    ['legacy_missing_layer.h5', /has no model_weights\/lstm_1, where the weights of layer 'lstm_1' \(LSTM\) belong/],
    ['keras_bad_shape.keras', /layers\/dense\/vars\/0 has shape \[3, 1\], but layer 'dense' \(Dense\) as configured needs \[4, 1\]/],
  ])('%s: a FormatError', async (name, message) => {
    const err = await importKeras(refused(name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    ['keras_conv1d.keras', /layer 'conv1d' \(Conv1D\) is not a layer importKeras can build/],
    ['keras_functional.keras', /the model is a Functional; importKeras reads Sequential models/],
    ['legacy_hard_sigmoid.h5', /uses Keras 2's hard_sigmoid \(clip\(0\.2x \+ 0\.5\)\) as recurrent_activation/],
    ['keras_reversed_mask.keras', /layer 'lstm_1' reads the step mask after 'lstm' \(go_backwards with return_sequences\), which Keras passes on unreversed/],
  ])('%s: an UnsupportedError saying why', async (name, message) => {
    const err = await importKeras(refused(name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as Error).message).toMatch(message);
  });

  it('a truncated archive, a truncated HDF5 file or other bytes are FormatErrors', async () => {
    const keras = new Uint8Array(readFileSync(fixture('gru_stack.keras')));
    await expect(importKeras(keras.subarray(0, keras.length - 200))).rejects.toThrow(/not a readable zip archive/);
    const h5 = new Uint8Array(readFileSync(fixture('legacy_bidirectional_gru.h5')));
    await expect(importKeras(h5.subarray(0, 3000))).rejects.toThrow(FormatError);
    await expect(importKeras(new TextEncoder().encode('{"class_name": "Sequential"}'))).rejects.toThrow(/neither a \.keras archive nor an HDF5/);
    await expect(importKeras(fixture('nested_lstm.pt'))).rejects.toThrow(/no config\.json/);
  });

  it('a damaged HDF5 file is a FormatError wherever the damage is, never a string or a RangeError', async () => {
    const h5 = new Uint8Array(readFileSync(fixture('legacy_bidirectional_gru.h5')));
    const flipped = (at: number, value: number) => Uint8Array.from(h5, (b, i) => (i === at ? value : b));
    // Damage in the root group's attribute messages, which jsfive parses on first read.
    await expect(importKeras(flipped(952, 103))).rejects.toThrow(/cannot read the attributes of the root group \(damaged HDF5 file\): unknown dataspace/);
    await expect(importKeras(flipped(889, 93))).rejects.toThrow(/cannot read the attributes of the root group \(damaged HDF5 file\): Offset is outside/);
    const untyped: string[] = [];
    for (let at = 0; at < h5.length; at += 53) {
      const error = await importKeras(flipped(at, h5[at] ^ 0xff)).then(() => null, (e: unknown) => e);
      if (error !== null && !(error instanceof FormatError || error instanceof UnsupportedError)) untyped.push(`byte ${at}: ${String(error)}`);
    }
    expect(untyped).toEqual([]);
  });
});
