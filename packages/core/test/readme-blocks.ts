import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

/**
 * Running README code from the README text: the fenced blocks of one `## ` section, Python blocks
 * with Debian's python3, TypeScript blocks as modules (vitest resolves `@rnn/core` to the sources).
 * Each guide's test runs its section's blocks in order in one folder and checks what they claim.
 */
export const README = join(__dirname, '..', '..', '..', 'README.md');
export const PYTHON = '/usr/bin/python3';

/** One fenced code block: its language tag and its code. */
export interface CodeBlock {
  lang: string;
  code: string;
}

/** The fenced code blocks of the README section titled `title` (`## title`), in order. */
export function readmeBlocks(title: string): CodeBlock[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section '## ${title}'`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
}

/** Runs a Python block in `cwd` (extra environment in `env`); returns its stdout, throws with its stderr. */
export function runPythonBlock(code: string, cwd: string, args: string[] = [], env: Record<string, string> = {}): string {
  const run = spawnSync(PYTHON, ['-c', code, ...args], { cwd, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`README Python block failed:\n${code}\n${run.error?.message ?? run.stderr}`);
  return run.stdout;
}

/** Runs a TypeScript block as a module in `cwd`; returns what it printed with console.log. */
export async function runTsBlock(code: string, cwd: string, name: string): Promise<unknown[][]> {
  const file = join(cwd, `${name}.ts`);
  writeFileSync(file, code);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const home = process.cwd();
  process.chdir(cwd);
  try {
    await import(pathToFileURL(file).href);
    return log.mock.calls;
  } finally {
    process.chdir(home);
    log.mockRestore();
  }
}
