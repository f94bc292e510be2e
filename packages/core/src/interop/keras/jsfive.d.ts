/** The part of jsfive's API the Keras reader uses (jsfive ships no type declarations). */
declare module 'jsfive' {
  export class Group {
    /** Names of the members of this group. */
    readonly keys: string[];
    /** Attributes: strings, numbers and arrays of them. */
    readonly attrs: Record<string, unknown>;
    /** The member at a `/`-separated path; throws a string when it does not exist. */
    get(path: string): Group | Dataset;
  }
  export class Dataset {
    readonly shape: number[];
    /** numpy-style type string, e.g. `<f4`. */
    readonly dtype: unknown;
    /** The values, flattened in C order. */
    readonly value: ArrayLike<number | bigint>;
    readonly attrs: Record<string, unknown>;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
