import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RnnError } from '../../src/errors';
import { setLockWaitLimit, LOCK_FILE, withDirectoryLock } from '../../src/io/directory-lock';
import { loadModel } from '../../src/io/load';
import { setSaveStepHook, type SaveStep } from '../../src/io/model-directory';
import { saveModel } from '../../src/io/save';
import { rejectionOf } from '../../../../test-support/rejection';
import { tempDir } from './helpers';
import { savedModel } from './children/models';

afterEach(() => {
  setLockWaitLimit(null);
  setSaveStepHook(null);
});

describe('a save lock that is never released', () => {
  it.each([
    ['a live process on this machine (a killed save whose pid runs again)', { pid: process.ppid, host: hostname() }, /by process \d+ on this machine\./],
    ['a process on another machine sharing the directory', { pid: 4242, host: 'elsewhere.example' }, /by process 4242 on another machine \(elsewhere\.example\)\./],
  ])('held by %s: the error says who holds it and what to do', async (_, owner, holder) => {
    const dir = tempDir();
    await saveModel(savedModel('A'), dir);
    const lock = join(dir, LOCK_FILE);
    writeFileSync(lock, JSON.stringify(owner));
    setLockWaitLimit(50);
    const err = await rejectionOf(saveModel(savedModel('B'), dir));
    expect(err).toBeInstanceOf(RnnError);
    const message = (err as Error).message;
    expect(message).toMatch(holder);
    expect(message).toContain(`If no save into this directory is running any more (a save killed midway leaves its lock behind), delete ${lock} and save again`);
    expect(existsSync(lock)).toBe(true); // a lock that may be live is never removed behind its holder's back
  });
});

describe('a save lock whose holder stopped refreshing it', () => {
  it('is taken over when it names a running process but has not been refreshed for 15 s (a worker thread terminated mid-save)', async () => {
    const dir = tempDir();
    await saveModel(savedModel('A'), dir);
    const lock = join(dir, LOCK_FILE);
    // What a terminated worker leaves: this very process, another thread, a save nobody finishes.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), thread: 99, save: '0123456789abcdef' }));
    const past = new Date(Date.now() - 20_000);
    utimesSync(lock, past, past);
    setLockWaitLimit(2_000);
    await saveModel(savedModel('B'), dir);
    expect(existsSync(lock)).toBe(false);
    expect((await loadModel(dir)).getWeights()).toEqual(savedModel('B').getWeights());
  });

  it('is refreshed every second by its holder while the save runs, so a slow save keeps it', async () => {
    const dir = tempDir();
    const lock = join(dir, LOCK_FILE);
    const mtimes: number[] = [];
    await withDirectoryLock(dir, async (stillHeld) => {
      const first = statSync(lock).mtimeMs;
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        mtimes.push(statSync(lock).mtimeMs - first);
      }
      await stillHeld();
    });
    expect(Math.max(...mtimes)).toBeGreaterThan(0);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('saving does not hold up the event loop', () => {
  it('the event loop turns while the weights and model.json are written and fsynced', async () => {
    // Each write is checked by scheduling a callback right before it and seeing it ran by the
    // next step: a synchronous write would finish before the event loop could run anything.
    const turned: Partial<Record<SaveStep, boolean>> = {};
    let ran = false;
    const afterWrite: SaveStep[] = ['weights staged', 'model.json written aside', 'model.json written aside again'];
    setSaveStepHook((step) => {
      if (afterWrite.includes(step)) turned[step] = ran;
      ran = false;
      setImmediate(() => (ran = true));
    });
    const dir = tempDir();
    await saveModel(savedModel('A'), dir);
    expect(turned).toEqual({ 'weights staged': true, 'model.json written aside': true, 'model.json written aside again': true });
    expect((await loadModel(dir)).name).toBeDefined();
  });
});
