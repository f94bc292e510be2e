import { xEncoding, type XAxis } from './axes';
import type { VegaLiteSpec } from './render';

/** One point of a named line. */
export interface LinePoint {
  x: number;
  y: number;
  series: string;
}

/** One panel: named lines over a shared x axis. */
export interface Panel {
  title: string;
  x: XAxis;
  yTitle: string;
  rows: LinePoint[];
  height?: number;
}

/** Lines with this many points or fewer also draw a marker at each point (a single point is then visible). */
export const MARKERS_UP_TO = 60;

/** Series in a fixed order and colour across every chart. */
const SERIES = ['actual', 'history', 'model', 'forecast', 'naive', 'seasonal naive', 'loss', 'val_loss'];
const COLOURS = ['#4c78a8', '#4c78a8', '#f58518', '#f58518', '#9d9d9d', '#54a24b', '#4c78a8', '#f58518'];

/** A chart of one or more panels stacked vertically, with an overall title. */
export function lineChart(title: string, panels: readonly Panel[]): VegaLiteSpec {
  // One colour domain for every panel, so stacked panels share one legend without conflicts.
  const names = new Set(panels.flatMap((p) => p.rows.map((r) => r.series)));
  const used = SERIES.filter((s) => names.has(s));
  const specs = panels.map((p) => panelSpec(p, used));
  const body = specs.length === 1 ? { ...specs[0], title } : { title, vconcat: specs, resolve: { scale: { color: 'shared' } } };
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...body };
}

function panelSpec(panel: Panel, used: readonly string[]): VegaLiteSpec {
  const perSeries = new Map<string, number>();
  for (const r of panel.rows) perSeries.set(r.series, (perSeries.get(r.series) ?? 0) + 1);
  const markers = Math.max(0, ...perSeries.values()) <= MARKERS_UP_TO;
  return {
    title: panel.title,
    width: 720,
    height: panel.height ?? 300,
    data: { values: panel.rows },
    mark: { type: 'line', strokeWidth: 1.4, ...(markers ? { point: { size: 30 } } : {}) },
    encoding: {
      x: xEncoding(panel.x, panel.rows.map((r) => r.x)),
      y: { field: 'y', type: 'quantitative', title: panel.yTitle, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: used, range: used.map((s) => COLOURS[SERIES.indexOf(s)]) },
      },
      ...(used.includes('forecast') ? { strokeDash: { field: 'series', type: 'nominal', legend: null, scale: { domain: used, range: used.map((s) => (s === 'forecast' ? [5, 3] : [1, 0])) } } } : {}),
    },
  };
}
