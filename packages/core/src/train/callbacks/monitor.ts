import { checkChoice, optionError } from '../../options';

/** Whether a monitored quantity should go down (`min`), up (`max`), or be guessed from its name (`auto`). */
export type MonitorMode = 'auto' | 'min' | 'max';

/** `'auto'` means `max` for accuracy-like names (containing `acc` or `auc`), else `min`, as in Keras. */
export function resolveMode(owner: string, mode: unknown, monitor: string): 'min' | 'max' {
  const chosen = checkChoice(owner, 'mode', mode, ['auto', 'min', 'max'] as const);
  if (chosen !== 'auto') return chosen;
  return /acc|auc/.test(monitor) ? 'max' : 'min';
}

/** The value every first reading improves on: +∞ when lower is better, −∞ when higher is. */
export function worstValue(mode: 'min' | 'max'): number {
  return mode === 'min' ? Infinity : -Infinity;
}

/** Validates the `monitor` option: a non-empty log key such as `'val_loss'`. */
export function checkMonitor(owner: string, monitor: unknown): string {
  if (typeof monitor !== 'string' || monitor.length === 0) optionError(owner, 'monitor', "a log key such as 'val_loss' or 'loss'", monitor);
  return monitor as string;
}

/** The monitored value from `logs`, or undefined when the key is absent. */
export function readMonitor(logs: Record<string, number>, monitor: string): number | undefined {
  const value = logs[monitor];
  return typeof value === 'number' ? value : undefined;
}

/** The warning Keras gives when the monitored key is missing from the logs. */
export function missingMonitorMessage(owner: string, monitor: string, logs: Record<string, number>): string {
  return `${owner} is conditioned on '${monitor}', which is not available; available keys are ${Object.keys(logs).join(', ') || '(none)'}. Skipping.`;
}
