import { defineConfig } from 'vitest/config';
import { sharedSetupFiles, sourceAliases } from '../../vitest.shared.mts';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    setupFiles: sharedSetupFiles,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
  },
});
