import { defineConfig } from 'vitest/config';
import { sharedSetupFiles, sourceAliases } from '../../vitest.shared.mts';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    setupFiles: sharedSetupFiles,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Smoke tests train for an epoch or two on small slices; the fallback backend on a shared machine is slow.
    testTimeout: 180_000,
  },
});
