import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Vega-Lite specification (kept loose: the examples build small literal specs). */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite spec to SVG headlessly (vega's `renderer: 'none'`, no browser, no canvas).
 * vega and vega-lite are ES modules only, so they are loaded with a dynamic import.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders `spec` into `dir/name` (creating `dir`) and returns the path. */
export async function writeSvg(dir: string, name: string, spec: VegaLiteSpec): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, await renderSvg(spec));
  return path;
}

/** A line chart of several named series over a shared x axis (one colour per series). */
export function lineChart(options: {
  title: string;
  /** `integer`: whole-number ticks only (epochs, counts). */
  x: { title: string; type: 'temporal' | 'quantitative'; integer?: boolean };
  y: { title: string };
  rows: { x: string | number; y: number; series: string }[];
  width?: number;
  height?: number;
}): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 720,
    height: options.height ?? 320,
    data: { values: options.rows },
    mark: { type: 'line', strokeWidth: 1.2 },
    encoding: {
      x: {
        field: 'x',
        type: options.x.type,
        title: options.x.title,
        ...(options.x.integer ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
      y: { field: 'y', type: 'quantitative', title: options.y.title, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}
