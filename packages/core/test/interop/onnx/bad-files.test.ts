import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test-support/temp-dirs';
import { ConfigError, FormatError, UnsupportedError } from '../../../src/errors';
import { exportOnnxBytes, importOnnx } from '../../../src/interop/onnx';
import { floatTensor, int64Tensor } from '../../../src/interop/onnx/proto/tensor-data';
import { Random } from '../../../src/random';
import { EXPORT_CASES } from './export-cases';
import { edited } from './helpers';

const torchDir = join(__dirname, 'fixtures', 'torch');
const fixtures = JSON.parse(readFileSync(join(torchDir, 'torch-models.json'), 'utf8')) as { refused: Record<string, { file: string; mentions: string }> };
const torchFile = (name: string) => readFileSync(join(torchDir, name));
const LSTM_FOLDED = 'lstm_stacked.opset14-folded-dynamic.onnx';
const dir = tempDir('rnn-onnx-bad-');

describe('importOnnx on bad input', () => {
  it('a truncated file is a FormatError', async () => {
    const bytes = torchFile(LSTM_FOLDED);
    for (const length of [1, 17, Math.floor(bytes.length / 2), bytes.length - 3]) {
      await expect(importOnnx(bytes.subarray(0, length)), `first ${length} bytes`).rejects.toThrow(FormatError);
    }
  });

  it('bytes that are not protobuf, or not an ONNX model, are a FormatError', async () => {
    const random = new Random(3);
    const noise = Uint8Array.from({ length: 4096 }, () => random.nextUint32() & 255);
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('{"format": "rnn-model"}'), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10), noise]) {
      await expect(importOnnx(bytes)).rejects.toThrow(FormatError);
    }
  });

  it('a missing file or a directory is a FormatError naming the path', async () => {
    await expect(importOnnx(join(dir, 'nope.onnx'))).rejects.toThrow(/nope\.onnx/);
    await expect(importOnnx(dir)).rejects.toThrow(FormatError);
    await expect(importOnnx(42 as unknown as Uint8Array)).rejects.toThrow(ConfigError);
  });

  for (const [name, { file, mentions }] of Object.entries(fixtures.refused)) {
    it(`a torch export with what @rnn cannot represent (${name}) is an UnsupportedError`, async () => {
      const error = await importOnnx(torchFile(file)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toContain(mentions);
    });
  }

  it('an unsupported op is an UnsupportedError naming the node and its op type', async () => {
    const bytes = edited(torchFile(LSTM_FOLDED), (m) => {
      const node = m.graph!.node!.find((n) => n.op_type === 'Add')!;
      node.op_type = 'Mod';
    });
    await expect(importOnnx(bytes)).rejects.toThrow(/'\/fc\/Add' \(Mod\) is not supported/);
    const custom = edited(torchFile(LSTM_FOLDED), (m) => (m.graph!.node!.find((n) => n.op_type === 'MatMul')!.domain = 'com.example'));
    await expect(importOnnx(custom)).rejects.toThrow(UnsupportedError);
  });

  it('a torch initializer whose shape disagrees with the recurrent node is a FormatError', async () => {
    const bytes = edited(torchFile(LSTM_FOLDED), (m) => {
      const lstm = m.graph!.node!.find((n) => n.op_type === 'LSTM')!;
      const w = m.graph!.initializer!.find((t) => t.name === lstm.input![1])!;
      const [D, GH, I] = w.dims!;
      Object.assign(w, floatTensor(w.name!, [D, GH, I + 1], new Float32Array(D * GH * (I + 1))));
    });
    await expect(importOnnx(bytes)).rejects.toThrow(/W has shape \[1, 32, 5\], but hidden_size 8/);
  });

  it('a non-finite weight, in a torch graph or our own export, is a FormatError naming it', async () => {
    const torch = edited(torchFile(LSTM_FOLDED), (m) => {
      const lstm = m.graph!.node!.find((n) => n.op_type === 'LSTM')!;
      const w = m.graph!.initializer!.find((t) => t.name === lstm.input![2])!;
      const values = new Float32Array(w.dims!.reduce((a, b) => a * b, 1));
      values[5] = Number.NaN;
      Object.assign(w, floatTensor(w.name!, w.dims!, values));
    });
    await expect(importOnnx(torch)).rejects.toThrow(FormatError);
    await expect(importOnnx(torch)).rejects.toThrow(/'weight_hh_l0' holds NaN at flat index \d+; weights must be finite/);
    const ours = edited(await exportOnnxBytes(EXPORT_CASES[0].make()), (m) => {
      const w = m.graph!.initializer!.find((t) => t.name!.endsWith('/W'))!;
      Object.assign(w, floatTensor(w.name!, w.dims!, new Float32Array(w.dims!.reduce((a, b) => a * b, 1)).fill(Infinity)));
    });
    await expect(importOnnx(ours)).rejects.toThrow(/holds Infinity at flat index \d+; weights must be finite/);
  });

  it('glue that would compute gigabytes of constants from a few bytes is a FormatError, before it allocates them', async () => {
    // An unused ConstantOfShape of [20000, 20000]; a constant doubled by 40 Concats; a row gathered 200000 times.
    const constantOfShape = edited(torchFile(LSTM_FOLDED), (m) => {
      m.graph!.initializer!.push(int64Tensor('bomb_shape', [2], [20000, 20000]));
      m.graph!.node!.unshift({ op_type: 'ConstantOfShape', name: 'bomb', input: ['bomb_shape'], output: ['bomb_out'] });
    });
    await expect(importOnnx(constantOfShape)).rejects.toThrow(/node 'bomb' \(ConstantOfShape\) would compute a constant of 400000000 values; the constants computed from this graph may hold \d+ more/);
    const concat = edited(torchFile(LSTM_FOLDED), (m) => {
      m.graph!.initializer!.push(floatTensor('seed', [4096], new Float32Array(4096)));
      const chain = Array.from({ length: 40 }, (_, k) => {
        const last = k === 0 ? 'seed' : `d${k - 1}`;
        return { op_type: 'Concat', name: `double${k}`, input: [last, last], output: [`d${k}`], attribute: [{ name: 'axis', type: 2, i: 0 }] };
      });
      m.graph!.node = [...chain, ...m.graph!.node!];
    });
    await expect(importOnnx(concat)).rejects.toThrow(/node 'double\d+' \(Concat\) would compute a constant of \d+ values/);
    const gather = edited(torchFile(LSTM_FOLDED), (m) => {
      m.graph!.initializer!.push(floatTensor('row', [1, 4096], new Float32Array(4096)), int64Tensor('rows', [200_000], new Array(200_000).fill(0)));
      m.graph!.node!.unshift({ op_type: 'Gather', name: 'repeat', input: ['row', 'rows'], output: ['repeated'] });
    });
    await expect(importOnnx(gather)).rejects.toThrow(/node 'repeat' \(Gather\) would compute a constant of 819200000 values/);
  });

  it('an initializer of our own export whose shape disagrees with the layer is a FormatError', async () => {
    const model = EXPORT_CASES.find((c) => c.name === 'masked_lstm')!.make();
    const bytes = edited(await exportOnnxBytes(model), (m) => {
      const kernel = m.graph!.initializer!.find((t) => t.name!.endsWith('/kernel'))!;
      Object.assign(kernel, floatTensor(kernel.name!, [5, 3], new Float32Array(15)));
    });
    await expect(importOnnx(bytes)).rejects.toThrow(/has shape \[5, 3\], but dense_\d+ needs \[5, 2\]/);
    const noWeights = edited(await exportOnnxBytes(model), (m) => (m.graph!.initializer = m.graph!.initializer!.filter((t) => !t.name!.endsWith('/W'))));
    await expect(importOnnx(noWeights)).rejects.toThrow(FormatError);
  });

  it('damaged metadata of our own export is a FormatError', async () => {
    const bytes = await exportOnnxBytes(EXPORT_CASES[0].make());
    for (const value of ['{not json', '{"format": "rnn-onnx", "version": 2}', JSON.stringify({ format: 'rnn-onnx', version: 1, name: 'm', seed: 1, inputShape: [null, 3], layers: [{ className: 'Conv1D', config: {}, tensors: {} }] })]) {
      const damaged = edited(bytes, (m) => (m.metadata_props![0].value = value));
      await expect(importOnnx(damaged), value).rejects.toThrow(FormatError);
    }
  });
});
