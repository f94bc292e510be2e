import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rnn/core';
import { loadSeries } from '../src';
import { publicOptionsParameters } from '../../../test-support/public-options';
import { tempDir, writeCsv } from './helpers';

/**
 * The options objects of @rnn/cli's programmatic API go through @rnn/core's one option checker: the
 * same ConfigError, the same "did you mean" and the same wording as every options object of core.
 */
const dir = tempDir();
const file = writeCsv(dir, 'series.csv', ['date', 'close'], [['2020-01-01', 1], ['2020-01-02', 2], ['2020-01-03', 3]]);

const CASES: Record<string, (extra: Record<string, unknown>) => unknown> = {
  loadSeries: (e) => loadSeries({ file, target: 'close', ...e } as never),
};

describe('@rnn/cli options', () => {
  it('has a case for every public callable that takes an options object', () => {
    const labels = publicOptionsParameters('cli').map((c) => c.label);
    expect(labels).toContain('loadSeries');
    expect(labels.filter((label) => !(label in CASES))).toEqual([]);
  });

  it.each(Object.entries(CASES))('%s rejects unknown keys through core\'s checker, with a "did you mean"', (_, run) => {
    expect(run({})).toBeDefined();
    expect(() => run({ notAnOption: 1 })).toThrow(ConfigError);
    expect(() => run({ notAnOption: 1 })).toThrow(/: unknown option 'notAnOption'; allowed options are /);
    expect(() => run({ date_column: 'date' })).toThrow(/unknown option 'date_column' \(did you mean 'dateColumn'\?\)/);
    expect(() => run({ featres: ['close'] })).toThrow(/unknown option 'featres' \(did you mean 'features'\?\)/);
  });
});
