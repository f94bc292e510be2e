import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A file to write: its name inside the directory and its bytes. */
export interface FileToWrite {
  name: string;
  data: Uint8Array;
}

/**
 * Writes files into `dir` so that no reader ever sees a half-written one: each goes to a temporary
 * file in the same directory (same filesystem, so rename is atomic), is fsynced, then renamed over
 * its final name in the order given; finally the directory itself is fsynced so the renames survive
 * a crash. On failure the temporary files are removed and the old files stay untouched.
 */
export function writeFilesAtomically(dir: string, files: readonly FileToWrite[]): void {
  mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps = files.map((f) => ({ final: join(dir, f.name), temp: join(dir, `.${f.name}.${tag}.tmp`), data: f.data }));
  try {
    for (const t of temps) writeAndSync(t.temp, t.data);
    for (const t of temps) renameSync(t.temp, t.final);
  } catch (err) {
    for (const t of temps) rmSync(t.temp, { force: true });
    throw err;
  }
  syncDirectory(dir);
}

/** Writes `data` to `path` (created or truncated) and fsyncs it. */
export function writeAndSync(path: string, data: Uint8Array): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a directory makes renames durable on POSIX; some platforms (Windows) refuse it, harmlessly. */
export function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here: the renames are still atomic, only their durability is up to the OS.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
