import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The code blocks of the repository's Markdown files (READMEs, docs/), as the README-snippet test
 * runs them. The rules (also in docs/readme-snippets.md):
 *
 * - `ts`/`typescript`/`mts`/`js`/`mjs` and `python`/`py` blocks run; blocks of one `##` section run
 *   in order, in one fresh folder, so a block may use what an earlier one wrote. Other languages
 *   (`sh`, `json`, untagged) are shown, not run, unless opted in.
 * - An HTML comment on the line right above a block changes that block:
 *   `<!-- snippet: skip <why> -->` (not run; the reason is required),
 *   `<!-- snippet: tested-by <path> -->` (a dedicated test runs it and checks what it claims),
 *   `<!-- snippet: run -->` (run a `sh`/`bash` block too).
 * - `<!-- snippets: tested-by <path> -->` anywhere in a section applies to all its blocks.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type SnippetLanguage = 'ts' | 'python' | 'sh';

export type SnippetMode = { kind: 'run' } | { kind: 'shown' } | { kind: 'skip'; reason: string } | { kind: 'tested-by'; path: string };

export interface Snippet {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The `## ` heading the block is under ('' before the first one). */
  section: string;
  /** The fence's language tag as written. */
  tag: string;
  /** What runs it, or null for a language that is never run. */
  language: SnippetLanguage | null;
  code: string;
  mode: SnippetMode;
}

const LANGUAGES: Record<string, SnippetLanguage> = {
  ts: 'ts', typescript: 'ts', mts: 'ts', js: 'ts', javascript: 'ts', mjs: 'ts', python: 'python', py: 'python', sh: 'sh', bash: 'sh',
};
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'prebuilds', 'out', 'results', 'fixtures', 'coverage']);
const DIRECTIVE = /^<!--\s*(snippets?):\s*([\w-]+)\s*(.*?)\s*-->$/;

/** Every Markdown file of the repository (outside dependencies and build output), repository-relative. */
export function markdownFiles(root = REPO_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.') || SKIPPED_FOLDERS.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}

/** The code blocks of one Markdown file with how each is treated; a malformed directive throws. */
export function snippetsOf(file: string, root = REPO_ROOT): Snippet[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  let section = '';
  const sectionModes = new Map<string, SnippetMode>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const directive = DIRECTIVE.exec(line.trim());
    if (directive?.[1] === 'snippets') sectionModes.set(section, parseMode(directive, file, i + 1, root));
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block that is never closed`);
    const above = DIRECTIVE.exec((lines[i - 1] ?? '').trim());
    const blockMode = above?.[1] === 'snippet' ? parseMode(above, file, i, root) : null;
    const language = LANGUAGES[fence[1].toLowerCase()] ?? null;
    const defaultMode: SnippetMode = language === 'ts' || language === 'python' ? { kind: 'run' } : { kind: 'shown' };
    const mode = blockMode ?? sectionModes.get(section) ?? defaultMode;
    if (mode.kind === 'run' && language === null) throw new Error(`${file}:${i + 1}: cannot run a '${fence[1] || 'untagged'}' block`);
    snippets.push({ file, line: i + 1, section, tag: fence[1], language, code: lines.slice(i + 1, end).join('\n') + '\n', mode });
    i = end;
  }
  return snippets;
}

function parseMode(directive: RegExpExecArray, file: string, line: number, root: string): SnippetMode {
  const [, , kind, argument] = directive;
  const where = `${file}:${line}`;
  if (kind === 'run' && argument === '') return { kind: 'run' };
  if (kind === 'skip' && argument !== '') return { kind: 'skip', reason: argument };
  if (kind === 'tested-by' && argument !== '') {
    if (!existsSync(join(root, argument))) throw new Error(`${where}: tested-by names ${argument}, which does not exist`);
    return { kind: 'tested-by', path: argument };
  }
  throw new Error(`${where}: unknown snippet directive '${directive[0]}'; use run, skip <why> or tested-by <path>`);
}

/** The blocks of `section` in `file` (e.g. 'A first model'), in order. */
export function sectionSnippets(file: string, section: string): Snippet[] {
  const blocks = snippetsOf(file).filter((s) => s.section === section);
  if (blocks.length === 0) throw new Error(`${file} has no code blocks under '## ${section}'`);
  return blocks;
}
