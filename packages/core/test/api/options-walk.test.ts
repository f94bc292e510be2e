import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { OPTIONS_CASES } from './options-cases';
import { publicOptionsParameters, type OptionsParameter } from '../../../../test-support/public-options';

/**
 * Every options object of the public API rejects unknown keys through the one option checker: the
 * callables are found in the TypeScript sources (so a new export with an options parameter is seen
 * at once), each must have a case in `OPTIONS_CASES`, and each case must reject an unknown key, and
 * a Keras-style snake_case or misspelt key with a "did you mean" naming the real option.
 */

/** Runs a case and returns its error (sync throw or rejected promise), or null when it succeeded. */
async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return null;
  } catch (err) {
    return err;
  }
}

/** The allowed keys a checker error lists (`…; allowed options are a, b, c`). */
function allowedKeys(message: string): string[] {
  const match = /allowed options are (.*)$/.exec(message);
  return match ? match[1].split(', ') : [];
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

let callables: OptionsParameter[] = [];
beforeAll(() => {
  callables = publicOptionsParameters('core');
}, 120_000);

describe('the options walk', () => {
  it('finds the public options objects in the sources', () => {
    const labels = callables.map((c) => c.label);
    for (const known of ['new LSTM', 'Sequential.fit', 'Sequential.compile', 'new Adam', 'readCsv', 'RecurrentLayer.apply']) {
      expect(labels).toContain(known);
    }
  });

  it('has a case for every public callable that takes an options object, and no stale case', () => {
    const labels = new Set(callables.map((c) => c.label));
    const missing = callables.filter((c) => !(c.label in OPTIONS_CASES)).map((c) => `${c.label} (${c.parameter}: ${c.type})`);
    expect(missing, 'add a case to test/api/options-cases.ts').toEqual([]);
    expect(Object.keys(OPTIONS_CASES).filter((label) => !labels.has(label))).toEqual([]);
  });
});

describe.each(Object.entries(OPTIONS_CASES))('%s', (label, run) => {
  it('accepts its valid options', async () => {
    expect(await errorOf(() => run({}))).toBeNull();
  });

  it('rejects an unknown key with a ConfigError naming it and the allowed keys', async () => {
    const err = await errorOf(() => run({ notAnOption: 1 }));
    expect(err, label).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/: unknown option 'notAnOption'; (allowed options are |it takes no options)/);
  });

  it("suggests the real name for a snake_case or misspelt key", async () => {
    const err = (await errorOf(() => run({ notAnOption: 1 }))) as Error;
    for (const key of allowedKeys(err.message)) {
      const variants = [snakeCase(key), key.length >= 6 ? key.slice(0, -2) + key.slice(-1) : null].filter((v) => v && v !== key);
      for (const variant of variants) {
        const suggestion = (await errorOf(() => run({ [variant as string]: undefined }))) as Error;
        expect(suggestion?.message, `${label}: ${variant}`).toContain(`unknown option '${variant}' (did you mean '${key}'?)`);
      }
    }
  });
});
