import type { Comparison } from '../evaluation/compare';
import { decimalsFor, formatNumber, formatTable } from './numbers';

/** The comparison as a table of RMSE, MAE and MAPE per forecaster, then one verdict line per baseline. */
export function comparisonLines(c: Comparison, unit: string | null): string[] {
  const decimals = decimalsFor(c.forecasts[1].metrics.rmse);
  const units = unit ? ` (${unit})` : '';
  const header = ['', `RMSE${units}`, `MAE${units}`, 'MAPE'];
  const rows = c.forecasts.map((f) => [
    f.name,
    formatNumber(f.metrics.rmse, decimals),
    formatNumber(f.metrics.mae, decimals),
    f.metrics.mape === null ? '—' : `${formatNumber(f.metrics.mape, 2)}%`,
  ]);
  const lines = formatTable([header, ...rows]).map((l) => `  ${l}`);
  if (c.forecasts[0].metrics.mape === null) lines.push('  (MAPE only for a target that stays above 0)');
  for (const v of c.verdicts) lines.push(`Verdict: ${v.text}.`);
  return lines;
}
