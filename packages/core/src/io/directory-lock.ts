import { randomBytes } from 'node:crypto';
import { link, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { RnnError } from '../errors';
import { readRegularFile } from './safe-read';

/** The lock file a save holds in the model directory. */
export const LOCK_FILE = '.rnn-save.lock';
/** A stale lock being taken over is renamed to `<LOCK_FILE>.stale-<tag>` first (see `takeOverIfStale`). */
export const STALE_LOCK_PREFIX = `${LOCK_FILE}.stale-`;

/** How long a save waits for another one into the same directory before giving up. */
const WAIT_LIMIT_MS = 120_000;
let waitLimitMs = WAIT_LIMIT_MS;

/** For tests only: how long a save waits for the lock (`null`: the default, two minutes). */
export function setLockWaitLimit(ms: number | null): void {
  waitLimitMs = ms ?? WAIT_LIMIT_MS;
}
/** Pause between two tries to take the lock. */
const POLL_MS = 15;
/** A lock file without a readable holder (its writer died between creating and filling it) is stale after this. */
const UNREADABLE_STALE_MS = 5_000;
/** How often a holder refreshes its lock file's modification time while its save runs. */
const HEARTBEAT_MS = 1_000;
/**
 * A lock of a running process that has not been refreshed for this long is abandoned: a worker
 * thread terminated mid-save leaves its lock behind, and its process's pid still runs.
 */
const ABANDONED_MS = 15_000;

/** Who holds a lock: the lock file's content (`thread` and `save` tell two holders in one process apart). */
interface LockOwner {
  pid: number;
  host: string;
  thread: number;
  save: string;
}

/**
 * Runs `task` while holding the save lock of `dir`: one save at a time per directory, across the
 * processes of this host and within one process. The lock is a file created exclusively (`wx`) that
 * names its holder (host, pid, thread, save), and whose modification time the holder refreshes every
 * second. A lock whose holder is gone is taken over: a process killed mid-save (same host, pid no
 * longer running), or a holder that stopped refreshing it for 15 s (a worker thread terminated
 * mid-save, whose pid still runs); one held by a live save is waited for, up to two minutes. `task`
 * gets `stillHeld`, to call before each commit. Readers never take the lock (see `loadModel`).
 */
export async function withDirectoryLock<T>(dir: string, task: (stillHeld: () => Promise<void>) => Promise<T>): Promise<T> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), thread: threadId, save: randomBytes(8).toString('hex') };
  const mine = JSON.stringify(me);
  await acquire(path, mine, dir);
  // The heartbeat: what tells a live holder from one that vanished with its thread (see ABANDONED_MS).
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // Before each commit: a holder whose event loop stood still past ABANDONED_MS may have lost the lock.
  const stillHeld = async (): Promise<void> => {
    if ((await readLockFile(path).catch(() => null)) !== mine) {
      throw new RnnError(`cannot save into ${dir}: another save took over its lock ${path} after this one stopped refreshing it for ${ABANDONED_MS / 1000} s (its event loop was blocked); save again`);
    }
  };
  try {
    return await task(stillHeld);
  } finally {
    clearInterval(heartbeat);
    // Removed only while it is still ours (it always is, unless it was judged abandoned).
    if ((await readLockFile(path).catch(() => null)) === mine) await rm(path, { force: true });
  }
}

async function acquire(path: string, mine: string, dir: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(path, mine, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new RnnError(`cannot save into ${dir}: cannot create the lock file ${path}: ${(err as Error).message}`);
      }
    }
    if (await takeOverIfStale(path)) continue;
    if (Date.now() - started > waitLimitMs) throw new RnnError(await heldTooLong(path, dir));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Why a save gave up waiting, and what to do: the holder is alive as far as this process can tell
 * (its pid runs again, reused after the save was killed; or it is on another machine sharing the
 * directory), so only someone who knows no save is running there can delete the lock.
 */
async function heldTooLong(path: string, dir: string): Promise<string> {
  const owner = await readOwner(path);
  const holder =
    owner === null
      ? 'a process that left it unreadable'
      : `process ${owner.pid} on ${owner.host === hostname() ? 'this machine' : `another machine (${owner.host})`}`;
  return (
    `cannot save into ${dir}: its save lock ${path} has been held for over ${Math.round(waitLimitMs / 1000)} s by ${holder}. ` +
    `If no save into this directory is running any more (a save killed midway leaves its lock behind), delete ${path} and save again`
  );
}

/** A lock file's text; what is not a small regular file (a FIFO would block a plain read forever) throws. */
async function readLockFile(path: string): Promise<string> {
  return (await readRegularFile(path, { what: 'save lock', maxBytes: 4096 })).toString('utf8');
}

/** The holder a lock file names, or null when it cannot be read. */
async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readLockFile(path)) as LockOwner;
    return Number.isInteger(owner?.pid) && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/**
 * Removes the lock at `path` if its holder is gone; true if it did. The lock is first renamed to a
 * name of our own, so of two processes taking over the same stale lock only one gets it; if what we
 * renamed turns out to be a live lock after all (taken by someone in between), it is put back.
 */
async function takeOverIfStale(path: string): Promise<boolean> {
  if (!(await isStale(path))) return false;
  const aside = join(dirname(path), `${STALE_LOCK_PREFIX}${randomBytes(6).toString('hex')}`);
  try {
    await rename(path, aside);
  } catch {
    return true; // someone else moved it first: try again
  }
  if (!(await isStale(aside))) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
  return true;
}

/**
 * Whether the lock file at `path` is stale: its holder is on this host and no longer runs, or it has
 * had no readable holder for a while. A lock from another host is never judged stale.
 */
async function isStale(path: string): Promise<boolean> {
  let owner: LockOwner | null = null;
  try {
    owner = JSON.parse(await readLockFile(path)) as LockOwner;
  } catch {
    // Gone (not stale: simply try again), or not filled yet (stale only if it stays so).
    const since = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
    return since > UNREADABLE_STALE_MS;
  }
  if (!Number.isInteger(owner?.pid) || owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // The process runs; its save does as long as it refreshes the lock.
  const idle = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
  return idle > ABANDONED_MS;
}
