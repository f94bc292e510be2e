import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];
let cleanupRegistered = false;

/**
 * A fresh temporary directory (`<tmp>/<prefix>XXXXXX`), removed with everything in it when the
 * test file ends. Tests make their temporary files here, never in the temporary directory itself:
 * the shared setup (`temp-root-setup.ts`) fails a test file that leaves anything behind.
 */
export function tempDir(prefix = 'rnn-test-'): string {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    afterAll(removeTempDirs);
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made so far (also called by the shared setup, last). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
