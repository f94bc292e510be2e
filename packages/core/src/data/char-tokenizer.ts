import { DataError } from '../errors';
import { checkBoolean, checkOptions, describeValue, optionKeys } from '../options';

/** Options of {@link CharTokenizer}. */
export interface CharTokenizerOptions {
  /** Add a start-of-text id before every encoded text (default `false`). */
  startToken?: boolean;
  /** Add an end-of-text id after every encoded text (default `false`). */
  endToken?: boolean;
  /** Lower-case text before fitting and encoding (default `false`). */
  lowercase?: boolean;
}

const CHAR_TOKENIZER_OPTION_KEYS = optionKeys<CharTokenizerOptions>({ startToken: true, endToken: true, lowercase: true });

/** The JSON form of a fitted {@link CharTokenizer}. */
export interface CharTokenizerJSON {
  type: 'CharTokenizer';
  /** The vocabulary in id order, starting at the first character id. */
  chars: string[];
  startToken: boolean;
  endToken: boolean;
  lowercase: boolean;
}

/**
 * Maps characters (Unicode code points) to integer ids and back. Id 0 is reserved for padding (what
 * `padSequences` fills and `Embedding({ maskZero: true })` masks); then come the start id and the end
 * id when enabled, then the fitted characters in sorted order.
 */
export class CharTokenizer {
  readonly startToken: boolean;
  readonly endToken: boolean;
  readonly lowercase: boolean;
  private chars: string[] = [];
  private ids = new Map<string, number>();

  constructor(options: CharTokenizerOptions = {}) {
    checkOptions('CharTokenizer', options, CHAR_TOKENIZER_OPTION_KEYS);
    this.startToken = checkBoolean('CharTokenizer', 'startToken', options.startToken, false);
    this.endToken = checkBoolean('CharTokenizer', 'endToken', options.endToken, false);
    this.lowercase = checkBoolean('CharTokenizer', 'lowercase', options.lowercase, false);
  }

  /** The padding id. */
  get padId(): number {
    return 0;
  }

  /** The start-of-text id, or `null` when disabled. */
  get startId(): number | null {
    return this.startToken ? 1 : null;
  }

  /** The end-of-text id, or `null` when disabled. */
  get endId(): number | null {
    return this.endToken ? 1 + Number(this.startToken) : null;
  }

  /** Ids in use: padding, special tokens and characters — the `inputDim` of an Embedding. */
  get vocabSize(): number {
    return this.firstCharId + this.chars.length;
  }

  /** The fitted characters, in id order. */
  get vocabulary(): readonly string[] {
    return this.chars;
  }

  /** Learns the character set of `texts` (replacing any earlier vocabulary). */
  fit(texts: string | readonly string[]): this {
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list)) throw new DataError(`CharTokenizer.fit expected a string or an array of strings, got ${describeValue(texts)}`);
    const set = new Set<string>();
    list.forEach((text, i) => {
      if (typeof text !== 'string') throw new DataError(`CharTokenizer.fit expected strings, got ${describeValue(text)} at index ${i}`);
      for (const ch of this.normalise(text)) set.add(ch);
    });
    if (set.size === 0) throw new DataError('CharTokenizer.fit got no characters');
    this.setVocabulary([...set].sort());
    return this;
  }

  /** Ids of `text`'s characters, framed by the start/end ids when enabled; an unseen character is a `DataError`. */
  encode(text: string): number[] {
    this.requireFitted('encode');
    if (typeof text !== 'string') throw new DataError(`CharTokenizer.encode expected a string, got ${describeValue(text)}`);
    const out: number[] = [];
    if (this.startId !== null) out.push(this.startId);
    for (const ch of this.normalise(text)) {
      const id = this.ids.get(ch);
      if (id === undefined) throw new DataError(`CharTokenizer.encode: character ${JSON.stringify(ch)} in ${JSON.stringify(text)} was not in the fitted vocabulary`);
      out.push(id);
    }
    if (this.endId !== null) out.push(this.endId);
    return out;
  }

  /** The text of `ids`, skipping padding and start/end ids; an id outside the vocabulary is a `DataError`. */
  decode(ids: readonly number[] | Float32Array): string {
    this.requireFitted('decode');
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new DataError(`CharTokenizer.decode expected an array of ids, got ${describeValue(ids)}`);
    let text = '';
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new DataError(`CharTokenizer.decode expected ids in [0, ${this.vocabSize}), got ${id}`);
      }
      if (id >= this.firstCharId) text += this.chars[id - this.firstCharId];
    }
    return text;
  }

  /** The fitted state. */
  toJSON(): CharTokenizerJSON {
    this.requireFitted('toJSON');
    return { type: 'CharTokenizer', chars: [...this.chars], startToken: this.startToken, endToken: this.endToken, lowercase: this.lowercase };
  }

  /** Rebuilds a tokenizer from {@link CharTokenizer.toJSON}'s output; malformed input is a `DataError`. */
  static fromJSON(json: unknown): CharTokenizer {
    const obj = json as Partial<CharTokenizerJSON> | null;
    if (typeof obj !== 'object' || obj === null || obj.type !== 'CharTokenizer') {
      throw new DataError(`CharTokenizer.fromJSON expected an object with type 'CharTokenizer', got ${JSON.stringify(json)?.slice(0, 80)}`);
    }
    const chars = obj.chars;
    if (!Array.isArray(chars) || chars.length === 0 || chars.some((c) => typeof c !== 'string' || [...c].length !== 1) || new Set(chars).size !== chars.length) {
      throw new DataError('CharTokenizer.fromJSON: chars should be a non-empty list of distinct single characters');
    }
    for (const key of ['startToken', 'endToken', 'lowercase'] as const) {
      if (typeof obj[key] !== 'boolean') throw new DataError(`CharTokenizer.fromJSON: '${key}' should be a boolean, got ${JSON.stringify(obj[key])}`);
    }
    const tokenizer = new CharTokenizer({ startToken: obj.startToken, endToken: obj.endToken, lowercase: obj.lowercase });
    tokenizer.setVocabulary(chars);
    return tokenizer;
  }

  private get firstCharId(): number {
    return 1 + Number(this.startToken) + Number(this.endToken);
  }

  private setVocabulary(chars: string[]): void {
    this.chars = chars;
    this.ids = new Map(chars.map((ch, i) => [ch, this.firstCharId + i]));
  }

  /** Code points, so that characters outside the BMP stay one token. */
  private normalise(text: string): string[] {
    return Array.from(this.lowercase ? text.toLowerCase() : text);
  }

  private requireFitted(method: string): void {
    if (this.chars.length === 0) throw new DataError(`CharTokenizer.${method} called before fit`);
  }
}
