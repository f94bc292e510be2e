import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors';
import { checkPath } from '../options';

/** A file to write: its name inside the directory and its bytes. */
export interface FileToWrite {
  name: string;
  data: Uint8Array;
}

/**
 * Writes files into `dir` so that no reader ever sees a half-written one: each goes to a temporary
 * file in the same directory (same filesystem, so rename is atomic), is fsynced, then renamed over
 * its final name in the order given; finally the directory itself is fsynced so the renames survive
 * a crash. On failure the temporary files are removed and the old files stay untouched. Every step is
 * asynchronous: writing a large model never holds up the event loop.
 */
export async function writeFilesAtomically(dir: string, files: readonly FileToWrite[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps = files.map((f) => ({ final: join(dir, f.name), temp: join(dir, `.${f.name}.${tag}.tmp`), data: f.data }));
  try {
    for (const t of temps) await writeAndSync(t.temp, t.data);
    for (const t of temps) await rename(t.temp, t.final);
  } catch (err) {
    for (const t of temps) await rm(t.temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/**
 * Writes one file atomically (as `writeFilesAtomically`), for the writer `owner`: a path that is
 * not a string, or names a directory, is a `ConfigError` naming it.
 */
export async function writeFileAtomically(owner: string, path: string, data: Uint8Array): Promise<void> {
  checkPath(owner, 'path', path);
  if ((await lstat(path).catch(() => null))?.isDirectory()) throw new ConfigError(`${owner}: ${path} is a directory; give the path of the file to write`);
  await writeFilesAtomically(dirname(path), [{ name: basename(path), data }]);
}

/** Writes `data` to `path` (created or truncated) and fsyncs it. */
export async function writeAndSync(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w', 0o644);
  try {
    let written = 0;
    while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a directory makes renames durable on POSIX; some platforms (Windows) refuse it, harmlessly. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here: the renames are still atomic, only their durability is up to the OS.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
