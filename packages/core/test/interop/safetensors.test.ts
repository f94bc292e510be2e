import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dirs';
import { ConfigError, FormatError, UnsupportedError } from '../../src/errors';
import { loadTorchStateDict, readSafetensors, safetensorsBytes, saveSafetensors } from '../../src/interop';
import { expectClose } from '../../src/testing/compare';
import { Tensor } from '../../src/tensor';
import { expectPrediction, fixture, PARITY, PYTHON_TIMEOUT, pythonChecksRun, runPython, tensor, torchCases, torchTwin, type StoredTensor } from './helpers';

const { cases } = torchCases();
const dir = tempDir('rnn-safetensors-');

describe('readSafetensors reads the files the script wrote', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: the .pt file's tensors, its metadata, and the torch outputs to 1e-5`, async () => {
      const { tensors, metadata } = await readSafetensors(fixture(`${name}.safetensors`));
      expect(metadata).toEqual({ format: 'pt', case: name });
      expect(tensors).toEqual(await loadTorchStateDict(fixture(`${name}.pt`)));
      const { model, mapping } = torchTwin(c.module);
      model.loadStateDict(tensors, { mapping });
      await expectPrediction(model, c.x, c.y, name);
    });
  }
});

describe('safetensorsBytes / saveSafetensors write what readSafetensors and PyTorch read', () => {
  it('round-trips a model bit for bit, under nn.Sequential names or a mapping', async () => {
    const { model, mapping } = torchTwin('stacked_lstm');
    const back = await readSafetensors(safetensorsBytes(model, { metadata: { by: '@rnn' } }));
    expect(back.metadata).toEqual({ by: '@rnn' });
    expect(back.tensors).toEqual(model.stateDict());
    const mapped = await readSafetensors(safetensorsBytes(model, { mapping }));
    expect(mapped.tensors).toEqual(model.stateDict({ mapping }));
    expect(Object.keys(mapped.tensors)).toContain('rnn.weight_hh_l1');
  });

  it('writes a file atomically: no temporary file is left, and an existing file is replaced whole', async () => {
    const file = join(dir, 'atomic.safetensors');
    writeFileSync(file, 'old contents');
    const { model } = torchTwin('bi_gru');
    await saveSafetensors(model, file);
    expect(readdirSync(dir).filter((f) => f.includes('atomic'))).toEqual(['atomic.safetensors']);
    expect((await readSafetensors(file)).tensors).toEqual(model.stateDict());
  });

  it('writes a plain state dict too; bad arguments are ConfigErrors', async () => {
    const dict = { 'a.weight': new Tensor(Float32Array.from([1, -2.5, 3e-8, 65504]), [2, 2]), b: [[0.5]] };
    const back = await readSafetensors(safetensorsBytes(dict));
    expect(Array.from(back.tensors['a.weight'].data)).toEqual([1, -2.5, Math.fround(3e-8), 65504]);
    expect(() => safetensorsBytes(dict, { mapping: { a: 0 } })).toThrow(/mapping applies to a model/);
    expect(() => safetensorsBytes(dict, { metadata: { n: 1 } as never })).toThrow(ConfigError);
    expect(() => safetensorsBytes(dict, { meta: {} } as never)).toThrow(/unknown option 'meta'/);
    expect(() => safetensorsBytes({ __metadata__: [[1]] })).toThrow(/reserves it/);
    await expect(saveSafetensors(dict, '')).rejects.toThrow(ConfigError);
  });

  const python = pythonChecksRun(['torch', 'numpy']);
  it.runIf(python)('PyTorch takes ours: Python reads it bit for bit, load_state_dict(strict=True) and the same outputs', async () => {
    const modules = [['stacked_lstm', cases.stacked_lstm.x], ['bi_gru', cases.bi_gru.x], ['embed_rnn', cases.embed_rnn.x]] as const;
    const twins = modules.map(([module]) => torchTwin(module));
    const requests = [];
    for (const [i, [module, x]] of modules.entries()) {
      const { model, mapping } = twins[i];
      const file = join(dir, `${module}.safetensors`);
      await saveSafetensors(model, file, { mapping, metadata: { format: 'pt' } });
      const stored = Object.entries(model.stateDict({ mapping })).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }]);
      requests.push({ file, module, tensors: Object.fromEntries(stored), x });
    }
    writeFileSync(join(dir, 'requests.json'), JSON.stringify(requests));
    const reports = runPython('check_ours.py', [join(dir, 'requests.json')]) as { names: string[]; metadata: object; mismatched: string[]; y: StoredTensor }[];
    for (const [i, report] of reports.entries()) {
      const { model, mapping } = twins[i];
      expect(report.names).toEqual(Object.keys(model.stateDict({ mapping })).sort());
      expect(report.metadata).toEqual({ format: 'pt' });
      expect(report.mismatched).toEqual([]);
      const y = await model.predict(tensor(modules[i][1]));
      expectClose(y.data, report.y.data, PARITY, `${modules[i][0]}: @rnn vs torch on our weights`);
    }
  }, PYTHON_TIMEOUT);
});

