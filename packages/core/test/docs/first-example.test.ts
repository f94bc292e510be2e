import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sectionSnippets } from '../../../../test-support/markdown-snippets';
import { runTsSnippet } from '../../../../test-support/run-snippet';
import { tempDir } from '../../../../test-support/temp-dirs';

/**
 * The README's first example, run from the README text as a user runs it, twice: it trains, prints
 * a small validation loss and the backend, saves and reloads with identical predictions, and "same
 * seed, same trained weights" holds: both runs print the same loss. (The packed-install smoke test
 * runs it once more with `npx tsx first.mts` and type-checks it with TypeScript 5 and 7.)
 */
describe('README: A first model', () => {
  const [block, ...rest] = sectionSnippets('README.md', 'A first model');

  it('is one TypeScript block, with how to run it', () => {
    expect(block.language).toBe('ts');
    expect(rest).toEqual([]);
  });

  it('trains, saves, reloads identically, and trains the same weights every run', async () => {
    const runs = [];
    for (const name of ['first-a', 'first-b']) {
      const dir = tempDir('rnn-first-example-');
      const { logs } = await runTsSnippet(block, dir, name);
      expect(existsSync(join(dir, 'sine-model', 'model.json'))).toBe(true);
      runs.push(logs);
    }
    for (const logs of runs) {
      const [valLoss, backend] = logs.at(-2) as [number, string];
      expect(valLoss).toBeLessThan(0.01);
      expect(['native', 'fallback']).toContain(backend);
      expect(logs.at(-1)).toEqual([true]);
    }
    expect(runs[1].at(-2)).toEqual(runs[0].at(-2));
  }, 300_000);
});
