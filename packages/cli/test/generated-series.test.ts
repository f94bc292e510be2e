import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tensor, importOnnx, loadModel, readSafetensors } from '@rnn/core';
import { generated, rnn, tempDir, writeCsv, type Run } from './helpers';

// `rnn train`, `evaluate` and `forecast` end to end on the generated series of the issue, with
// short settings. On the sine and the seasonal series the model must beat the naive baseline
// clearly; on the others it must train and forecast without a NaN or an infinity.
const dir = tempDir();
const short = ['--window', '24', '--units', '16', '--quiet'];

interface Case {
  csv: string;
  model: string;
  train: Run;
  evaluate: Run;
  forecast: Run;
}

async function runCase(name: keyof typeof generated, trainArgs: string[], forecastArgs: string[] = []): Promise<Case> {
  const [header, rows] = generated[name]();
  const csv = writeCsv(dir, `${name}.csv`, header, rows);
  const model = join(dir, `${name}-model`);
  const train = await rnn('train', csv, ...short, ...trainArgs, '--out', model);
  const evaluate = await rnn('evaluate', model, csv, '--format', 'json');
  const forecast = await rnn('forecast', model, csv, '--format', 'json', ...forecastArgs);
  return { csv, model, train, evaluate, forecast };
}

const cases: Partial<Record<keyof typeof generated, Case>> = {};

beforeAll(async () => {
  cases.sine = await runCase('sine', ['--column', 'value', '--epochs', '20']);
  cases.seasonal = await runCase('seasonal', ['--column', 'sales', '--date', 'month', '--unit', 'k€', '--epochs', '20'], ['--steps', '24']);
  cases.randomWalk = await runCase('randomWalk', ['--column', 'price', '--epochs', '3'], ['--history', '700']);
  cases.constantStretch = await runCase('constantStretch', ['--column', 'level', '--epochs', '3']);
  cases.multiFeature = await runCase('multiFeature', ['--column', 'target', '--features', 'lead,noise', '--epochs', '3'], ['--steps', '1']);
}, 600_000);

