import { ACTIVATION_NAMES, type ActivationName } from '@rnn/backend-api';
import { checkInitializerName, type InitializerName } from '../init/initializers';
import { uniqueLayerName } from '../layers/naming';
import { layerName } from '../layers/option-checks';
import { checkBoolean, checkChoice, checkCount, checkSeed, checkRequiredOptions, optionKeys } from '../options';

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

/** The keys of `CellOptions`, for the unknown-option check. */
export const CELL_OPTION_KEYS = optionKeys<CellOptions>({
  units: true,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  recurrentInitializer: true,
  biasInitializer: true,
  seed: true,
});

/**
 * Checks a cell's (or recurrent layer's) options object for unknown keys and returns its name:
 * `options.name`, or a fresh one such as `lstm_cell_2`.
 */
export function checkCellOptions(className: string, options: { name?: unknown } | undefined, allowed: readonly string[], prefix: string): string {
  checkRequiredOptions(className, options, allowed, '{ units: 32 }');
  return layerName(className, options?.name, () => uniqueLayerName(prefix));
}

/** Validates the shared options for the layer or cell called `owner`, filling in Keras's defaults. */
export function resolveCellOptions(owner: string, options: GatedCellOptions): ResolvedCellOptions {
  return {
    units: checkCount(owner, 'units', options.units),
    activation: checkActivation(owner, 'activation', options.activation ?? 'tanh'),
    recurrentActivation: checkActivation(owner, 'recurrentActivation', options.recurrentActivation ?? 'sigmoid'),
    useBias: checkBoolean(owner, 'useBias', options.useBias, true),
    kernelInitializer: checkInitializerName(options.kernelInitializer ?? 'glorotUniform', owner, 'kernelInitializer'),
    recurrentInitializer: checkInitializerName(options.recurrentInitializer ?? 'orthogonal', owner, 'recurrentInitializer'),
    biasInitializer: checkInitializerName(options.biasInitializer ?? 'zeros', owner, 'biasInitializer'),
    seed: options.seed === undefined ? undefined : checkSeed(owner, options.seed),
  };
}

/** An activation name the kernels know, else a `ConfigError` naming the owner, the option and the allowed values. */
export function checkActivation(owner: string, option: string, value: unknown): ActivationName {
  return checkChoice(owner, option, value, ACTIVATION_NAMES);
}
