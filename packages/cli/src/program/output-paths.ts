import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error';

/**
 * Checks of the paths a command will write, made before the work (a training run) rather than
 * found out after it: each problem is a {@link UsageError} naming the path and the flag that gave it.
 */

/** `path` can become a file: it is not a directory, and no file stands where a folder above it goes. */
export function checkOutputFile(path: string, what: string, example: string): void {
  if (kindOf(path) === 'directory') throw new UsageError(`${what} '${path}' is a directory; give a file name, e.g. ${join(path, example)}`);
  checkFolders(path, what);
}

/** `path` can become a directory: it is not a file, and no file stands where a folder above it goes. */
export function checkOutputDirectory(path: string, what: string): void {
  const kind = kindOf(path);
  if (kind !== null && kind !== 'directory') throw new UsageError(`${what} '${path}' is a file, but it names a directory to create or write into`);
  checkFolders(path, what);
}

/** The nearest existing path above `path` must be a directory, or nothing can be created there. */
function checkFolders(path: string, what: string): void {
  for (let above = dirname(resolve(path)); ; above = dirname(above)) {
    const kind = kindOf(above);
    if (kind === 'directory') return;
    if (kind !== null) throw new UsageError(`${what} '${path}' cannot be created: '${above}' is a file, not a directory`);
    if (dirname(above) === above) return;
  }
}

/** What is at `path`: `null` when nothing is (or it cannot be seen: the write will say why). */
function kindOf(path: string): 'directory' | 'other' | null {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return null;
  }
}
