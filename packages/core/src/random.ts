import { checkSeed } from './options/option-values';

/** A generator's full state (see `Random.getState`). */
export interface RandomState {
  a: number;
  b: number;
  c: number;
  d: number;
  spare: number | null;
}

/**
 * Seeded pseudo-random numbers (sfc32, seeded through splitmix32), so that a `seed` makes
 * initialisation, shuffling and dropout reproducible across runs and backends.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;
  /** Normal draws made elsewhere that this generator still has to move past (see `skipNormals`). */
  private owed = 0;

  constructor(seed: number = (Math.random() * 2 ** 32) >>> 0) {
    let s = checkSeed('Random', seed);
    const split = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.owed !== 0) this.catchUp();
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.owed !== 0) this.catchUp();
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /**
   * Moves on as `count` calls of `normal()` would, for draws made elsewhere (a worker thread, from
   * `getState()`). The moving on happens at the next draw, if any comes: a large layer built with
   * no draw after its orthogonal weight never pays for it.
   */
  skipNormals(count: number): void {
    this.owed += count;
  }

  /**
   * Moves past the owed normal draws without computing them: only the uniform draws (Box–Muller draws
   * `u` again while it is 0) and, for an odd count, the last pair, whose second value is kept.
   */
  private catchUp(): void {
    let left = this.owed;
    this.owed = 0;
    if (left > 0 && this.spare !== null) {
      this.spare = null;
      left--;
    }
    // nextUint32's arithmetic on locals: millions of draws for a large layer, kept off property loads.
    let { a, b, c, d } = this;
    for (let draw = 0, draws = 2 * Math.floor(left / 2); draw < draws; draw++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      if (t === 0 && draw % 2 === 0) draw--; // a zero u is drawn again (see normal())
    }
    Object.assign(this, { a, b, c, d });
    if (left % 2 === 1) this.normal();
  }

  /** The generator's state: `Random.fromState` makes a generator that draws exactly what this one would. */
  getState(): RandomState {
    if (this.owed !== 0) this.catchUp();
    return { a: this.a, b: this.b, c: this.c, d: this.d, spare: this.spare };
  }

  /** A generator in the state `getState` gave. */
  static fromState(state: RandomState): Random {
    const rng = new Random(0);
    rng.a = state.a;
    rng.b = state.b;
    rng.c = state.c;
    rng.d = state.d;
    rng.spare = state.spare;
    return rng;
  }

  /** An independent generator derived from this one (e.g. one per layer). */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}
