import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT, type Snippet } from './markdown-snippets';

/**
 * Type-checks TypeScript blocks as a user's `.mts` files would be checked (`strict`, ES modules,
 * top-level `await`), with `@rnn/core` resolved to the sources. Returns one line per error,
 * `README.md:42: …`, with the line counted in the Markdown file.
 */
export function typecheckSnippets(snippets: readonly Snippet[], dir: string): string[] {
  const files = new Map<string, Snippet>();
  snippets.forEach((snippet, i) => {
    const file = join(dir, `block-${i}.mts`);
    writeFileSync(file, snippet.code);
    files.set(file, snippet);
  });
  const src = (pkg: string): string[] => [join(REPO_ROOT, 'packages', pkg, 'src', 'index.ts')];
  const program = ts.createProgram([...files.keys()], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
    // The blocks are written outside the repository: other packages resolve from its node_modules.
    paths: {
      '@rnn/core': src('core'),
      '@rnn/backend-api': src('backend-api'),
      '@rnn/fallback': src('fallback'),
      '*': [join(REPO_ROOT, 'node_modules', '*')],
    },
  });
  const errors: string[] = [];
  for (const [file, snippet] of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      errors.push(`${snippet.file}:${snippet.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return errors;
}
