import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownFiles, REPO_ROOT } from '../../../../test-support/markdown-snippets';
import { nativeUnavailableError } from '../../src/backend/load-native';

const require = createRequire(import.meta.url);
const { INSTALL_FIX, LOAD_FIXES } = require('@rnn/native/lib/install-fix') as {
  INSTALL_FIX: Record<'runtime' | 'buildTools' | 'rebuild' | 'compile', string>;
  LOAD_FIXES: readonly string[];
};

/**
 * The install fix is written once, in @rnn/native's lib/install-fix.js: core's error carries the
 * loader's words, and every `apt-get install` the docs show is one of its commands.
 */
describe('the install fix', () => {
  it("is the loader's, word for word, in core's NativeUnavailableError", () => {
    const loaderError = Object.assign(new Error('no binary'), { code: 'RNN_NATIVE_UNAVAILABLE', causes: ['x: not found'], fixes: [...LOAD_FIXES] });
    const message = nativeUnavailableError(loaderError).message;
    for (const fix of LOAD_FIXES) expect(message).toContain(fix);
    expect(LOAD_FIXES.join(' ')).toContain(INSTALL_FIX.runtime);
    expect(LOAD_FIXES.join(' ')).toContain(INSTALL_FIX.rebuild);
  });

  it('is what the docs tell users to run', () => {
    const commands = markdownFiles().flatMap((file) =>
      [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/apt-get install [\w .+-]*?(?=`|\s{2}|\s#|\)|;|$)/gm)].map((m) => ({
        file,
        command: m[0].trim(),
      })),
    );
    expect(commands.map((c) => c.file)).toContain('README.md');
    const known = [INSTALL_FIX.runtime, INSTALL_FIX.buildTools];
    expect(commands.filter((c) => !known.includes(c.command))).toEqual([]);
  });
});
