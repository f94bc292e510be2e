import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { CellKind } from '@rnn/backend-api';
import { BACKENDS, type BenchBackend, CELLS, CONFIG_NAMES, type ConfigName, MODES, type Mode } from './grid';
import { DEFAULT_BUDGET, type TimingBudget } from './timing';

/** What one bench run does, from the command line. */
export interface BenchOptions {
  cells: CellKind[];
  configs: ConfigName[];
  modes: Mode[];
  backends: BenchBackend[];
  /** True when `--backend` was given: a requested backend that cannot run is then an error. */
  backendsExplicit: boolean;
  /** Run tfjs on every config, not only where it fits in seconds. */
  allPeers: boolean;
  validate: boolean;
  sgemm: boolean;
  threads: number;
  seed: number;
  budget: TimingBudget;
  /** `--json FILE`: the array of results. */
  jsonFile: string | null;
  /** `--report FILE`: everything (machine, sgemm, results, validation, memory). */
  reportFile: string | null;
}

/** A bad command line; main prints it with the usage and exits with code 2. */
export class UsageError extends Error {}

/** The `--help` text. */
export const USAGE = `Usage: npm run bench -- [options]

  --cell C        lstm | gru | rnn             (repeatable or comma-separated; default all)
  --config C      small | medium | large       (default all)
  --mode M        infer | train                (default both)
  --backend B     native | fallback | pytorch | tfjs-cpu | tfjs-wasm   (default all)
  --json FILE     write the results as a JSON array
  --report FILE   write everything (machine, sgemm ceiling, results, validation, memory) as JSON
  --threads N     math threads for the native backend (default min(2, cores))
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
  return {
    cells: pick('cell', v.cell, CELLS),
    configs: pick('config', v.config, CONFIG_NAMES),
    modes: pick('mode', v.mode, MODES),
    backends: pick('backend', v.backend, BACKENDS),
    backendsExplicit: v.backend !== undefined,
    allPeers: v['all-peers'],
    validate: !v['skip-validate'],
    sgemm: !v['skip-sgemm'],
    threads: positiveInt('threads', v.threads, Math.min(2, cpus().length)),
    seed: positiveInt('seed', v.seed, 1234),
    budget: { ...DEFAULT_BUDGET, budgetMs },
    jsonFile: v.json ?? null,
    reportFile: v.report ?? null,
  };
}
