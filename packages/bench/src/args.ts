import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { CellKind } from '@rnn/backend-api';
import { BACKENDS, type BenchBackend, CELLS, CONFIG_NAMES, type ConfigName, MODES, type Mode } from './grid';
import { DEFAULT_BUDGET, type TimingBudget } from './timing';

/** What one bench run does, from the command line. */
export interface BenchOptions {
  cells: CellKind[];
  configs: ConfigName[];
  /** The grid's modes (`infer`, `train`); `--mode serve` sets `serve` instead. */
  modes: Mode[];
  /** `--mode serve`: the serving benchmark. */
  serve: boolean;
  /** Concurrent callers K of each serving run, e.g. `[1, 2]`. */
  callers: number[];
  /** How long each serving run lasts, in ms. */
  serveMs: number;
  backends: BenchBackend[];
  /** True when `--backend` was given: a requested backend that cannot run is then an error. */
  backendsExplicit: boolean;
  /** Run tfjs on every config, not only where it fits in seconds. */
  allPeers: boolean;
  validate: boolean;
  sgemm: boolean;
  /** Native math threads; `null`: the backend's own default (`RNN_NUM_THREADS`, else every core). */
  threads: number | null;
  /** ONNX Runtime intra-op threads. */
  ortThreads: number;
  /** Run the whole comparison this many times, interleaved, and report medians and spread. */
  repeat: number;
  /** `--threads-check`: the thread-count targets (1 thread's CPU time vs wall; more threads than cores). */
  threadsCheck: boolean;
  seed: number;
  budget: TimingBudget;
  /** `--json FILE`: the array of results. */
  jsonFile: string | null;
  /** `--report FILE`: everything (machine, sgemm, results, validation, memory). */
  reportFile: string | null;
  /** `--markdown FILE`: the printed tables, ready to paste into the bench README. */
  markdownFile: string | null;
}

/** A bad command line; main prints it with the usage and exits with code 2. */
export class UsageError extends Error {}

/** Default length of one serving run. */
export const DEFAULT_SERVE_MS = 5000;

/** The `--help` text. */
export const USAGE = `Usage: npm run bench -- [options]

  --cell C        lstm | gru | rnn             (repeatable or comma-separated; default all)
  --config C      small | medium | large       (default all)
  --mode M        infer | train | serve        (default all three)
  --backend B     native | fallback | pytorch | onnxruntime | tfjs-cpu | tfjs-wasm   (default all)
  --repeat N      run the whole comparison N times, interleaved; report medians and min–max (default 1)
  --callers K     concurrent callers of the serving runs (default 1,2)
  --serve-ms MS   length of one serving run (default ${DEFAULT_SERVE_MS})
  --threads-check time native with RNN_NUM_THREADS=1, = cores and = 2×cores (thread targets)
  --json FILE     write the results as a JSON array
  --report FILE   write everything (machine, sgemm ceiling, results, validation, memory) as JSON
  --markdown FILE write the printed tables (the bench README's results section) to FILE too
  --threads N     math threads for the native backend (default: RNN_NUM_THREADS, else every core)
  --ort-threads N ONNX Runtime intra-op threads (default: every core)
  --budget-ms MS  time to spend per case (default ${DEFAULT_BUDGET.budgetMs})
  --seed N        weights and batch seed (default 1234)
  --all-peers     run tfjs on every config (slow: minutes per large case)
  --skip-validate time without checking the backends against each other first
  --skip-sgemm    do not measure the OpenBLAS sgemm ceiling
  --help          this text`;

/** Splits repeated and comma-separated values and checks each against the allowed list. */
function pick<T extends string>(flag: string, values: string[] | undefined, allowed: readonly T[]): T[] {
  if (!values || values.length === 0) return [...allowed];
  const wanted = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  for (const v of wanted) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw new UsageError(`--${flag} expected one of ${allowed.join(', ')}, got '${v}'`);
    }
  }
  // Keep grid order, drop duplicates.
  return allowed.filter((a) => wanted.includes(a));
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} expected a positive integer, got '${value}'`);
  return n;
}

/** A comma-separated list of positive integers, e.g. `--callers 1,2,4`; sorted, without duplicates. */
function positiveInts(flag: string, values: string[] | undefined, fallback: number[]): number[] {
  if (!values || values.length === 0) return fallback;
  const all = values.flatMap((v) => v.split(',')).map((v) => positiveInt(flag, v.trim(), 0));
  return [...new Set(all)].sort((a, b) => a - b);
}

/** Parses the command line; throws `UsageError` on anything unknown or malformed. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        cell: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true },
        mode: { type: 'string', multiple: true },
        backend: { type: 'string', multiple: true },
        json: { type: 'string' },
        report: { type: 'string' },
        threads: { type: 'string' },
        'ort-threads': { type: 'string' },
        repeat: { type: 'string' },
        callers: { type: 'string', multiple: true },
        'serve-ms': { type: 'string' },
        'threads-check': { type: 'boolean', default: false },
        markdown: { type: 'string' },
        'budget-ms': { type: 'string' },
        seed: { type: 'string' },
        'all-peers': { type: 'boolean', default: false },
        'skip-validate': { type: 'boolean', default: false },
        'skip-sgemm': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const budgetMs = positiveInt('budget-ms', v['budget-ms'], DEFAULT_BUDGET.budgetMs);
  const modes = pick('mode', v.mode, [...MODES, 'serve'] as const);
  return {
    cells: pick('cell', v.cell, CELLS),
    configs: pick('config', v.config, CONFIG_NAMES),
    modes: modes.filter((m): m is Mode => m !== 'serve'),
    serve: modes.includes('serve'),
    callers: positiveInts('callers', v.callers, [1, 2]),
    serveMs: positiveInt('serve-ms', v['serve-ms'], DEFAULT_SERVE_MS),
    backends: pick('backend', v.backend, BACKENDS),
    backendsExplicit: v.backend !== undefined,
    allPeers: v['all-peers'],
    validate: !v['skip-validate'],
    sgemm: !v['skip-sgemm'],
    threads: v.threads === undefined ? null : positiveInt('threads', v.threads, 1),
    ortThreads: positiveInt('ort-threads', v['ort-threads'], availableParallelism()),
    repeat: positiveInt('repeat', v.repeat, 1),
    threadsCheck: v['threads-check'],
    seed: positiveInt('seed', v.seed, 1234),
    budget: { ...DEFAULT_BUDGET, budgetMs },
    jsonFile: v.json ?? null,
    reportFile: v.report ?? null,
    markdownFile: v.markdown ?? null,
  };
}

/**
 * The math thread count of the run: `--threads`, else `RNN_NUM_THREADS` (as the native children
 * read it), else the CPUs this process may run on. The sgemm ceiling and PyTorch's OpenBLAS use it.
 */
export function benchThreads(opts: BenchOptions, env: NodeJS.ProcessEnv = process.env): number {
  if (opts.threads !== null) return opts.threads;
  const fromEnv = Number(env.RNN_NUM_THREADS);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : availableParallelism();
}