describe('readSafetensors refuses damaged files with typed errors', () => {
  const good = safetensorsBytes({ a: [[1, 2]], b: [3, 4, 5] }); // header, then a: 8 bytes, b: 12 bytes
  const withHeader = (header: object, data = new Uint8Array(20)): Uint8Array => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  };
  const a = { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] };

  it.each([
    ['a header length beyond the file', () => good.subarray(0, 40), /header length \d+ reaches beyond the file/],
    ['a header length over the limit', () => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true); return b; }, /over the format's limit/],
    ['overlapping offsets', () => withHeader({ a, b: { dtype: 'F32', shape: [3], data_offsets: [4, 16] } }), /'b' starts at byte 4 and overlaps the previous one \('a' ends at 8\)/],
    ['a hole between tensors', () => withHeader({ a, b: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } }), /'b' starts at byte 12 and leaves a hole/],
    ['data the header does not cover', () => withHeader({ a }), /cover 8 bytes of a data block of 20 bytes/],
    ['an unknown dtype', () => withHeader({ a, b: { dtype: 'X9', shape: [3], data_offsets: [8, 20] } }), /'b' in the header has an unknown dtype "X9"/],
    ['a size that disagrees with the shape', () => withHeader({ a, b: { dtype: 'F32', shape: [2], data_offsets: [8, 20] } }), /spans 12 bytes, but F32 of shape \[2\] needs 8/],
    ['a header that is not JSON', () => withHeader({ a }).fill(0x7b, 8, 12), /not valid JSON/],
    ['metadata that is not strings', () => withHeader({ __metadata__: { n: 1 }, a }, new Uint8Array(8)), /__metadata__ must map strings to strings/],
    ['a non-finite weight', () => withHeader({ a }, Uint8Array.from([0, 0, 0x80, 0x7f, 0, 0, 0, 0])), /'a' holds Infinity/],
    ['too few bytes', () => good.subarray(0, 5), /too short/],
  ])('%s: FormatError', async (_what, make, message) => {
    const err = await readSafetensors(make()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(message);
  });

  it('a known dtype that is not a float is an UnsupportedError', async () => {
    const file = withHeader({ steps: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8));
    await expect(readSafetensors(file)).rejects.toThrow(UnsupportedError);
    await expect(readSafetensors(file)).rejects.toThrow(/'steps' is I64; only F32, F64, F16 and BF16/);
  });

  it('reads F64, F16 and BF16, rounding F64 to float32', async () => {
    const data = new Uint8Array(8 + 2 + 2);
    const view = new DataView(data.buffer);
    view.setFloat64(0, 0.1, true);
    view.setUint16(8, 0x3c00, true); // 1.0 as float16
    view.setUint16(10, 0xc049, true); // -3.140625 as bfloat16
    const header = {
      d: { dtype: 'F64', shape: [], data_offsets: [0, 8] },
      h: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
      bf: { dtype: 'BF16', shape: [1], data_offsets: [10, 12] },
    };
    const { tensors } = await readSafetensors(withHeader(header, data));
    expect([tensors.d.data[0], tensors.h.data[0], tensors.bf.data[0]]).toEqual([Math.fround(0.1), 1, -3.140625]);
    expect(tensors.d.shape).toEqual([]);
  });

  it('the fixture file and its bytes read alike', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('nested_lstm.safetensors')));
    expect(await readSafetensors(bytes)).toEqual(await readSafetensors(fixture('nested_lstm.safetensors')));
  });
});