/** Every number anywhere in a JSON text. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

interface EvaluateJson {
  windows: number;
  metrics: Record<string, { rmse: number; mae: number; mape: number | null }>;
  verdicts: { baseline: string; outcome: string; rmseGainPercent: number; pValue: number | null }[];
}

describe('rnn train / evaluate / forecast on generated series', () => {
  for (const name of ['sine', 'seasonal', 'randomWalk', 'constantStretch', 'multiFeature'] as const) {
    it(`${name}: trains, evaluates and forecasts with finite numbers only`, () => {
      const c = cases[name]!;
      expect(c.train.err).toBe('');
      for (const run of [c.train, c.evaluate, c.forecast]) {
        expect(run.code, run.err).toBe(0);
        // JSON on stdout; stderr says only where the plot went.
        expect(run.err).toMatch(/^(Wrote \S+\.svg\n)*$/);
        // No NaN, no infinity, and no number printed as -0 or -0.00.
        expect(run.out).not.toMatch(/NaN|Infinity|(?<![\w-])-0(\.0+)?(?![\w.])/);
      }
      expect(c.train.out).toMatch(/Saved the model to .* \(reloaded and checked: identical predictions\)/);
      const report = JSON.parse(c.evaluate.out) as EvaluateJson;
      expect(report.windows).toBeGreaterThanOrEqual(90);
      for (const v of numbersIn(report.metrics)) expect(Number.isFinite(v)).toBe(true);
      const forecast = JSON.parse(c.forecast.out) as { forecast: { value: number }[] };
      expect(forecast.forecast.length).toBeGreaterThan(0);
      for (const p of forecast.forecast) expect(Number.isFinite(p.value)).toBe(true);
    });
  }

  for (const [name, margin] of [['sine', 40], ['seasonal', 30]] as const) {
    it(`${name}: the model beats the naive baseline clearly (RMSE ≥ ${margin}% lower, Diebold–Mariano p < 0.05)`, () => {
      const report = JSON.parse(cases[name]!.evaluate.out) as EvaluateJson;
      const naive = report.verdicts.find((v) => v.baseline === 'the naive baseline')!;
      expect(naive.outcome).toBe('better');
      expect(naive.rmseGainPercent).toBeGreaterThan(margin);
    });
  }

  it('chooses the scaling that fits each series and says why', () => {
    expect(cases.randomWalk!.train.out).toMatch(/Scaling 'price': ratio .*every value is positive/);
    expect(cases.sine!.train.out).toMatch(/Scaling 'value': standardised .*keeps returning to its mean/);
    expect(cases.constantStretch!.train.out).toMatch(/Scaling 'level': difference .*wanders/);
    expect(cases.seasonal!.train.out).toMatch(/Season: 12 rows \(detected/);
    expect(cases.sine!.train.out).toMatch(/Season: 25 rows \(detected/);
    expect(cases.randomWalk!.train.out).toMatch(/Season: none found/);
  });

  it('forecasts dated series on their calendar, and refuses to forecast unknown feature values', async () => {
    const seasonal = JSON.parse(cases.seasonal!.forecast.out) as { forecast: { date: string }[] };
    expect(seasonal.forecast.slice(0, 2).map((p) => p.date)).toEqual(['2020-01-01', '2020-02-01']);
    const walk = JSON.parse(cases.randomWalk!.forecast.out) as { forecast: { date: string }[] };
    expect(walk.forecast[0].date).toBe('2018-09-10'); // the Monday after Friday 2018-09-07
    const c = cases.multiFeature!;
    const tooFar = await rnn('forecast', c.model, c.csv, '--steps', '5');
    expect(tooFar.code).toBe(2);
    expect(tooFar.err).toMatch(/^rnn forecast: 'target' is forecast from other columns too \(lead, noise\).*--steps can be at most the model's horizon \(1\)/);
  });

  it('rnn export writes ONNX that predicts what the model predicts, and safetensors in PyTorch names with the series description', async () => {
    const onnx = join(dir, 'seasonal.onnx');
    const safetensors = join(dir, 'seasonal.safetensors');
    const run = await rnn('export', cases.seasonal!.model, '--onnx', onnx, '--safetensors', safetensors);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^Wrote .*seasonal\.onnx: ONNX opset 17, input 'input' \[batch, 24, 1\] → output 'output' \[batch, 1\], scaled values\.$/m);
    expect(run.out).toMatch(/^Wrote .*seasonal\.safetensors: 6 tensors in PyTorch's names and layouts \(0\.weight_ih_l0, /m);
    const net = await loadModel(cases.seasonal!.model);
    const x = new Tensor(Float32Array.from({ length: 2 * 24 }, (_, i) => Math.sin(i / 5)), [2, 24, 1]);
    const again = await importOnnx(onnx);
    expect(Array.from((await again.predict(x)).data)).toEqual(Array.from((await net.predict(x)).data));
    const { tensors, metadata } = await readSafetensors(safetensors);
    const expected = net.stateDict();
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, t] of Object.entries(expected)) expect(Array.from(tensors[name].data)).toEqual(Array.from(t.data));
    expect(JSON.parse(metadata['rnn.series'])).toMatchObject({ target: 'sales', window: 24, scaling: [{ kind: 'ratio' }] });
    const nothing = await rnn('export', cases.seasonal!.model);
    expect(nothing.code).toBe(2);
    expect(nothing.err).toBe('rnn export: nothing to export: give --onnx FILE, --safetensors FILE, or both\n');
    const badOpset = await rnn('export', cases.seasonal!.model, '--onnx', onnx, '--opset', '9');
    expect(badOpset.code).toBe(2);
    expect(badOpset.err).toMatch(/argument '9' is invalid\. Allowed choices are 14, 15, 16, 17\./);
  });

  it('a scaling of levels says how much of the test span lies beyond the training range', async () => {
    const model = join(dir, 'seasonal-minmax');
    const train = await rnn('train', cases.seasonal!.csv, '--column', 'sales', '--date', 'month', ...short, '--epochs', '1', '--scaling', 'minmax', '--no-plot', '--out', model);
    expect(train.out).toMatch(/Scaling 'sales': min-max scaled over the training span, .*values beyond that range must be extrapolated; as asked/);
    const evaluate = await rnn('evaluate', model, cases.seasonal!.csv, '--no-plot');
    expect(evaluate.out).toMatch(/Note: \d+% of the test values lie outside the training range \[[\d.]+, [\d.]+\], where a model of minmax-scaled levels has to extrapolate/);
  });

  it('rnn info describes a model', async () => {
    const info = await rnn('info', cases.seasonal!.model);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/LSTM\(16\) → Dense\(1\)/);
    expect(info.out).toMatch(/Training data: seasonal\.csv, 480 rows from 1980-01-01 to 2019-12-01/);
    expect(readFileSync(join(cases.seasonal!.model, 'model.json'), 'utf8')).toContain('"series"');
  });
});

/** The text of every label vega left visible (it hides overlapping labels with opacity 0). */
function visibleTexts(svg: string): string[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].filter((m) => !/opacity="0"/.test(m[1])).map((m) => m[2]);
}

