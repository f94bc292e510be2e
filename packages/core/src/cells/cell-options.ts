import { ACTIVATION_NAMES, type ActivationName } from '@rnn/backend-api';
import { ConfigError } from '../errors';
import { checkInitializerName, type InitializerName } from '../init/initializers';

/** Options every recurrent cell (and layer) takes. Defaults follow Keras 3. */
export interface CellOptions {
  /** Hidden units H, a positive integer. */
  units: number;
  /** Output activation (`tanh` by default). */
  activation?: ActivationName;
  /** Adds `bias_ih_l0` and `bias_hh_l0` (default true). */
  useBias?: boolean;
  /** Initialiser of `weight_ih_l0`, in Keras's kernel layout `[I, G·H]` (default `glorotUniform`). */
  kernelInitializer?: InitializerName;
  /** Initialiser of `weight_hh_l0`, in Keras's recurrent-kernel layout `[H, G·H]` (default `orthogonal`). */
  recurrentInitializer?: InitializerName;
  /** Initialiser of the bias Keras has (default `zeros`). */
  biasInitializer?: InitializerName;
  /** Seed of the weight initialisation; overrides the generator the model hands to `build`. */
  seed?: number;
}

/** Options of the gated cells (LSTM, GRU). */
export interface GatedCellOptions extends CellOptions {
  /** Gate activation (`sigmoid` by default). */
  recurrentActivation?: ActivationName;
}

/** The cell options with every default filled in. */
export interface ResolvedCellOptions {
  units: number;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  useBias: boolean;
  kernelInitializer: InitializerName;
  recurrentInitializer: InitializerName;
  biasInitializer: InitializerName;
  seed: number | undefined;
}

/** Validates the shared options for the layer or cell called `owner`, filling in Keras's defaults. */
export function resolveCellOptions(owner: string, options: GatedCellOptions): ResolvedCellOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`${owner} expected an options object like { units: 32 }, got ${String(options)}`);
  }
  const { units } = options;
  if (typeof units !== 'number' || !Number.isInteger(units) || units <= 0) {
    throw new ConfigError(`${owner}: units must be a positive integer, got ${JSON.stringify(units)}`);
  }
  const seed = options.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed))) {
    throw new ConfigError(`${owner}: seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  if (options.useBias !== undefined && typeof options.useBias !== 'boolean') {
    throw new ConfigError(`${owner}: useBias must be a boolean, got ${JSON.stringify(options.useBias)}`);
  }
  return {
    units,
    activation: checkActivation(owner, 'activation', options.activation ?? 'tanh'),
    recurrentActivation: checkActivation(owner, 'recurrentActivation', options.recurrentActivation ?? 'sigmoid'),
    useBias: options.useBias ?? true,
    kernelInitializer: checkInitializerName(options.kernelInitializer ?? 'glorotUniform', `${owner}: kernelInitializer`),
    recurrentInitializer: checkInitializerName(options.recurrentInitializer ?? 'orthogonal', `${owner}: recurrentInitializer`),
    biasInitializer: checkInitializerName(options.biasInitializer ?? 'zeros', `${owner}: biasInitializer`),
    seed,
  };
}

/** An activation name the kernels know, else a `ConfigError` naming the owner, the option and the allowed values. */
export function checkActivation(owner: string, option: string, value: unknown): ActivationName {
  if (typeof value !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(value)) {
    throw new ConfigError(
      `${owner}: ${option} must be one of ${ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as ActivationName;
}

/** A boolean option, defaulting when absent; anything else is a `ConfigError`. */
export function checkBoolean(owner: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${owner}: ${option} must be a boolean, got ${JSON.stringify(value)}`);
  }
  return value;
}
