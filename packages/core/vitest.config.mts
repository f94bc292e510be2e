import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedSetupFiles, sourceAliases } from '../../vitest.shared.mts';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    setupFiles: sharedSetupFiles,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Native addons and worker threads do not mix well: each test file runs in a forked process.
    pool: 'forks',
    // Worker threads started by the sources (the orthogonal initialiser's) run TypeScript files too.
    execArgv: ['--import', fileURLToPath(new URL('../../test-support/ts-register.mjs', import.meta.url))],
    testTimeout: 60_000,
  },
});
