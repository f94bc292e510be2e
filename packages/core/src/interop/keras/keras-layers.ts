import type { ActivationName } from '@rnn/backend-api';
import { UnsupportedError } from '../../errors';
import { DENSE_ACTIVATION_NAMES } from '../../layers/activations';
import { Bidirectional, MERGE_MODES, type MergeMode } from '../../layers/bidirectional';
import { Dense } from '../../layers/dense';
import { Dropout } from '../../layers/dropout';
import { Embedding } from '../../layers/embedding';
import { GRU } from '../../layers/gru';
import type { Layer } from '../../layers/layer';
import { LSTM } from '../../layers/lstm';
import type { RecurrentLayer } from '../../layers/recurrent-layer';
import { SimpleRNN } from '../../layers/simple-rnn';
import type { KerasLayerConfig } from './model-config';

/** What translating one layer needs to know about its place in the model. */
export interface LayerContext {
  what: string;
  kerasMajor: number;
  /** The sample shape for the first layer, else undefined. */
  inputShape: (number | null)[] | undefined;
  /** A step mask (from `Embedding(mask_zero=True)`) reaches this layer. */
  masked: boolean;
}

/** The Keras classes importKeras builds, in the words of its refusal. */
export const KERAS_CLASSES = ['InputLayer', 'Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'Dense', 'Dropout'];
/** The Keras recurrent layer classes (Bidirectional wraps one of them). */
export const RECURRENT_CLASSES: readonly string[] = ['SimpleRNN', 'LSTM', 'GRU'];

/** Options that change training (regularizers, constraints, LoRA, quantization): @rnn has none of them. */
const TRAINING_ONLY = [
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'embeddings_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'embeddings_constraint', 'lora_rank', 'quantization_config',
];

/**
 * Our layer for one Keras layer config (Keras's names and defaults), or an `UnsupportedError`
 * naming the layer and the class or option @rnn has no equivalent for.
 */
export function kerasLayer(spec: KerasLayerConfig, ctx: LayerContext): Layer {
  const { config } = spec;
  const refuse = (why: string): never => {
    throw new UnsupportedError(`${ctx.what}: layer '${spec.name}' (${spec.className}) ${why}`);
  };
  const used = TRAINING_ONLY.find((key) => config[key] !== undefined && config[key] !== null);
  if (used) refuse(`sets ${used}, which @rnn has no equivalent for`);
  const inputShape = ctx.inputShape as never;
  switch (spec.className) {
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrentLayer(spec, ctx, refuse, { name: spec.name, inputShape });
    case 'Bidirectional':
      return bidirectionalLayer(spec, ctx, refuse);
    case 'Dense':
      return new Dense({ name: spec.name, units: config.units as number, activation: denseActivation(config.activation, ctx, refuse) as never, useBias: config.use_bias !== false, inputShape });
    case 'Embedding':
      return new Embedding({ name: spec.name, inputDim: config.input_dim as number, outputDim: config.output_dim as number, maskZero: config.mask_zero === true, inputShape });
    case 'Dropout':
      if (config.noise_shape !== undefined && config.noise_shape !== null) refuse('sets noise_shape, which @rnn has no equivalent for');
      return new Dropout({ name: spec.name, rate: config.rate as number, inputShape });
    default:
      return refuse(`is not a layer importKeras can build; it builds ${KERAS_CLASSES.join(', ')}`);
  }
}

/** Whether a step mask reaches the layer after this one. */
export function maskAfter(spec: KerasLayerConfig, masked: boolean): boolean {
  if (spec.className === 'Embedding') return spec.config.mask_zero === true;
  const inner = spec.className === 'Bidirectional' ? ((spec.config.layer as { config?: Record<string, unknown> })?.config ?? {}) : spec.config;
  if (RECURRENT_CLASSES.includes(spec.className) || spec.className === 'Bidirectional') return masked && inner.return_sequences === true;
  return masked;
}

function recurrentLayer(
  spec: KerasLayerConfig,
  ctx: LayerContext,
  refuse: (why: string) => never,
  base: { name: string; inputShape?: never },
  wrapped = false,
): RecurrentLayer {
  const c = spec.config;
  if (c.return_state === true) refuse('sets return_state, which a Sequential model cannot pass on');
  if (c.time_major === true) refuse('sets time_major; only batch-major models are read');
  if (c.zero_output_for_mask === true && ctx.masked && !wrapped) refuse('sets zero_output_for_mask with a mask; @rnn repeats the last output at masked steps');
  const options = {
    ...base,
    units: c.units as number,
    activation: recurrentActivation(c.activation ?? 'tanh', 'activation', ctx, refuse),
    useBias: c.use_bias !== false,
    returnSequences: c.return_sequences === true,
    goBackwards: c.go_backwards === true,
    stateful: c.stateful === true,
    dropout: (c.dropout as number | undefined) ?? 0,
    recurrentDropout: (c.recurrent_dropout as number | undefined) ?? 0,
  };
  if (spec.className === 'SimpleRNN') return new SimpleRNN(options);
  const gated = { ...options, recurrentActivation: recurrentActivation(c.recurrent_activation ?? 'sigmoid', 'recurrent_activation', ctx, refuse) };
  if (spec.className === 'LSTM') return new LSTM(gated);
  if (spec.className === 'GRU') return new GRU({ ...gated, resetAfter: c.reset_after !== false });
  return refuse(`wraps a ${spec.className}; Bidirectional wraps SimpleRNN, LSTM or GRU`);
}

function bidirectionalLayer(spec: KerasLayerConfig, ctx: LayerContext, refuse: (why: string) => never): Bidirectional {
  const mode = spec.config.merge_mode;
  if (!MERGE_MODES.includes(mode as MergeMode)) refuse(`has merge_mode ${JSON.stringify(mode)}; @rnn merges with ${MERGE_MODES.join(', ')}`);
  const inner = toLayerConfig(spec.config.layer, refuse);
  const backward = spec.config.backward_layer === undefined || spec.config.backward_layer === null ? null : toLayerConfig(spec.config.backward_layer, refuse);
  if (backward && !mirrors(inner, backward)) refuse('has a backward_layer configured differently from its forward layer');
  const name = inner.name.replace(/^forward_/, '');
  const layer = recurrentLayer(inner, ctx, refuse, { name }, true);
  return new Bidirectional({ name: spec.name, layer, mergeMode: mode as MergeMode, inputShape: ctx.inputShape as never });
}

function toLayerConfig(value: unknown, refuse: (why: string) => never): KerasLayerConfig {
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const config = (entry.config ?? {}) as Record<string, unknown>;
  if (typeof entry.class_name !== 'string' || typeof config.name !== 'string') refuse('has a wrapped layer without class_name or name');
  return { className: entry.class_name as string, name: config.name as string, config };
}

/** True when `backward` is `forward` run the other way: the same class and options but name and direction. */
function mirrors(forward: KerasLayerConfig, backward: KerasLayerConfig): boolean {
  const strip = ({ name: _n, go_backwards: _g, zero_output_for_mask: _z, ...rest }: Record<string, unknown>): string => JSON.stringify(rest, Object.keys(rest).sort());
  return forward.className === backward.className && strip(forward.config) === strip(backward.config) && forward.config.go_backwards !== backward.config.go_backwards;
}

/**
 * A recurrent activation. Keras 2's `hard_sigmoid` is clip(0.2·x + 0.5), Keras 3's (and @rnn's)
 * clip(x/6 + 0.5): a Keras 2 file that uses it is refused rather than computed differently.
 */
function recurrentActivation(value: unknown, option: string, ctx: LayerContext, refuse: (why: string) => never): ActivationName {
  if (value === 'hard_sigmoid' && ctx.kerasMajor >= 3) return 'hardSigmoid';
  if (value === 'hard_sigmoid') refuse(`uses Keras ${ctx.kerasMajor}'s hard_sigmoid (clip(0.2x + 0.5)) as ${option}; @rnn has Keras 3's (clip(x/6 + 0.5))`);
  if (value === 'tanh' || value === 'sigmoid' || value === 'relu' || value === 'linear') return value;
  return refuse(`has ${option} ${JSON.stringify(value)}; recurrent layers take tanh, sigmoid, relu, linear or hard_sigmoid`);
}

/** A Dense activation by Keras name; Keras 2's hard_sigmoid and leaky_relu (slope 0.3) differ from ours. */
function denseActivation(value: unknown, ctx: LayerContext, refuse: (why: string) => never): string {
  if (ctx.kerasMajor < 3 && (value === 'hard_sigmoid' || value === 'leaky_relu')) {
    refuse(`uses Keras ${ctx.kerasMajor}'s ${String(value)}, which differs from Keras 3's and @rnn's`);
  }
  if (typeof value === 'string' && DENSE_ACTIVATION_NAMES.includes(value)) return value;
  return refuse(`has activation ${JSON.stringify(value)}, which @rnn does not have`);
}
