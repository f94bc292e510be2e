import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A Vega-Lite specification (kept loose: the charts here are small literal specs). */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite spec to SVG headlessly (vega's `renderer: 'none'`: no browser, no canvas).
 * vega and vega-lite are ES modules only, so they are loaded with a dynamic import.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  // vega's warnings go to the console by default; a chart of ours that warns is a bug for the tests, not news for the user.
  const logger = vega.logger(vega.None);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0], { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders `spec` into the file `path` (creating its folder; written whole or not at all). */
export async function writeSvg(path: string, spec: VegaLiteSpec): Promise<string> {
  const svg = await renderSvg(spec);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, svg);
    renameSync(temporary, path);
  } catch (err) {
    // A failed write or rename leaves no half-written file behind; the error is the first failure's.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the original error says what went wrong.
    }
    throw err;
  }
  return path;
}
