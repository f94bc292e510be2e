import type { Layer, SampleShape } from '../layers/layer';

/** One row of the summary table. */
export interface SummaryRow {
  layer: Layer;
  /** Output shape of one sample, or `null` when the model is not built yet. */
  outputShape: SampleShape | null;
}

const COLUMNS = [32, 26, 12]; // widths of: Layer (type), Output Shape, Param #

/** `1234567` → `1,234,567`. */
function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras's shape notation: `(None, 10, 32)`; unknown sizes print as `None`, an unbuilt model as `?`. */
function formatShape(shape: SampleShape | null): string {
  if (!shape) return '?';
  return `(${['None', ...shape.map((d) => (d === null ? 'None' : String(d)))].join(', ')})`;
}

function line(cells: string[]): string {
  return cells
    .map((c, i) => {
      const width = COLUMNS[i];
      const text = c.length >= width ? `${c.slice(0, width - 2)}… ` : c;
      return i === cells.length - 1 ? text.padStart(width) : text.padEnd(width);
    })
    .join('')
    .trimEnd();
}

/**
 * A Keras-like summary table:
 * ```
 * Model: "sequential_1"
 * ──────────────────────────────────────────────────────────────────────
 * Layer (type)                    Output Shape                   Param #
 * ══════════════════════════════════════════════════════════════════════
 * lstm_1 (LSTM)                   (None, 10, 32)                   4,352
 * ...
 * Total params: 4,385
 * ```
 */
export function formatSummary(modelName: string, rows: readonly SummaryRow[]): string {
  const width = COLUMNS.reduce((a, b) => a + b, 0);
  const out = [`Model: "${modelName}"`, '─'.repeat(width), line(['Layer (type)', 'Output Shape', 'Param #']), '═'.repeat(width)];
  let total = 0;
  rows.forEach((row, i) => {
    const params = row.layer.countParams();
    total += params;
    out.push(line([`${row.layer.name} (${row.layer.className})`, formatShape(row.outputShape), row.layer.built ? withThousands(params) : '0 (unbuilt)']));
    if (i < rows.length - 1) out.push('─'.repeat(width));
  });
  out.push('═'.repeat(width));
  out.push(`Total params: ${withThousands(total)}`);
  out.push(`Trainable params: ${withThousands(total)}`);
  out.push('Non-trainable params: 0');
  out.push('─'.repeat(width));
  return out.join('\n');
}
