import { REPO_ROOT, sectionSnippets } from '../../../test-support/markdown-snippets';
import { PYTHON, runPythonCode, runTsCode } from '../../../test-support/run-snippet';

/**
 * The README guides' blocks for their dedicated tests (marked `<!-- snippets: tested-by … -->` in
 * the README), through the one README-snippet runner in test-support (docs/readme-snippets.md).
 */
export const README = `${REPO_ROOT}README.md`;
export { PYTHON };

/** One fenced code block: its language tag and its code. */
export interface CodeBlock {
  lang: string;
  code: string;
}

/** The fenced code blocks of the README section titled `title` (`## title`), in order. */
export function readmeBlocks(title: string): CodeBlock[] {
  return sectionSnippets('README.md', title).map((s) => ({ lang: s.tag, code: s.code }));
}

/** Runs a Python block in `cwd` (extra environment in `env`); returns its stdout, throws with its stderr. */
export function runPythonBlock(code: string, cwd: string, args: string[] = [], env: Record<string, string> = {}): string {
  return runPythonCode(code, cwd, { args, env }, 'README Python block');
}

/** Runs a TypeScript block as a module in `cwd`; returns what it printed with console.log. */
export async function runTsBlock(code: string, cwd: string, name: string): Promise<unknown[][]> {
  return (await runTsCode(code, cwd, name, `README block ${name}`)).logs;
}
