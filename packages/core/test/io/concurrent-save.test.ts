import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAttachment } from '../../src/io/attachments';
import { loadModel } from '../../src/io/load';
import { SAVE_STEPS } from '../../src/io/model-directory';
import { saveModel } from '../../src/io/save';
import { childResult, runTs, spawnTs } from '../../../../test-support/ts-child';
import { tempDir } from './helpers';
import { savedModel } from './children/models';

const child = (name: string): string => join(__dirname, 'children', name);

/** The version attachment of the model in `dir` ('A', 'B', …). */
async function versionIn(dir: string): Promise<string> {
  return getAttachment(await loadModel(dir), 'version') as string;
}

/** A directory holding a save of version A. */
async function savedA(): Promise<string> {
  const dir = tempDir();
  await saveModel(savedModel('A'), dir);
  return dir;
}

describe('saves are atomic across model.json and weights.bin', () => {
  it('a process killed after any step of a save leaves the old or the new model, and the next save cleans up', { timeout: 600_000 }, async () => {
    const seen: string[] = [];
    for (let k = 0; k < SAVE_STEPS.length; k++) {
      const dir = await savedA();
      const result = await runTs(child('save-then-die.ts'), [dir, String(k)]);
      expect(result.signal, `${SAVE_STEPS[k]}: ${result.stderr}`).toBe('SIGKILL');
      const version = await versionIn(dir);
      // Up to model.json naming the staged weights the old model stands; from then on the new one.
      expect(version, SAVE_STEPS[k]).toBe(k < SAVE_STEPS.indexOf('model.json names the staged weights') ? 'A' : 'B');
      seen.push(version);
      await saveModel(savedModel('C'), dir); // takes over the dead process's lock, removes what it left
      expect(await versionIn(dir)).toBe('C');
      expect(readdirSync(dir).sort(), SAVE_STEPS[k]).toEqual(['model.json', 'weights.bin']);
    }
    expect(new Set(seen)).toEqual(new Set(['A', 'B']));
  });

  it('a reader loading while another process saves again and again always gets a whole model', { timeout: 600_000 }, async () => {
    const dir = await savedA();
    const writer = spawnTs(child('save-loop.ts'), [dir, '150']);
    const done = childResult(writer);
    await new Promise<void>((resolve) => writer.stdout!.once('data', () => resolve()));
    let finished = false;
    void done.then(() => (finished = true));
    const versions: Record<string, number> = {};
    while (!finished) {
      const version = await versionIn(dir); // throws (and fails the test) on a FormatError
      versions[version] = (versions[version] ?? 0) + 1;
    }
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(versions).every((v) => v === 'A' || v === 'B')).toBe(true);
    expect((versions.A ?? 0) + (versions.B ?? 0)).toBeGreaterThan(10);
  });

  it('saves overlapping in one process run one after the other; the last one started wins', async () => {
    const dir = await savedA();
    await Promise.all(['B', 'C', 'D', 'E'].map((v) => saveModel(savedModel(v), dir)));
    expect(['B', 'C', 'D', 'E']).toContain(await versionIn(dir));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('a save removes what crashed saves left: staged weights, temporary files, a dead process\'s lock', async () => {
    const dir = await savedA();
    const leftovers = ['.model.json.123-abcd.tmp', '.weights.bin.99-ef01.tmp', 'weights-0123456789abcdef.bin', '.rnn-save.lock.stale-0a0b'];
    for (const name of leftovers) writeFileSync(join(dir, name), 'x');
    writeFileSync(join(dir, '.rnn-save.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    writeFileSync(join(dir, 'notes.txt'), 'kept: not ours');
    await saveModel(savedModel('B'), dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'notes.txt', 'weights.bin']);
    expect(await versionIn(dir)).toBe('B');
  });
});
