import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendInfo, getBackend, setNumThreads } from '../../src/backend/select';
import { nativeUnavailableError } from '../../src/backend/load-native';
import { ConfigError, NativeUnavailableError } from '../../src/errors';
import { describeNative, nativeBinding } from './load';
import { tempDir } from '../../../../test-support/temp-dirs';

const require = createRequire(import.meta.url);
const nativeLib = join(require.resolve('@rnn/native/package.json'), '..', 'lib');
const tag = `${process.platform}-${process.arch}`;

/** A copy of @rnn/native's loader in a temp package dir, with the given binaries next to it. */
function fakePackage(binaries: Record<string, string | Buffer>): string {
  const root = tempDir('rnn-native-loader-');
  mkdirSync(join(root, 'lib'));
  for (const file of ['index.js', 'explain-load-failure.js', 'install-fix.js']) copyFileSync(join(nativeLib, file), join(root, 'lib', file));
  for (const [rel, content] of Object.entries(binaries)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

function loadError(root: string): Error & { code?: string; causes?: string[] } {
  // RNN_NATIVE_BINARY (set when testing a sanitizer build) would add a candidate that loads.
  const override = process.env.RNN_NATIVE_BINARY;
  delete process.env.RNN_NATIVE_BINARY;
  try {
    require(join(root, 'lib', 'index.js'));
  } catch (error) {
    return error as Error & { code?: string; causes?: string[] };
  } finally {
    if (override !== undefined) process.env.RNN_NATIVE_BINARY = override;
  }
  throw new Error('the loader did not throw');
}

describe('@rnn/native loader errors', () => {
  it('lists every candidate path when no binary exists, and the fixes', () => {
    const root = fakePackage({});
    const error = loadError(root);
    expect(error.code).toBe('RNN_NATIVE_UNAVAILABLE');
    expect(error.causes).toEqual([
      `${join(root, 'prebuilds', tag, 'rnn_native.node')}: not found`,
      `${join(root, 'build', 'Release', 'rnn_native.node')}: not found`,
    ]);
    expect(error.message).toMatch(/apt-get install libopenblas0/);
    expect(error.message).toMatch(/npm rebuild @rnn\/native/);
    expect(error.message).toMatch(/npx cmake-js compile/);
  });

  it('reports a binary that dlopen rejects, per path, next to the missing one', () => {
    const root = fakePackage({
      [join('prebuilds', tag, 'rnn_native.node')]: Buffer.alloc(4096, 'not an ELF file '),
      [join('build', 'Release', 'rnn_native.node')]: 'short',
    });
    const error = loadError(root);
    expect(error.causes).toHaveLength(2);
    expect(error.causes![0]).toMatch(/prebuilds.*rnn_native\.node: not a loadable binary for .*\(.*invalid ELF header.*\); fix: rebuild it/);
    expect(error.causes![1]).toMatch(/build.Release.rnn_native\.node: not a loadable binary .*file too short/);
  });

  it('turns a missing OpenBLAS runtime into the apt-get fix', () => {
    const { explainLoadFailure } = require(join(nativeLib, 'explain-load-failure.js'));
    const dlopen = new Error('libopenblas.so.0: cannot open shared object file: No such file or directory');
    expect(explainLoadFailure('/x/rnn_native.node', dlopen, tag)).toBe(
      '/x/rnn_native.node: libopenblas.so.0 is missing (libopenblas.so.0: cannot open shared object file: No such file or directory); ' +
        'fix: install the OpenBLAS runtime: apt-get install libopenblas0 (to build: apt-get install libopenblas-dev cmake g++)',
    );
    const abi = new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108.');
    expect(explainLoadFailure('/x/rnn_native.node', abi, tag)).toMatch(/built for another Node\.js ABI .*fix: rebuild it/);
  });

  it("core turns the loader's error into NativeUnavailableError with the same causes", () => {
    const error = nativeUnavailableError(loadError(fakePackage({})));
    expect(error).toBeInstanceOf(NativeUnavailableError);
    expect(error.causes).toHaveLength(2);
    expect(error.causes[0]).toMatch(/prebuilds.*: not found$/);
    expect(error.message).toMatch(/^The native backend cannot load: .*not found; .*not found\. To fix: install OpenBLAS/);
  });

  it('core reports an absent @rnn/native package as such', () => {
    const missing = Object.assign(new Error("Cannot find module '@rnn/native'"), { code: 'MODULE_NOT_FOUND' });
    expect(nativeUnavailableError(missing).causes).toEqual(['@rnn/native is not installed (it is an optional dependency of @rnn/core)']);
    expect(nativeUnavailableError(missing).message).toMatch(/To fix: install it: npm install @rnn\/native/);
  });
});

describeNative('the native backend in core', (backend) => {
  it('is the backend core selects when it loads (unless RNN_BACKEND forces the fallback)', () => {
    if (process.env.RNN_BACKEND === 'fallback') {
      expect(getBackend().name).toBe('fallback');
      expect(backendInfo().reason).toBe('RNN_BACKEND=fallback');
      return;
    }
    expect(getBackend().name).toBe('native');
    const info = backendInfo();
    expect(info.name).toBe('native');
    expect(info.blas).toMatch(/^OpenBLAS \d+\.\d+\.\d+/);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('details() and setThreads() reach OpenBLAS', () => {
    const before = backend.details().threads;
    try {
      expect(backend.setThreads(1)).toBe(1);
      expect(backend.details()).toEqual({ name: 'native', threads: 1, blas: expect.stringMatching(/^OpenBLAS/), cpu: nativeBinding!.cpuInfo().level });
      expect(nativeBinding!.getNumThreads()).toBe(1);
    } finally {
      backend.setThreads(before);
    }
    expect(backend.details().threads).toBe(before);
  });

  it('setNumThreads() of core sets the active backend (native) threads', () => {
    if (getBackend().name !== 'native') return;
    const before = backendInfo().threads;
    expect(setNumThreads(1)).toBe(1);
    expect(backendInfo().threads).toBe(1);
    setNumThreads(before);
  });

  it('setNumThreads() of core refuses what is not a count of 1 to 1024 with a ConfigError naming it, on any backend', () => {
    const before = backendInfo().threads;
    for (const bad of [0, 1.5, 1025, Number.NaN, '2']) {
      expect(() => setNumThreads(bad as number), String(bad)).toThrow(ConfigError);
      expect(() => setNumThreads(bad as number), String(bad)).toThrow(/^setNumThreads: threads must be an integer in \[1, 1024\], got /);
    }
    expect(backendInfo().threads).toBe(before);
  });

  it('the default thread count is the core count, or RNN_NUM_THREADS', () => {
    const info = nativeBinding!.blasInfo();
    const expected = process.env.RNN_NUM_THREADS ? Number(process.env.RNN_NUM_THREADS) : require('node:os').availableParallelism();
    expect(info.threads).toBe(expected);
  });
});

/**
 * Loads @rnn/native in a fresh process (OpenBLAS initialises once per process) and reports the
 * threads the load started, the executors among them, and OPENBLAS_NUM_THREADS after the load.
 */
function loadInChild(env: Record<string, string | undefined>): { started: number; executors: number; env: string | null } {
  const script = `
    const { readdirSync } = require('node:fs');
    const tasks = () => readdirSync('/proc/self/task').length;
    const before = tasks();
    const binding = require(${JSON.stringify(join(nativeLib, 'index.js'))});
    const started = tasks() - before;
    console.log(JSON.stringify({ started, executors: binding.schedulerCounts().executors, env: process.env.OPENBLAS_NUM_THREADS ?? null }));`;
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: childEnv, encoding: 'utf8' }));
}

/** Loads @rnn/native in a child with RNN_NUM_THREADS set: its thread count, or the load error's code and message. */
function loadWithRnnNumThreads(value: string): { threads?: number; code?: string; message?: string } {
  const script = `try { console.log(JSON.stringify({ threads: require(${JSON.stringify(join(nativeLib, 'index.js'))}).getNumThreads() })); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, RNN_NUM_THREADS: value }, encoding: 'utf8' }));
}

describeNative('loading the addon', () => {
  it('RNN_NUM_THREADS sets the pool at load; one that names no count of 1 to 1024 stops the load with a clear error', () => {
    expect(loadWithRnnNumThreads('3')).toEqual({ threads: 3 });
    expect(loadWithRnnNumThreads('')).toEqual({ threads: require('node:os').availableParallelism() });
    for (const bad of ['0', '1025', 'two', '3x', '1.5', '-2', '99999999999999999999']) {
      expect(loadWithRnnNumThreads(bad), bad).toEqual({ code: 'RNN_NUM_THREADS', message: `RNN_NUM_THREADS must be an integer in [1, 1024], got '${bad}'` });
    }
  });

  // /proc/self/task lists a process's threads on Linux. On a machine with 2+ CPUs an OpenBLAS
  // started with its default thread count adds CPUs − 1 threads of its own to the executors.
  it.runIf(existsSync('/proc/self/task'))('starts no OpenBLAS threads, only the executors, and leaves OPENBLAS_NUM_THREADS as it was', () => {
    const unset = loadInChild({ OPENBLAS_NUM_THREADS: undefined });
    expect(unset.started).toBe(unset.executors);
    expect(unset.env).toBeNull();
    const set = loadInChild({ OPENBLAS_NUM_THREADS: '3' });
    expect(set.started).toBe(set.executors);
    expect(set.env).toBe('3');
  });
});
