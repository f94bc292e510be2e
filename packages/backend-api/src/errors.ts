/**
 * The base error classes of @rnn. They live in the contract package, the leaf every other package
 * depends on, so that the kernel-argument errors below and `@rnn/core`'s own errors share one
 * `RnnError` (core re-exports these classes; `instanceof` holds across packages).
 */

/**
 * Every error @rnn throws is a subclass of `RnnError`, so callers can catch ours apart from others
 * and switch on the class. Messages name the layer or option, what was expected and what came.
 */
export class RnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or buffer has the wrong shape or length, e.g. `lstm_1 expected input [batch, steps, 3], got [8, 10, 4]`. */
export class ShapeError extends RnnError {}

/** An option is missing, of the wrong type, or not one of the allowed values. */
export class ConfigError extends RnnError {}
