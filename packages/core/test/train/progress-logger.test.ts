import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { CallbackList } from '../../src/train/callbacks';
import { ProgressLogger, formatValue, type ProgressStream } from '../../src/train/progress-logger';

class MemoryStream implements ProgressStream {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function loggerWithClock(verbose: 0 | 1 | 2, stream: MemoryStream): { logger: ProgressLogger; tick: (ms: number) => void } {
  let clock = 0;
  const logger = new ProgressLogger({ verbose, stream, now: () => clock });
  return { logger, tick: (ms) => void (clock += ms) };
}

async function run(verbose: 0 | 1 | 2, stream: MemoryStream): Promise<void> {
  const { logger, tick } = loggerWithClock(verbose, stream);
  const list = new CallbackList([logger]);
  list.setParams({ epochs: 10, steps: 3 });
  await list.onTrainBegin();
  for (let epoch = 0; epoch < 2; epoch++) {
    await list.onEpochBegin(epoch);
    for (let batch = 0; batch < 3; batch++) {
      tick(400);
      await list.onBatchEnd(batch, { loss: 0.5 / (batch + 1), mae: 0.25 });
    }
    await list.onEpochEnd(epoch, { loss: 0.0123 / (epoch + 1), mae: 0.0456, val_loss: 0.013 });
  }
  await list.onTrainEnd();
}

describe('ProgressLogger', () => {
  it('verbose 2 prints one Keras-style line per epoch', async () => {
    const stream = new MemoryStream(true);
    await run(2, stream);
    expect(stream.text).toBe(
      'Epoch 1/10 - 1.2s - loss: 0.0123 - mae: 0.0456 - val_loss: 0.0130\n' +
        'Epoch 2/10 - 1.2s - loss: 0.0062 - mae: 0.0456 - val_loss: 0.0130\n',
    );
  });

  it('verbose 1 off a terminal behaves like verbose 2', async () => {
    const stream = new MemoryStream(false);
    await run(1, stream);
    expect(stream.text.split('\n')[0]).toBe('Epoch 1/10 - 1.2s - loss: 0.0123 - mae: 0.0456 - val_loss: 0.0130');
    expect(stream.text).not.toContain('\x1b');
  });

  it('verbose 1 on a terminal draws a bar, then a summary line with validation values', async () => {
    const stream = new MemoryStream(true);
    await run(1, stream);
    expect(stream.text).toContain('Epoch 1/10\n');
    expect(stream.text).toContain('Epoch 2/10\n');
    // The live bar shows steps, ETA and the running loss (redraws are throttled, so only the first
    // and the last state are certain to be drawn).
    expect(stream.text).toMatch(/0\/3 \[\.+\] - ETA: /);
    expect(stream.text).toMatch(/3\/3 \[=+\] - ETA: \d+s - loss: 0.1667 - mae: 0.2500/);
    expect(stream.text).toContain('3/3 [==============================] - 1.2s - loss: 0.0123 - mae: 0.0456 - val_loss: 0.0130\n');
  });

  it('verbose 0 prints nothing', async () => {
    const stream = new MemoryStream(true);
    await run(0, stream);
    expect(stream.text).toBe('');
  });

  it('without setParams the epoch total is left out', async () => {
    const stream = new MemoryStream(false);
    const logger = new ProgressLogger({ verbose: 2, stream, now: () => 0 });
    logger.onEpochBegin(4);
    logger.onEpochEnd(4, { loss: 1 });
    expect(stream.text).toBe('Epoch 5 - 0.0s - loss: 1.0000\n');
  });

  it('formats values like Keras', () => {
    expect(formatValue(0.01234567)).toBe('0.0123');
    expect(formatValue(12.5)).toBe('12.5000');
    expect(formatValue(1.23456e-5)).toBe('1.2346e-05');
    expect(formatValue(0)).toBe('0.0000e+00');
    expect(formatValue(NaN)).toBe('NaN');
  });

  it('a bad verbose or unknown option is a ConfigError', () => {
    expect(() => new ProgressLogger({ verbose: 3 as 2 })).toThrow(ConfigError);
    expect(() => new ProgressLogger({ verbose: 3 as 2 })).toThrow(/ProgressLogger: verbose must be 0, 1 or 2, got 3/);
    expect(() => new ProgressLogger({ out: process.stdout } as never)).toThrow(/unknown option 'out'/);
  });
});
