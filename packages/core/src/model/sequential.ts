import { getBackend } from '../backend/select';
import { ConfigError, ShapeError } from '../errors';
import { Embedding } from '../layers/embedding';
import { Layer, type RunContext, type SampleShape } from '../layers/layer';
import { uniqueLayerName } from '../layers/naming';
import { checkFiniteWeight } from '../layers/parameter-dict';
import { checkOptions, checkPath, checkRequiredOptions } from '../options';
import { Random } from '../random';
import { Tensor, type TensorLike } from '../tensor';
import type { History } from '../train/callbacks';
import type { Loss } from '../train/losses';
import { createMetric } from '../train/metrics';
import type { Optimizer } from '../train/optimizers';
import type { Parameter } from '../train/parameter';
import { withoutInitializers } from '../init/initializers';
import { rebuildLayer } from '../io/layer-registry';
import { CallGate } from './call-gate';
import { compileSettings, type CompileConfig, type CompileOptions, type Compiled } from './compile';
import { checkInputShape, checkSameBatch, toDataTensor } from './data-checks';
import { checkTargets } from './target-checks';
import {
  batchSizeOption,
  claimOptimizer,
  type BatchOptions,
  type EvaluateOptions,
  type SequentialOptions,
  type StateDictOptions,
  type TrainOnBatchOptions,
  EVALUATE_OPTION_KEYS,
  parseSequentialOptions,
  PREDICT_OPTION_KEYS,
  STATE_DICT_OPTION_KEYS,
  TRAIN_ON_BATCH_OPTION_KEYS,
} from './model-options';
import { runFit, type FitOptions } from './fit-loop';
import { evaluateInBatches, predictInBatches, type RunningMetric } from './inference';
import { loadStackStateDict, stackStateDict } from './model-state-dict';
import { resolveMapping } from './state-dict-mapping';
import { resolveWeights, toSampleWeight, type NamedWeights } from './sample-weights';
import { Predictor } from './predictor';
import { formatSummary } from './summary';
import { trainStep, type StepResult } from './train-step';

export type { CompileConfig, CompileOptions } from './compile';
export type { BatchOptions, EvaluateOptions, SequentialOptions, StateDictOptions, TrainOnBatchOptions } from './model-options';

/**
 * A linear stack of layers with Keras's training API: `add`, `compile`, `fit`, `evaluate`,
 * `predict`, `summary`, plus PyTorch-style `stateDict` keyed by layer index (`0.weight_ih_l0`).
 *
 * The model is built from the first layer's `inputShape`, or from the first data it sees. Each layer
 * is initialised from its own fork of the model's seeded `Random`, so a seed fixes every weight.
 */
