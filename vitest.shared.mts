import { fileURLToPath } from 'node:url';

/**
 * Tests run against each package's TypeScript source, not its build output, so a change is
 * tested without a build step. Built output is exercised by the packed-install smoke test.
 */
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export const sourceAliases = {
  '@rnn/backend-api': src('backend-api'),
  '@rnn/fallback': src('fallback'),
  '@rnn/core': src('core'),
};

/** Setup every package's tests share: a private, checked-empty temporary directory per test file. */
export const sharedSetupFiles = [fileURLToPath(new URL('./test-support/temp-root-setup.ts', import.meta.url))];
