import type { Callback, Logs, TrainingParams } from './callback';

/**
 * Records every epoch's logs; `fit` returns it. `history.history[key]` holds one value per epoch for
 * each key (`loss`, metrics, `val_*`); each key is also readable as a property (`history.loss`).
 */
export class History implements Callback {
  /** key → one value per epoch. */
  readonly history: Record<string, number[]> = {};
  /** Epoch indices recorded, 0-based. */
  epoch: number[] = [];
  /** The run's size, from `setParams`. */
  params: TrainingParams | null = null;

  /** Training loss per epoch. */
  get loss(): number[] {
    return this.history.loss ?? [];
  }

  /** Validation loss per epoch (empty without validation data). */
  get val_loss(): number[] {
    return this.history.val_loss ?? [];
  }

  setParams(params: TrainingParams): void {
    this.params = { ...params };
  }

  onTrainBegin(): void {
    this.epoch = [];
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      if (!this.history[key]) {
        this.history[key] = [];
        // Expose metrics as properties too (`history.mae`), without shadowing anything of our own.
        if (!(key in this)) {
          Object.defineProperty(this, key, { get: () => this.history[key], enumerable: true, configurable: true });
        }
      }
      this.history[key].push(value);
    }
  }
}
