import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dirs';

const register = fileURLToPath(new URL('./ts-register.mjs', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));
/** Transpiled files shared by the children of one test file (removed with the file's temporary directories). */
let cacheDir: string | null = null;

/**
 * Starts `node` on a TypeScript file of this repository (its imports resolve as in the tests), for
 * tests that need a real process: one to kill mid-save, one whose worker threads terminate, … It
 * runs in the repository root (so optional packages such as @rnn/native resolve) with the test's
 * environment; transpiled files are cached in a temporary directory shared by the test file's children.
 */
export function spawnTs(file: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
  cacheDir ??= tempDir('rnn-ts-child-');
  const env = { RNN_TS_CHILD_CACHE: cacheDir, ...process.env, ...options.env };
  return spawn(process.execPath, ['--import', register, file, ...args], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
    env,
  });
}

/** How a child process ended, and everything it printed. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Waits for `child` to end, collecting its output. */
export function childResult(child: ChildProcess): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a TypeScript file to its end (see `spawnTs`). */
export function runTs(file: string, args: readonly string[] = [], options: SpawnOptions = {}): Promise<ChildResult> {
  return childResult(spawnTs(file, args, options));
}
