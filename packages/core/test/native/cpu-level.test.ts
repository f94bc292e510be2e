import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { backendInfo, getBackend } from '../../src/backend/select';
import { describeNative, nativeBinding } from './load';

const require = createRequire(import.meta.url);
const LEVELS = ['generic', 'avx2', 'avx512'];

/** Loads @rnn/native in a child with RNN_CPU set: its cpuInfo(), or the load error's code and message. */
function loadWithRnnCpu(value: string): { info?: { level: string; available: string[] }; code?: string; message?: string } {
  const script = `try { console.log(JSON.stringify({ info: require(${JSON.stringify(require.resolve('@rnn/native'))}).cpuInfo() })); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, RNN_CPU: value }, encoding: 'utf8' });
  return JSON.parse(child.stdout);
}

describeNative('the step kernels’ CPU level', () => {
  const { level, available } = nativeBinding!.cpuInfo();
  const missing = LEVELS.filter((l) => !available.includes(l));

  it('is the best level this CPU has (or RNN_CPU), and backendInfo() reports it', () => {
    expect(available[0]).toBe('generic');
    expect(LEVELS).toEqual(expect.arrayContaining(available));
    expect(level).toBe(process.env.RNN_CPU || available.at(-1));
    if (getBackend().name === 'native') expect(backendInfo().cpu).toBe(level);
  });

  it('setCpuLevel switches between the available levels and refuses the others by name', () => {
    try {
      for (const l of available) {
        expect(nativeBinding!.setCpuLevel(l)).toBe(l);
        expect(nativeBinding!.cpuInfo().level).toBe(l);
      }
      for (const l of missing) {
        expect(() => nativeBinding!.setCpuLevel(l)).toThrow(
          new RangeError(`setCpuLevel: level is '${l}' but this CPU lacks it; it can run: ${available.join(', ')}`),
        );
      }
      expect(() => nativeBinding!.setCpuLevel('sse9')).toThrow(
        new RangeError("setCpuLevel: level must be one of generic, avx2, avx512, got 'sse9'"),
      );
      expect(() => (nativeBinding!.setCpuLevel as (x: unknown) => string)(2)).toThrow(TypeError);
    } finally {
      nativeBinding!.setCpuLevel(level);
    }
    expect(nativeBinding!.cpuInfo().level).toBe(level);
  });

  it('RNN_CPU chooses the level at load, and a level the CPU lacks stops the load with a clear error', () => {
    expect(loadWithRnnCpu('generic').info).toEqual({ level: 'generic', available });
    expect(loadWithRnnCpu('sse9')).toEqual({ code: 'RNN_CPU_LEVEL', message: "RNN_CPU must be one of generic, avx2, avx512, got 'sse9'" });
    for (const l of missing) {
      expect(loadWithRnnCpu(l)).toEqual({
        code: 'RNN_CPU_LEVEL',
        message: `RNN_CPU is '${l}' but this CPU lacks it; it can run: ${available.join(', ')}`,
      });
    }
  });
});
