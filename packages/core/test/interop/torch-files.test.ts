import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, FormatError, StateDictError, UnsupportedError } from '../../src/errors';
import { loadTorchStateDict, readSafetensors } from '../../src/interop';
import { expectPrediction, fixture, torchCases, torchTwin } from './helpers';

const { cases, marker } = torchCases();

describe('loadTorchStateDict reads torch.save(module.state_dict())', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} (${c.dtype}): names, shapes, and the torch module's outputs to 1e-5`, async () => {
      const dict = await loadTorchStateDict(fixture(`${name}.pt`));
      expect(Object.keys(dict)).toEqual(Object.keys(c.keys)); // the file's order
      for (const [key, shape] of Object.entries(c.keys)) expect(dict[key].shape).toEqual(shape);
      const { model, mapping } = torchTwin(c.module);
      model.loadStateDict(dict, { mapping });
      await expectPrediction(model, c.x, c.y, name);
    });
  }

  it('takes the bytes of a file as well as its path', async () => {
    const fromPath = await loadTorchStateDict(fixture('stacked_lstm.pt'));
    const fromBytes = await loadTorchStateDict(new Uint8Array(readFileSync(fixture('stacked_lstm.pt'))));
    expect(fromBytes).toEqual(fromPath);
  });

  it('reads views: a nonzero storage offset and transposed strides', async () => {
    const views = await loadTorchStateDict(fixture('bi_gru_views.pt'));
    const copies = (await readSafetensors(fixture('bi_gru_views.safetensors'))).tensors; // written contiguous by the script
    expect(views['rnn.weight_hh_l0'].shape).toEqual([12, 4]);
    expect(views).toEqual(copies);
  });
});

describe('loadTorchStateDict refuses, with typed errors and without running anything', () => {
  const refused = (name: string) => fixture(`refused/${name}.pt`);

  it.each([
    ['os_system', /'os\.system'/],
    ['posix_system', /'posix\.system'/],
    ['builtins_eval', /'builtins\.eval'/],
    ['unknown_storage', /'torch\.QInt8Storage'/],
  ])('%s: a FormatError naming the global', async (name, global) => {
    const err = await loadTorchStateDict(refused(name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(global);
    expect((err as Error).message).toMatch(/nothing in it was run/);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['view_past_storage', /tensor 'weight' \(size \[9\], stride \[1\], offset 2\) reaches past the end of its storage of 4 elements/],
    ['huge_expand', /tensor 'weight' has size \[1099511627776\], far more values than its storage of 4/],
    // Three views of 2^23 values each over 4 stored ones: each fits the cap, together they do not.
    ['many_expands', /its tensors would hold 25165824 values, more than their storages' 4 plus 16777216 repeated ones/],
  ])('%s: a FormatError, before any allocation', async (name, message) => {
    await expect(loadTorchStateDict(refused(name))).rejects.toThrow(FormatError);
    await expect(loadTorchStateDict(refused(name))).rejects.toThrow(message);
  });

  it.each([
    ['int64', /'steps' is int64; only float32, float64, float16 and bfloat16 tensors load/],
    ['checkpoint', /'epoch' holds an int \(3\), not a tensor/],
    ['legacy', /pre-1\.6 format/],
  ])('%s: an UnsupportedError saying why', async (name, why) => {
    await expect(loadTorchStateDict(refused(name))).rejects.toThrow(UnsupportedError);
    await expect(loadTorchStateDict(refused(name))).rejects.toThrow(why);
  });

  it('two zip entries of one name are a FormatError (torch reads the first, a zip reader may take the last)', async () => {
    await expect(loadTorchStateDict(refused('duplicate_entry'))).rejects.toThrow(FormatError);
    await expect(loadTorchStateDict(refused('duplicate_entry'))).rejects.toThrow(/the archive holds two entries named 'archive\/data\/0'/);
  });

  it('a truncated zip, a wrong magic, a corrupt entry or an empty file is a FormatError', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('nested_lstm.pt')));
    await expect(loadTorchStateDict(bytes.subarray(0, bytes.length - 100))).rejects.toThrow(/not a readable zip archive/);
    await expect(loadTorchStateDict(new TextEncoder().encode('GIF89a not a model'))).rejects.toThrow(/does not start like a zip archive/);
    const corrupt = bytes.slice();
    corrupt[1000] ^= 0x40; // inside a tensor's data
    await expect(loadTorchStateDict(corrupt)).rejects.toThrow(/CRC-32 does not match/);
    for (const bad of [new Uint8Array(0), bytes.subarray(0, 3)]) await expect(loadTorchStateDict(bad)).rejects.toThrow(FormatError);
  });

  it('a missing file, a directory or a device is a FormatError; a bad argument a ConfigError', async () => {
    await expect(loadTorchStateDict(fixture('no-such-file.pt'))).rejects.toThrow(/cannot read .*no-such-file\.pt/);
    await expect(loadTorchStateDict(fixture('refused'))).rejects.toThrow(/should be a regular file, but it is a directory/);
    await expect(loadTorchStateDict('/dev/zero')).rejects.toThrow(/should be a regular file, but it is a character device/);
    await expect(loadTorchStateDict(42 as unknown as string)).rejects.toThrow(ConfigError);
  });
});

