/**
 * Every error @rnn/core throws is a subclass of `RnnError`, so callers can catch ours apart from
 * others and switch on the class. Messages name the layer or option, what was expected and what came.
 * `RnnError`, `ShapeError` and `ConfigError` are defined in `@rnn/backend-api` (so the kernel-argument
 * errors there extend them) and re-exported here with the rest.
 */
import { RnnError } from '@rnn/backend-api';

export { ConfigError, KernelArgumentError, KernelBufferError, RnnError, ShapeError } from '@rnn/backend-api';
export type { KernelIssue, KernelProblem } from '@rnn/backend-api';

/** Training or prediction data is unusable: empty, non-finite, or x and y disagree. */
export class DataError extends RnnError {}

/** `loadStateDict` got missing, extra or wrongly shaped entries. */
export class StateDictError extends RnnError {}

/** Training produced a non-finite loss or weights; the weights were not left as NaN. */
export class TrainingDivergedError extends RnnError {
  /** The batch's loss when it is what was not finite (NaN or ±Infinity); undefined otherwise. */
  readonly nonFiniteLoss: number | undefined;

  constructor(message: string, nonFiniteLoss?: number) {
    super(message);
    this.nonFiniteLoss = nonFiniteLoss;
  }
}

/** A saved model is truncated, corrupt, of an unknown version, or was tampered with. */
export class FormatError extends RnnError {}

/**
 * A valid file or model that cannot be represented on the other side: an ONNX node, a PyTorch or
 * Keras layer, or a layer option we have no equivalent for. The message names the part and says
 * what is supported.
 */
export class UnsupportedError extends RnnError {}

/** The native backend was asked for but cannot load; `causes` lists why and the message says what to do. */
export class NativeUnavailableError extends RnnError {
  constructor(
    message: string,
    readonly causes: readonly string[],
  ) {
    super(message);
  }
}
