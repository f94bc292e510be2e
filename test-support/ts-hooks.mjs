// Module hooks that let a plain `node` child process run this repository's TypeScript sources, as
// vitest does for the tests themselves: `.ts` files are transpiled (types dropped, no checking),
// extension-less relative imports find their `.ts` file or folder `index.ts`, and `@rnn/*` resolve
// to each package's `src/index.ts` (the aliases of vitest.shared.ts). Registered by ts-register.mjs.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Transpiled files are kept here (when set), so a test that starts many children transpiles once.
const cacheDir = process.env.RNN_TS_CHILD_CACHE;

const root = new URL('../', import.meta.url);
const aliases = {
  '@rnn/backend-api': new URL('packages/backend-api/src/index.ts', root).href,
  '@rnn/fallback': new URL('packages/fallback/src/index.ts', root).href,
  '@rnn/core': new URL('packages/core/src/index.ts', root).href,
};

export async function resolve(specifier, context, nextResolve) {
  if (Object.hasOwn(aliases, specifier)) return { url: aliases[specifier], shortCircuit: true };
  const fromTs = context.parentURL?.endsWith('.ts');
  const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
  if (fromTs && relative && !/\.[cm]?[jt]s$/.test(specifier)) {
    for (const suffix of ['.ts', '/index.ts']) {
      try {
        return await nextResolve(specifier + suffix, context);
      } catch {
        // try the next form
      }
    }
  }
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    // The sources compile to CommonJS, where `pkg/sub` finds `pkg/sub.js` without an exports map.
    if (!fromTs || relative) throw err;
    return { url: pathToFileURL(createRequire(context.parentURL).resolve(specifier)).href, shortCircuit: true };
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  // The sources compile to CommonJS, where `__filename` and `__dirname` exist (e.g. to find a worker
  // module beside a file); defined on the first line, so line numbers stay those of the source.
  const paths = `const __filename = ${JSON.stringify(fileURLToPath(url))}, __dirname = ${JSON.stringify(fileURLToPath(new URL('.', url)).replace(/\/$/, ''))};`;
  return { format: 'module', source: paths + (await transpiled(url, source)), shortCircuit: true };
}

async function transpiled(url, source) {
  const cached = cacheDir && join(cacheDir, `${createHash('sha256').update(url).update(source).digest('hex')}.js`);
  if (cached) {
    try {
      return await readFile(cached, 'utf8');
    } catch {
      // not cached yet
    }
  }
  const { default: ts } = await import('typescript');
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  if (cached) {
    // Written aside and renamed, so a child starting meanwhile never reads half a file.
    const temporary = `${cached}.${process.pid}.tmp`;
    await mkdir(cacheDir, { recursive: true });
    await writeFile(temporary, outputText);
    await rename(temporary, cached);
  }
  return outputText;
}

