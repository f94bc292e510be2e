import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs';

/**
 * Shared vitest setup (every package's `setupFiles`): each test file gets a private temporary
 * directory — TMPDIR, TMP and TEMP point into it, so `os.tmpdir()` in the tests and in the child
 * processes they start lands there — and after the file it must be empty once the `tempDir()`
 * directories are removed. Anything left fails the file, naming what was left, and is removed anyway,
 * so `npm test` never litters the machine's temporary directory.
 */
const variables = ['TMPDIR', 'TMP', 'TEMP'] as const;
const previous = variables.map((name) => process.env[name]);
const root = mkdtempSync(join(tmpdir(), 'rnn-test-run-'));
for (const name of variables) process.env[name] = root;

afterAll(() => {
  removeTempDirs();
  variables.forEach((name, i) => {
    if (previous[i] === undefined) delete process.env[name];
    else process.env[name] = previous[i];
  });
  const left = readdirSync(root);
  rmSync(root, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `this test file left ${left.join(', ')} in the temporary directory; make temporary files with tempDir() from test-support/temp-dirs, which removes them`,
    );
  }
});