describe('model.loadStateDict(dict, { mapping })', () => {
  it('a shape that disagrees with the layer is a StateDictError naming the key as the file has it', async () => {
    const dict = await loadTorchStateDict(fixture('stacked_lstm.pt'));
    const { model, mapping } = torchTwin('stacked_lstm', 5);
    const before = model.getWeights();
    expect(() => model.loadStateDict(dict, { mapping })).toThrow(StateDictError);
    expect(() => model.loadStateDict(dict, { mapping })).toThrow(/'rnn\.weight_ih_l0' has shape \[16, 3\], but layer 0 \(.*\) expects weight_ih_l0 \[20, 3\]/);
    expect(model.getWeights()).toEqual(before);
  });

  it('names missing and unexpected keys in the caller\'s names', async () => {
    const dict = await loadTorchStateDict(fixture('nested_lstm.pt'));
    const { model } = torchTwin('nested_lstm');
    expect(() => model.loadStateDict(dict)).toThrow(/missing keys '0\.weight_ih_l0'.*unexpected keys 'encoder\.rnn\.weight_ih_l0'/);
    const { 'head.bias': _dropped, ...partial } = dict;
    expect(() => model.loadStateDict(partial, { mapping: { 'encoder.rnn': 0, head: 1 } })).toThrow(/missing keys 'head\.bias'/);
  });

  it('a stacked RNN needs a list of layers; the layer names work as well as indices', async () => {
    const dict = await loadTorchStateDict(fixture('stacked_lstm.pt'));
    const { model } = torchTwin('stacked_lstm');
    expect(() => model.loadStateDict(dict, { mapping: { rnn: 0, head: 2 } })).toThrow(/'rnn\.weight_ih_l1' belongs to layer 1 of a stacked RNN.*\[0, 1\]/);
    const [a, b, c] = model.layers.map((l) => l.name);
    model.loadStateDict(dict, { mapping: { rnn: [a, b], head: c } });
    expect(model.stateDict({ mapping: { rnn: [0, 1], head: 2 } })).toEqual(dict);
  });

  it('rejects a malformed mapping with a ConfigError', () => {
    const { model } = torchTwin('nested_lstm');
    const dict = model.stateDict();
    expect(() => model.loadStateDict(dict, { mapping: { rnn: 7 } })).toThrow(/mapping 'rnn' must be a layer index 0\.\.1 or a layer name/);
    expect(() => model.loadStateDict(dict, { mapping: { a: 0, b: [0] } })).toThrow(/layer 0 is named by both mapping 'a' and 'b'/);
    expect(() => model.loadStateDict(dict, { mapping: { a: [] } })).toThrow(/names no layer/);
    expect(() => model.loadStateDict(dict, { mappings: {} } as never)).toThrow(/unknown option 'mappings'/);
  });

  it('stateDict({ mapping }) writes a bare module with the prefix \'\'', () => {
    const { model } = torchTwin('stacked_lstm');
    const names = Object.keys(model.stateDict({ mapping: { '': [0, 1], head: 2 } }));
    expect(names).toContain('weight_ih_l1');
    expect(names).toContain('head.weight');
  });
});
