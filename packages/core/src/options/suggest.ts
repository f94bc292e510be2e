import { distance } from 'fastest-levenshtein';

/**
 * "Did you mean …" for a name we do not know: an option key or a choice. Users come from Keras and
 * PyTorch, so their spellings are tried first (`return_sequences`, `hidden_size`, `lr`), then a
 * case-insensitive match, then the closest name by edit distance.
 */

/**
 * Keras / PyTorch / scikit-learn spellings whose camelCase form is not our name. Names that only
 * differ by snake_case (`return_sequences` → `returnSequences`) or case (`maxlen` → `maxLen`) need
 * no entry. Each maps to our candidates, tried in order; the first one the owner accepts wins.
 */
const FOREIGN_NAMES: Readonly<Record<string, readonly string[]>> = {
  lr: ['learningRate'],
  eps: ['epsilon'],
  betas: ['beta1', 'beta2'],
  alpha: ['rho'],
  hidden_size: ['units'],
  hiddenSize: ['units'],
  out_features: ['units'],
  input_size: ['inputShape'],
  input_dim: ['inputDim', 'inputShape'],
  in_features: ['inputShape'],
  input_length: ['inputShape'],
  bias: ['useBias'],
  nonlinearity: ['activation'],
  num_embeddings: ['inputDim'],
  embedding_dim: ['outputDim'],
  padding_idx: ['maskZero'],
  p: ['rate'],
  merge_mode: ['mergeMode'],
  test_size: ['testFraction'],
  random_state: ['seed'],
  metric: ['metrics'],
};

/** `return_sequences` / `return-sequences` → `returnSequences`. */
function camelCase(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The names among `known` that `name` was probably meant to be (empty when nothing is close):
 * a foreign spelling's counterparts, else the case-insensitive camelCase match, else the closest
 * name within a small edit distance.
 */
export function suggestNames(name: string, known: readonly string[]): string[] {
  const foreign = Object.prototype.hasOwnProperty.call(FOREIGN_NAMES, name) ? FOREIGN_NAMES[name] : [];
  const mapped = foreign.filter((candidate) => known.includes(candidate));
  if (mapped.length > 0) return name === 'betas' ? mapped : [mapped[0]];
  const folded = camelCase(name).toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === folded);
  if (sameLetters !== undefined) return [sameLetters];
  let best: string | null = null;
  let bestDistance = Math.min(3, Math.max(1, Math.floor(folded.length / 4)));
  for (const k of known) {
    const d = distance(folded, k.toLowerCase());
    if (d <= bestDistance && (best === null || d < bestDistance)) {
      best = k;
      bestDistance = d;
    }
  }
  return best === null ? [] : [best];
}

/** ` (did you mean 'returnSequences'?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const names = suggestNames(name, known);
  return names.length === 0 ? '' : ` (did you mean ${names.map((n) => `'${n}'`).join(' and ')}?)`;
}
