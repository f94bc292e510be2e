import { DataError } from '../errors';
import { checkBufferSize } from '../buffer-limits';
import { checkChoice, checkCount, checkNumber, checkOptions, describeValue, optionKeys } from '../options';
import { Tensor } from '../tensor';

/** Options of {@link padSequences}, as in Keras. */
export interface PadSequencesOptions {
  /** Length of every output row (default: the longest sequence). */
  maxLen?: number;
  /** Where padding goes: `'pre'` (default, as Keras) or `'post'`. */
  padding?: 'pre' | 'post';
  /** Which end of a too-long sequence is cut: `'pre'` (default, keeps the end) or `'post'`. */
  truncating?: 'pre' | 'post';
  /** The padding value (default 0, the id `Embedding({ maskZero: true })` masks). */
  value?: number;
}

const PAD_SEQUENCES_OPTION_KEYS = optionKeys<PadSequencesOptions>({ maxLen: true, padding: true, truncating: true, value: true });
const SIDES = ['pre', 'post'] as const;

/** Pads (or truncates) integer sequences to one length: a `[sequences, maxLen]` Tensor. */
export function padSequences(sequences: readonly (readonly number[])[], options: PadSequencesOptions = {}): Tensor {
  checkOptions('padSequences', options, PAD_SEQUENCES_OPTION_KEYS);
  const padding = checkChoice('padSequences', 'padding', options.padding ?? 'pre', SIDES);
  const truncating = checkChoice('padSequences', 'truncating', options.truncating ?? 'pre', SIDES);
  const value = checkNumber('padSequences', 'value', options.value ?? 0);
  if (!Array.isArray(sequences)) throw new DataError(`padSequences expected an array of sequences (arrays of numbers), got ${describeValue(sequences)}`);
  if (options.maxLen === undefined && !sequences.some((s) => Array.isArray(s) && s.length > 0)) {
    throw new DataError(`padSequences: ${sequences.length === 0 ? 'no sequences were given' : 'every sequence is empty'}, so there is no length to pad to; give maxLen`);
  }
  sequences.forEach((s, i) => {
    if (!Array.isArray(s)) throw new DataError(`padSequences expected sequence ${i} to be an array of numbers, got ${typeof s}`);
    const bad = s.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new DataError(`padSequences expected numbers, sequence ${i} has ${String(s[bad])} at position ${bad}`);
  });
  const maxLen = checkCount('padSequences', 'maxLen', options.maxLen ?? sequences.reduce((m, s) => Math.max(m, s.length), 0));
  checkBufferSize('padSequences', `${sequences.length} sequences of ${maxLen} steps`, sequences.length * maxLen);
  const out = new Float32Array(sequences.length * maxLen).fill(value); // [sequences, maxLen]
  sequences.forEach((s, i) => {
    const kept = s.length <= maxLen ? s : truncating === 'pre' ? s.slice(s.length - maxLen) : s.slice(0, maxLen);
    const offset = padding === 'pre' ? maxLen - kept.length : 0;
    out.set(kept, i * maxLen + offset);
  });
  return new Tensor(out, [sequences.length, maxLen]);
}
