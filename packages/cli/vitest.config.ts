import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // End-to-end runs train small models; the fallback backend on a shared machine is slow.
    testTimeout: 180_000,
  },
});
