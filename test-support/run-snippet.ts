import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { REPO_ROOT, type Snippet } from './markdown-snippets';

/** Debian's Python (python3-torch, python3-numpy, python3-h5py; see .ci/run). */
export const PYTHON = '/usr/bin/python3';

/** What a block printed: each `console.log` call's arguments, and all output as text. */
export interface SnippetOutput {
  logs: unknown[][];
  text: string;
}

/**
 * Runs a TypeScript/JavaScript block as an ES module (top-level `await` works) in `cwd`, the way a
 * user's `first.mts` runs: `@rnn/core` resolves to the sources under test (vitest's aliases). What
 * it prints is captured, not shown, and returned; on failure the error carries it.
 */
export function runTsSnippet(snippet: Snippet, cwd: string, name = `snippet-${snippet.line}`): Promise<SnippetOutput> {
  return runTsCode(snippet.code, cwd, name, where(snippet));
}

/** `runTsSnippet` for code from elsewhere; `label` names it in errors. */
export async function runTsCode(code: string, cwd: string, name: string, label = `${name}.mts`): Promise<SnippetOutput> {
  const file = join(cwd, `${name}.mts`);
  writeFileSync(file, code);
  const output: SnippetOutput = { logs: [], text: '' };
  const capture = (chunk: unknown): boolean => {
    output.text += String(chunk);
    return true;
  };
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      output.logs.push(args);
      capture(`${args.map(String).join(' ')}\n`);
    }),
    ...(['info', 'warn', 'error'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => capture(`${a.join(' ')}\n`))),
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
  ];
  const home = process.cwd();
  process.chdir(cwd);
  try {
    await import(/* @vite-ignore */ `${pathToFileURL(file).href}?run=${Date.now()}`);
    return output;
  } catch (err) {
    throw new Error(`${label} failed: ${(err as Error).stack ?? String(err)}\n--- its output ---\n${output.text}`);
  } finally {
    process.chdir(home);
    for (const spy of spies) spy.mockRestore();
  }
}

/** How a Python block runs: command-line arguments, extra environment. */
export interface PythonRun {
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Runs a Python block with Debian's python3 in `cwd`; returns its stdout. */
export function runPythonSnippet(snippet: Snippet, cwd: string, run: PythonRun = {}): string {
  return runPythonCode(snippet.code, cwd, run, where(snippet));
}

/** `runPythonSnippet` for code from elsewhere (e.g. a block with checks appended). */
export function runPythonCode(code: string, cwd: string, { args = [], env = {} }: PythonRun = {}, label = 'Python code'): string {
  const run = spawnSync(PYTHON, ['-c', code, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
  });
  if (run.status !== 0) throw new Error(`${label} failed:\n${code}\n${run.error?.message ?? run.stderr}`);
  return run.stdout;
}

/** Runs a shell block (opted in with `<!-- snippet: run -->`) with bash in `cwd`, the repository's tools on PATH. */
export function runShellSnippet(snippet: Snippet, cwd: string): string {
  const PATH = `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`;
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', snippet.code], { cwd, encoding: 'utf8', env: { ...process.env, PATH } });
  if (run.status !== 0) throw new Error(`${where(snippet)} failed (status ${run.status}):\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** Whether Python blocks run here: when python3 imports `modules`, and always in CI, where a missing module must fail. */
export function pythonAvailable(modules: readonly string[] = []): boolean {
  if (process.env.CI === 'true') return true;
  const probe = spawnSync(PYTHON, ['-c', ['import sys', ...modules.map((m) => `import ${m}`)].join('\n')], { stdio: 'ignore' });
  return probe.status === 0;
}

export function where(snippet: Snippet): string {
  return `${snippet.file}:${snippet.line} (${snippet.tag} block under '## ${snippet.section}')`;
}
