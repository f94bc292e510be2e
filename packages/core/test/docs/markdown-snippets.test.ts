import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownFiles, snippetsOf } from '../../../../test-support/markdown-snippets';
import { runShellSnippet, runTsSnippet } from '../../../../test-support/run-snippet';
import { tempDir } from '../../../../test-support/temp-dirs';

/** The rules of the README-snippet runner, on a Markdown file made here. */
const fence = '```';
const doc = [
  '# Title',
  `${fence}ts`,
  "console.log('top');",
  fence,
  '## Guide',
  '<!-- snippets: tested-by checks.test.ts -->',
  `${fence}python`,
  'print(1)',
  fence,
  '## Other',
  '<!-- snippet: skip a fragment -->',
  `${fence}ts`,
  'model.fit(',
  fence,
  `${fence}sh`,
  'npm ci',
  fence,
  '<!-- snippet: run -->',
  `${fence}sh`,
  'echo hi > out.txt',
  fence,
  `${fence}json`,
  '{}',
  fence,
].join('\n');

function repo(markdown: string): string {
  const root = tempDir('rnn-md-');
  mkdirSync(join(root, 'docs'));
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, 'docs', 'guide.md'), markdown);
  writeFileSync(join(root, 'node_modules', 'ignored.md'), markdown);
  writeFileSync(join(root, 'checks.test.ts'), '');
  return root;
}

describe('the README-snippet runner', () => {
  it('finds Markdown files outside dependencies, and reads each block with its section and mode', () => {
    const root = repo(doc);
    expect(markdownFiles(root)).toEqual(['docs/guide.md']);
    const found = snippetsOf('docs/guide.md', root).map((s) => [s.line, s.section, s.tag, s.mode.kind]);
    expect(found).toEqual([
      [2, '', 'ts', 'run'],
      [7, 'Guide', 'python', 'tested-by'],
      [12, 'Other', 'ts', 'skip'],
      [15, 'Other', 'sh', 'shown'],
      [19, 'Other', 'sh', 'run'],
      [22, 'Other', 'json', 'shown'],
    ]);
  });

  it('refuses an unknown directive, a skip without a reason, a tested-by naming no file, an open block', () => {
    const bad = (text: string): (() => unknown) => () => snippetsOf('docs/guide.md', repo(text));
    expect(bad(`<!-- snippet: skipp -->\n${fence}ts\n1\n${fence}`)).toThrow(/unknown snippet directive/);
    expect(bad(`<!-- snippet: skip -->\n${fence}ts\n1\n${fence}`)).toThrow(/unknown snippet directive/);
    expect(bad(`<!-- snippet: tested-by nowhere.ts -->\n${fence}ts\n1\n${fence}`)).toThrow(/nowhere\.ts, which does not exist/);
    expect(bad(`${fence}ts\n1\n`)).toThrow(/never closed/);
    expect(bad(`<!-- snippet: run -->\n${fence}\n1\n${fence}`)).toThrow(/cannot run a 'untagged' block/);
  });

  it('runs a TypeScript block in its folder, capturing what it prints, and reports a failing one with its place', async () => {
    const root = repo(doc);
    const [top] = snippetsOf('docs/guide.md', root);
    const dir = tempDir('rnn-md-run-');
    expect((await runTsSnippet(top, dir)).logs).toEqual([['top']]);
    const failing = { ...top, code: "console.log('before');\nthrow new Error('boom');\n" };
    await expect(runTsSnippet(failing, dir, 'failing')).rejects.toThrow(/docs\/guide\.md:2 .*boom[\s\S]*--- its output ---\nbefore/);
  });

  it('runs an opted-in shell block with bash in its folder', () => {
    const root = repo(doc);
    const shell = snippetsOf('docs/guide.md', root).find((s) => s.tag === 'sh' && s.mode.kind === 'run')!;
    const dir = tempDir('rnn-md-sh-');
    runShellSnippet(shell, dir);
    expect(runShellSnippet({ ...shell, code: 'cat out.txt' }, dir)).toBe('hi\n');
    expect(() => runShellSnippet({ ...shell, code: 'exit 3' }, dir)).toThrow(/failed \(status 3\)/);
  });
});