describe('plots of any series', () => {
  it('a dated multi-year span shows year labels, and titles and axes name the column and its unit', () => {
    const svg = readFileSync(join(cases.seasonal!.model, 'evaluation.svg'), 'utf8');
    const texts = visibleTexts(svg);
    const years = texts.filter((t) => /^(19|20)\d\d$/.test(t)).map(Number);
    expect(new Set(years).size).toBeGreaterThanOrEqual(3);
    expect(texts).toContain("'sales': one-step forecasts over the test span");
    expect(texts).toContain('sales (k€)');
    expect(texts).toContain('date');
    expect(texts.some((t) => /^zoom: the last 60 test points$/.test(t))).toBe(true);
    const history = visibleTexts(readFileSync(join(cases.randomWalk!.model, 'forecast.svg'), 'utf8'));
    // 2016-01-04 to 2018-09-07: a label at each new year.
    expect(history.filter((t) => /^20\d\d$/.test(t))).toEqual(['2017', '2018']);
    expect(history).toContain('price');
  });

  it('a series without dates is drawn against row numbers, titled by its column', () => {
    const texts = visibleTexts(readFileSync(join(cases.sine!.model, 'evaluation.svg'), 'utf8'));
    expect(texts).toContain("'value': one-step forecasts over the test span");
    expect(texts).toContain('value');
    expect(texts).toContain('row of the file');
    expect(texts.join(' ')).not.toMatch(/S&P|index points|trading days/);
  });

  it('a one-epoch learning curve draws its point', async () => {
    const out = join(dir, 'one-epoch');
    const run = await rnn('train', cases.sine!.csv, '--column', 'value', ...short, '--epochs', '1', '--out', out);
    expect(run.code, run.err).toBe(0);
    const svg = readFileSync(join(out, 'learning-curve.svg'), 'utf8');
    // One point per series (loss, val_loss), drawn at a finite position.
    const points = [...svg.matchAll(/<path aria-label="epoch: 1; [^"]*; series: (\w+)" role="graphics-symbol"[^>]* transform="translate\(([^,]+),([^)]+)\)"/g)];
    expect(points.map((p) => p[1])).toEqual(['loss', 'val_loss']);
    for (const p of points) expect(Number.isFinite(Number(p[2])) && Number.isFinite(Number(p[3]))).toBe(true);
    expect(visibleTexts(svg)).toContain("Learning curve: LSTM forecasting 'value'");
  });
});
