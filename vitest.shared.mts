import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests run against each package's TypeScript source, not its build output, so a change is
 * tested without a build step. Built output is exercised by the packed-install smoke test.
 */
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export const sourceAliases = {
  '@rnn/backend-api': src('backend-api'),
  '@rnn/fallback': src('fallback'),
  '@rnn/core': src('core'),
  '@rnn/cli': src('cli'),
};

/** Setup every package's tests share: a private, checked-empty temporary directory per test file. */
export const sharedSetupFiles = [fileURLToPath(new URL('./test-support/temp-root-setup.ts', import.meta.url))];

/**
 * The vitest config of a package whose tests train small models end to end (the examples, the
 * command line): slow on the fallback backend on a shared machine, hence the long timeout.
 */
export function endToEndTestConfig() {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: { setupFiles: sharedSetupFiles, include: ['test/**/*.test.ts'], pool: 'forks', testTimeout: 180_000 },
  });
}
