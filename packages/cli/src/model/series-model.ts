import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Sequential, Tensor, getAttachment, loadModel, saveModel, setAttachment } from '@rnn/core';
import { UsageError } from '../program/usage-error';
import { WindowScaler } from '../scaling/window-scaler';
import type { SeriesSpec } from './spec';
import { checkSeriesSpec } from './spec-check';

/** The attachment key under which a model directory keeps its {@link SeriesSpec}. */
const ATTACHMENT = 'series';

/**
 * A trained network with its preprocessing, seen from outside as a model of the raw series: it
 * maps raw windows `[n, window, features]` to the next `horizon` values of the target `[n, horizon]`,
 * in the target's units.
 */
export class SeriesModel {
  readonly scaler: WindowScaler;

  constructor(
    readonly net: Sequential,
    readonly spec: SeriesSpec,
  ) {
    this.scaler = new WindowScaler(spec.scaling, spec.inputs);
  }

  /** Next values `[n, horizon]`, in the target's units, of raw windows `[n, window, features]`. */
  async predict(x: Tensor): Promise<Tensor> {
    return this.scaler.unscale(x, await this.net.predict(this.scaler.inputs(x), { batchSize: 256 }));
  }

  /** Saves the network and its spec into `dir` (atomically, see `saveModel`). */
  async save(dir: string): Promise<void> {
    setAttachment(this.net, ATTACHMENT, this.spec);
    await saveModel(this.net, dir);
  }

  /** Loads a model directory written by `rnn train`. */
  static async load(dir: string): Promise<SeriesModel> {
    if (!existsSync(dir)) throw new UsageError(`model directory '${dir}' not found (rnn train writes one with --out)`);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'model.json'))) {
      throw new UsageError(`'${dir}' is not a model directory: it has no model.json (rnn train writes one with --out)`);
    }
    const net = await loadModel(dir);
    const attached = getAttachment(net, ATTACHMENT);
    const spec = typeof attached === 'object' && attached !== null && !Array.isArray(attached) ? attached : null;
    if (spec?.format !== 'rnn-series') {
      throw new UsageError(`'${dir}' holds a saved model, but not one written by rnn train (it has no '${ATTACHMENT}' description)`);
    }
    const { version } = spec;
    if (typeof version === 'number' && Number.isSafeInteger(version) && version > 1) {
      throw new UsageError(`'${dir}' was written by a newer rnn (series format version ${version}); update @rnn/cli`);
    }
    return new SeriesModel(net, checkSeriesSpec(spec, net, dir));
  }
}
