import { describe, expect, it } from 'vitest';
import { markdownFiles, snippetsOf, type Snippet } from '../../../../test-support/markdown-snippets';
import { pythonAvailable, runPythonSnippet, runShellSnippet, runTsSnippet } from '../../../../test-support/run-snippet';
import { tempDir } from '../../../../test-support/temp-dirs';
import { typecheckSnippets } from '../../../../test-support/typecheck-snippets';

/**
 * The docs hold when a user re-runs them: every code block of every Markdown file in the repository
 * runs from the Markdown text (rules in docs/readme-snippets.md), and every TypeScript block
 * type-checks. A new README section is covered without touching this file.
 */
const snippets = markdownFiles().flatMap((file) => snippetsOf(file));
const runnable = snippets.filter((s) => s.mode.kind === 'run');

/** Runnable blocks grouped by file and `##` section, each group in file order. */
const sections = new Map<string, Snippet[]>();
for (const s of runnable) sections.set(`${s.file} › ${s.section || '(top)'}`, [...(sections.get(`${s.file} › ${s.section || '(top)'}`) ?? []), s]);

/** Top-level modules a Python block imports (`import torch`, `from torch import nn`). */
const pythonImports = (code: string): string[] => [...code.matchAll(/^(?:import|from)\s+([\w]+)/gm)].map((m) => m[1]);

describe('Markdown code blocks', () => {
  it('are found, with the README first example among them', () => {
    expect(snippets.some((s) => s.file === 'README.md' && s.section === 'A first model' && s.language === 'ts')).toBe(true);
  });

  it('type-check as TypeScript (strict, ES modules), unless skipped', () => {
    const ts = snippets.filter((s) => s.language === 'ts' && s.mode.kind !== 'skip' && s.mode.kind !== 'shown');
    expect(typecheckSnippets(ts, tempDir('rnn-snippets-tsc-'))).toEqual([]);
  }, 180_000);

  for (const [name, blocks] of sections) {
    const python = blocks.filter((b) => b.language === 'python').flatMap((b) => pythonImports(b.code));
    it.runIf(python.length === 0 || pythonAvailable(python))(`${name}: runs in order in one folder`, async () => {
      const dir = tempDir('rnn-snippets-');
      for (const block of blocks) {
        if (block.language === 'ts') await runTsSnippet(block, dir);
        else if (block.language === 'python') runPythonSnippet(block, dir);
        else runShellSnippet(block, dir);
      }
    }, 300_000);
  }
});