export class Sequential {
  readonly name: string;
  readonly seed: number;
  /** Set to true (e.g. by a callback) to stop `fit` after the current batch. */
  stopTraining = false;
  private readonly stack: Layer[] = [];
  private readonly rng: Random;
  /** Shuffling and dropout randomness, forked from `rng` after the build. */
  private runRng: Random | null = null;
  /** Output shape of each layer, once built. */
  private outputShapes: SampleShape[] | null = null;
  private compiled: Compiled | null = null;
  private compiledConfig: CompileConfig | null = null;
  /** Orders overlapping calls on this model (see `CallGate`). */
  private readonly calls: CallGate;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    if (!Array.isArray(layers)) throw new ConfigError(`Sequential expected an array of layers, got ${typeof layers}`);
    const { name, seed } = parseSequentialOptions(options);
    this.name = name ?? uniqueLayerName('sequential');
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 32);
    this.rng = new Random(this.seed);
    this.calls = new CallGate(this.name);
    for (const layer of layers) this.add(layer);
  }

  /** The layers, in order. */
  get layers(): readonly Layer[] {
    return this.stack;
  }

  /** True once every layer has its weights. */
  get built(): boolean {
    return this.outputShapes !== null;
  }

  /**
   * Appends a layer. Once the first layer has an `inputShape`, the model is built and every layer
   * added later is built at once from the previous layer's output shape.
   */
  add(layer: Layer): this {
    if (!(layer instanceof Layer)) {
      throw new ConfigError(`Sequential.add expected a layer (Dense, LSTM, …), got ${layer === null ? 'null' : typeof layer}`);
    }
    if (this.stack.includes(layer)) throw new ConfigError(`${layer.name} is already in ${this.name}; create a new layer instead`);
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new ConfigError(`${this.name} already has a layer named '${layer.name}'; layer names must be unique`);
    }
    this.stack.push(layer);
    if (this.outputShapes) {
      const previous = this.outputShapes[this.outputShapes.length - 1];
      if (!layer.built) layer.build(previous, this.rng.fork());
      this.outputShapes.push(layer.computeOutputShape(previous));
    } else if (this.stack[0].inputShape) {
      this.build(); // like Keras: a known input shape builds the model at once
    }
    return this;
  }

  /**
   * Creates every layer's weights for samples of `inputShape` (without the batch axis). Called for
   * you by `fit`/`predict`/`evaluate`, or at once when the first layer has an `inputShape`.
   */
  build(inputShape?: SampleShape): void {
    if (this.outputShapes) return;
    if (this.stack.length === 0) throw new ConfigError(`${this.name} has no layers; add() some first`);
    const first = this.stack[0];
    let shape = inputShape ?? first.inputShape;
    if (!shape) {
      throw new ConfigError(
        `${this.name} cannot be built yet: give its first layer (${first.name}) an inputShape, or call fit/predict with data`,
      );
    }
    const shapes: SampleShape[] = [];
    for (const layer of this.stack) {
      const layerRng = this.rng.fork(); // forked even for a pre-built layer, so seeds stay aligned
      if (!layer.built) layer.build(shape, layerRng);
      shape = layer.computeOutputShape(shape);
      shapes.push(shape);
    }
    this.outputShapes = shapes;
    this.runRng = this.rng.fork();
  }

  /** Sets the optimizer, loss and metrics used by `fit`, `evaluate` and `trainOnBatch`. */
  compile(options: CompileOptions): void {
    this.calls.assertIdle('compile it');
    const { compiled, config } = compileSettings(this.name, options);
    // From a training callback: the running call checked its targets for the loss it started with.
    const running = this.calls.serialCall;
    const before = this.compiledConfig?.loss;
    if (running !== null && before !== undefined && JSON.stringify(config.loss) !== JSON.stringify(before)) {
      throw new ConfigError(
        `${this.name}: cannot change the loss while ${running} runs (its targets were checked for ${this.compiled!.loss.name}); compile with the new loss once it has ended`,
      );
    }
    claimOptimizer(compiled.optimizer, this);
    this.compiled = compiled;
    this.compiledConfig = config;
  }

  /** The compiled optimizer (a `ConfigError` before `compile`). */
  get optimizer(): Optimizer {
    return this.requireCompiled('optimizer').optimizer;
  }

  /** The compiled loss (a `ConfigError` before `compile`). */
  get loss(): Loss {
    return this.requireCompiled('loss').loss;
  }

  /**
   * The compile settings as they stand, for `save`: what `compile` was given, with the optimizer's
   * config as it is now (a learning rate ReduceLROnPlateau or the user changed since is kept, as
   * Keras saves it); `null` before `compile`.
   */
  get compileConfig(): CompileConfig | null {
    const config = this.compiledConfig;
    return config && this.compiled ? { ...config, optimizer: this.compiled.optimizer.getConfig() } : config;
  }

  /**
   * Trains for `epochs` over `(x, y)` and returns the per-epoch history of loss and metrics. Training
   * calls on one model run one after the other; `predict` and `evaluate` may run meanwhile (`CallGate`).
   */
  fit(x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
    return this.calls.serial('fit', async () => {
      this.requireCompiled('fit').guard.startRun();
      await this.ready();
      const { xs, ys } = this.dataPair('fit', x, y);
      const host = {
        control: this,
        rng: this.runRng as Random,
        lossName: this.loss.name,
        trainBatch: (bx: Tensor, by: Tensor, bw: NamedWeights | null, where: string) => this.step(bx, by, bw, where),
        newMetrics: () => this.newMetrics(),
        evaluate: (vx: Tensor, vy: Tensor, vw: NamedWeights | null, batchSize: number) => this.evaluateTensors(vx, vy, vw, batchSize),
        checkValidation: (vx: Tensor, vy: Tensor) => {
          checkSameBatch(vx, vy, 'validationData x and y');
          this.prepareInput(vx, 'validationData x');
          this.checkTargets(vx, vy, 'validationData y');
        },
        exclusive: <T>(task: () => Promise<T>) => this.calls.exclusive(task),
        statefulLayer: this.statefulLayer()?.name,
      };
      return runFit(host, xs, ys, options);
    });
  }

  /** Loss and metrics over `(x, y)`, without training: `{ loss, mae?, … }`; `sampleWeight` weights the loss. */
  evaluate(x: TensorLike, y: TensorLike, options: EvaluateOptions = {}): Promise<Record<string, number>> {
    return this.inferenceCall('evaluate', () => {
      this.requireCompiled('evaluate');
      const { xs, ys } = this.dataPair('evaluate', x, y);
      const batchSize = batchSizeOption('evaluate', options, EVALUATE_OPTION_KEYS);
      const sw = options.sampleWeight === undefined ? null : toSampleWeight('evaluate', options.sampleWeight, xs.shape[0]);
      return this.evaluateTensors(xs, ys, sw && { option: 'sampleWeight', values: sw }, batchSize);
    });
  }

  /**
   * A read-only snapshot of this model for serving (`Predictor`): its `predict` gives what this
   * model's gives now, bit for bit, whatever happens to this model afterwards, and runs faster on
   * the native backend because its weights can be prepared once. The model must be built and have
   * no stateful layer (a snapshot's calls would have to share its carried states).
   */
  predictor(): Predictor {
    this.buildIfPossible();
    const stateful = this.statefulLayer();
    if (stateful) {
      throw new ConfigError(`${this.name}.predictor(): ${stateful.name} is stateful; a predictor serves models whose calls carry no state between them`);
    }
    // The same layers from their configs, none of them initialised (every weight is copied next).
    const copy = withoutInitializers(() => {
      const layers = this.stack.map((layer) => {
        try {
          return rebuildLayer(layer.className, layer.getConfig());
        } catch (error) {
          throw new ConfigError(`${this.name}.predictor(): cannot copy ${layer.name}: ${(error as Error).message}`);
        }
      });
      const model = new Sequential(layers, { name: this.name, seed: this.seed });
      model.build(this.stack[0].inputShape as SampleShape);
      return model;
    });
    // Straight into the copy's own arrays (getWeights + setWeights would copy every weight twice).
    const source = this.parameters();
    copy.parameters().forEach((p, i) => p.value.set(source[i].value));
    return new Predictor(this.name, copy);
  }

  /**
   * Model outputs for `x`, computed in batches (default 32) and concatenated. The kernels read `x`
   * in place while the call runs (no copy of it is made, as with ONNX Runtime's `run`): do not write
   * into its array before the promise settles. `x` in a `SharedArrayBuffer` is copied first.
   */
  predict(x: TensorLike, options: BatchOptions = {}): Promise<Tensor> {
    return this.inferenceCall('predict', () => {
      const batchSize = batchSizeOption('predict', options, PREDICT_OPTION_KEYS);
      const xs = this.inputData('predict', x);
      return predictInBatches(this.stack, xs, batchSize, this.context(false));
    });
  }

  /** One optimizer step on one batch; returns the batch loss (before the step), weighted as in `fit`. */
  trainOnBatch(x: TensorLike, y: TensorLike, options: TrainOnBatchOptions = {}): Promise<number> {
    return this.calls.serial('trainOnBatch', async () => {
      const { loss } = this.requireCompiled('trainOnBatch');
      await this.ready();
      const { xs, ys } = this.dataPair('trainOnBatch', x, y);
      checkOptions('trainOnBatch', options, TRAIN_ON_BATCH_OPTION_KEYS);
      const weights = resolveWeights('trainOnBatch', options ?? {}, ys, loss.name);
      return (await this.step(xs, ys, weights, 'trainOnBatch')).loss;
    });
  }

  /** A Keras-like table of layers, output shapes and parameter counts; printed with `print` and returned. */
  summary(print: ((text: string) => void) | null = console.log): string {
    const text = formatSummary(
      this.name,
      this.stack.map((layer, i) => ({ layer, outputShape: this.outputShapes ? this.outputShapes[i] : null })),
    );
    if (print) print(text);
    return text;
  }

  /**
   * Every layer's weights under `<layer index>.<PyTorch name>`, like `torch.nn.Sequential`, or under
   * a torch module's names with `mapping` (`{ rnn: 0, head: 1 }` gives `rnn.weight_ih_l0`, `head.weight`).
   */
  stateDict(options: StateDictOptions = {}): Record<string, Tensor> {
    this.buildIfPossible();
    return stackStateDict(this.stack, resolveMapping(this.stack, this.stateDictOptions(options, 'stateDict').mapping, this.name));
  }

  /**
   * Loads weights from `stateDict` keys, or from a torch state dict with other module names through
   * `mapping` (e.g. `{ 'encoder.rnn': 0, head: 1 }`); missing, extra or wrongly shaped entries are a
   * `StateDictError` naming the key as given, and leave every weight as it was.
   */
  loadStateDict(dict: Record<string, unknown>, options: StateDictOptions = {}): void {
    this.calls.assertIdle('load weights into it');
    this.buildIfPossible();
    const mapping = this.stateDictOptions(options, 'loadStateDict').mapping;
    loadStackStateDict(this.stack, dict, resolveMapping(this.stack, mapping, this.name));
  }

  /** Copies of every weight, in `parameters()` order. */
  getWeights(): Float32Array[] {
    return this.parameters().map((p) => p.value.slice());
  }

  /** Sets every weight from arrays in `parameters()` order (as `getWeights` returns them). */
  setWeights(weights: readonly Float32Array[]): void {
    this.calls.assertIdle('set its weights');
    const params = this.parameters();
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new ShapeError(`${this.name}.setWeights expected ${params.length} arrays, got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    params.forEach((p, i) => {
      if (!weights[i] || weights[i].length !== p.value.length) {
        throw new ShapeError(
          `${this.name}.setWeights: weight ${i} (${p.name}, shape [${p.shape.join(', ')}]) needs ${p.value.length} values, got ${weights[i]?.length}`,
        );
      }
      checkFiniteWeight(`${this.name}.setWeights: weight ${i} (${p.name})`, weights[i]);
    });
    params.forEach((p, i) => p.value.set(weights[i]));
  }

  /** Clears the carried state of every stateful recurrent layer. */
  resetStates(): void {
    for (const layer of this.stack) {
      const resettable = layer as Layer & { resetStates?: () => void };
      if (typeof resettable.resetStates === 'function') resettable.resetStates();
    }
  }

  /** Every trainable weight, layer by layer. */
  parameters(): Parameter[] {
    return this.stack.flatMap((layer) => layer.parameters());
  }

  /** Name, seed and each layer's class and options: what rebuilds this model (without weights). */
  getConfig(): { name: string; seed: number; layers: { className: string; config: Record<string, unknown> }[] } {
    return {
      name: this.name,
      seed: this.seed,
      layers: this.stack.map((layer) => ({ className: layer.className, config: layer.getConfig() })),
    };
  }

  /**
   * Resolves once every weight holds its initial values: large orthogonal ones come from a worker
   * thread. Async calls wait for them by themselves; synchronous accessors block until they are there.
   */
  async ready(): Promise<void> {
    for (const layer of this.stack) await layer.ready();
  }

  /** Saves the model (config, weights, compile settings) into `dir`; see `loadModel`. */
  async save(dir: string): Promise<void> {
    checkPath(`${this.name}.save`, 'dir', dir);
    await this.ready();
    const { saveModel } = await import('../io/save');
    await saveModel(this, dir);
  }

  private stateDictOptions(options: StateDictOptions, method: string): StateDictOptions {
    checkRequiredOptions(`${this.name}.${method}`, options, STATE_DICT_OPTION_KEYS, '{ mapping: { rnn: 0 } }');
    return options;
  }

  private requireCompiled(what: string): Compiled {
    if (!this.compiled) {
      throw new ConfigError(`${this.name}: ${what} needs a compiled model; call compile({ optimizer, loss }) first`);
    }
    return this.compiled;
  }

  /** Builds from `x` if needed, then checks `x` fits the first layer's input shape. */
  private prepareInput(x: Tensor, name: string): void {
    if (this.stack.length === 0) throw new ConfigError(`${this.name} has no layers; add() some first`);
    if (!this.outputShapes) {
      // Built from data: only the feature axis is fixed, so other lengths (steps) still fit later.
      // Token ids into an Embedding have no feature axis: every axis stays open.
      const sample = x.shape.slice(1);
      const first = this.stack[0];
      const featureAxis = first instanceof Embedding ? -1 : sample.length - 1;
      this.build(first.inputShape ?? sample.map((d, i) => (i === featureAxis ? d : null)));
    }
    const first = this.stack[0];
    checkInputShape(first.name, first.inputShape ?? x.shape.slice(1), x, name);
    first.checkData(x, name); // e.g. Embedding ids, for the whole data set before any batch runs
  }

  /** `x` as checked model input (finite, fitting the first layer, which is built from it if needed). */
  private inputData(owner: string, x: TensorLike): Tensor {
    const xs = toDataTensor(x, 'x', { owner, expected: this.stack[0]?.inputShape });
    this.prepareInput(xs, 'x');
    return xs;
  }

  /** `inputData`, and `y` as targets: finite, one per sample, fitting the compiled loss. */
  private dataPair(owner: string, x: TensorLike, y: TensorLike): { xs: Tensor; ys: Tensor } {
    const xs = this.inputData(owner, x);
    const ys = toDataTensor(y, 'y', { owner });
    checkSameBatch(xs, ys);
    this.checkTargets(xs, ys, 'y');
    return { xs, ys };
  }

  /** Every target fits the loss and the model's output (e.g. class ids in range), naming the sample of one that does not. */
  private checkTargets(x: Tensor, y: Tensor, name: string): void {
    const shapes = this.outputShapes as SampleShape[];
    const first = this.stack[0];
    // Padded steps' targets are never read: the mask the output carries (a goBackwards layer flips it).
    let stepMask = first instanceof Embedding ? first.stepMask(x) : null; // [batch, steps]
    const [batch, steps] = x.shape;
    for (const layer of this.stack.slice(1)) stepMask = layer.outputMask(stepMask, batch, steps ?? 0);
    checkTargets(y, shapes[shapes.length - 1], this.loss.name, name, stepMask);
  }

  private buildIfPossible(): void {
    if (!this.outputShapes && this.stack[0]?.inputShape) this.build();
    if (!this.outputShapes) {
      throw new ConfigError(`${this.name} has no weights yet: give its first layer an inputShape, or run fit/predict first`);
    }
  }

  /**
   * `predict` and `evaluate` read the weights only, so they run alongside each other and a training
   * call; on a stateful model they move the carried states, so they run one at a time like training.
   */
  private inferenceCall<T>(what: string, task: () => Promise<T>): Promise<T> {
    const stateful = this.statefulLayer() !== undefined;
    const call = async (): Promise<T> => {
      await this.ready();
      return task();
    };
    return stateful ? this.calls.serial(what, call) : this.calls.shared(call);
  }

  /** The first layer that carries its states from call to call, if any. */
  private statefulLayer(): Layer | undefined {
    return this.stack.find((layer) => (layer as Layer & { stateful?: boolean }).stateful === true);
  }

  private context(training: boolean): RunContext {
    return { backend: getBackend(), training, rng: this.runRng as Random };
  }

  private newMetrics(): RunningMetric[] {
    const { metrics, loss } = this.requireCompiled('metrics');
    return metrics.map((m) => createMetric(m, loss)); // the loss itself: accuracy thresholds logits at 0
  }

  private step(x: Tensor, y: Tensor, weights: NamedWeights | null, where: string): Promise<StepResult> {
    const { optimizer, loss, guard } = this.requireCompiled('training');
    const target = { layers: this.stack, params: this.parameters(), loss, optimizer, guard, exclusive: this.calls.exclusive.bind(this.calls) };
    return trainStep(target, x, y, weights, this.context(true), where);
  }

  private evaluateTensors(x: Tensor, y: Tensor, weights: NamedWeights | null, batchSize: number): Promise<Record<string, number>> {
    return evaluateInBatches(this.stack, this.loss, this.newMetrics(), x, y, weights, batchSize, this.context(false));
  }
}
