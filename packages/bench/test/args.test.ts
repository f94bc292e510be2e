import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type BenchOptions, UsageError, benchThreads, parseBenchArgs } from '../src/args';

describe('bench command line', () => {
  it('defaults to the whole grid with every backend', () => {
    const o = parseBenchArgs([]);
    if (o === 'help') throw new Error('unexpected help');
    expect(o.cells).toEqual(['lstm', 'gru', 'rnn']);
    expect(o.configs).toEqual(['small', 'medium', 'large']);
    expect(o.modes).toEqual(['infer', 'train']);
    expect(o.serve).toBe(true);
    expect(o.callers).toEqual([1, 2]);
    expect(o.repeat).toBe(1);
    expect(o.threads).toBeNull();
    expect(o.backends).toEqual(['native', 'fallback', 'pytorch', 'onnxruntime', 'tfjs-cpu', 'tfjs-wasm']);
    expect(o.backendsExplicit).toBe(false);
    expect(o.validate).toBe(true);
  });

  it('takes the documented subset flags, repeated or comma-separated, in grid order', () => {
    const o = parseBenchArgs(['--cell', 'lstm', '--config', 'medium', '--mode', 'train', '--backend', 'native', '--json', 'out.json']);
    if (o === 'help') throw new Error('unexpected help');
    expect([o.cells, o.configs, o.modes, o.backends, o.jsonFile]).toEqual([['lstm'], ['medium'], ['train'], ['native'], 'out.json']);
    expect(o.backendsExplicit).toBe(true);
    const p = parseBenchArgs(['--cell', 'rnn,lstm', '--cell', 'gru']);
    if (p === 'help') throw new Error('unexpected help');
    expect(p.cells).toEqual(['lstm', 'gru', 'rnn']);
  });

  it('takes serving, repeat and thread options', () => {
    const o = parseBenchArgs(['--mode', 'serve', '--callers', '4,1', '--callers', '2', '--serve-ms', '500', '--repeat', '5', '--threads-check', '--markdown', 'r.md']);
    if (o === 'help') throw new Error('unexpected help');
    expect([o.modes, o.serve, o.callers, o.serveMs, o.repeat, o.threadsCheck, o.markdownFile]).toEqual([[], true, [1, 2, 4], 500, 5, true, 'r.md']);
    expect(() => parseBenchArgs(['--repeat', '0'])).toThrow("--repeat expected a positive integer, got '0'");
    expect(() => parseBenchArgs(['--callers', '1,x'])).toThrow("--callers expected a positive integer, got 'x'");
  });

  it('names the flag, the allowed values and what came', () => {
    expect(() => parseBenchArgs(['--cell', 'transformer'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--cell', 'transformer'])).toThrow("--cell expected one of lstm, gru, rnn, got 'transformer'");
    expect(() => parseBenchArgs(['--threads', '0'])).toThrow("--threads expected a positive integer, got '0'");
    expect(() => parseBenchArgs(['--colour'])).toThrow(UsageError);
  });

  it('answers --help', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
  });
});

describe('the bench thread count', () => {
  const options = (args: string[]): BenchOptions => {
    const o = parseBenchArgs(args);
    if (o === 'help') throw new Error('unexpected help');
    return o;
  };
  it('is --threads, else RNN_NUM_THREADS, else the CPUs', () => {
    expect(benchThreads(options(['--threads', '3']), { RNN_NUM_THREADS: '5' })).toBe(3);
    expect(benchThreads(options([]), { RNN_NUM_THREADS: '5' })).toBe(5);
    expect(benchThreads(options([]), { RNN_NUM_THREADS: 'many' })).toBe(availableParallelism());
    expect(benchThreads(options([]), {})).toBe(availableParallelism());
  });
});
