/**
 * `npm run bench -- <flags>`: validates our backends against each other (and PyTorch) on the bench
 * shapes, then times them next to the sgemm ceiling, PyTorch and tfjs, and prints markdown tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BenchOptions, USAGE, UsageError, parseBenchArgs } from './args';
import { machineInfo } from './machine';
import { ceilingOf, memoryRows, memoryTable, profileTable, resultsTable, sgemmTable, targetChecks, targetsTable } from './report';
import { runGrid } from './run-grid';
import { measureSgemm } from './sgemm';

/** Where a run's full report goes when `--report` is not given. */
const DEFAULT_REPORT = join(__dirname, '..', 'results', 'latest.json');

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * nx runs the bench in its package directory, but `npm run bench -- --json out.json` is typed at
 * the workspace root: resolve relative paths from there when nx says where it is.
 */
function outputPath(file: string): string {
  return resolve(process.env.NX_WORKSPACE_ROOT ?? process.cwd(), file);
}

function writeJson(file: string, value: unknown): void {
  const path = outputPath(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  log(`wrote ${path}`);
}

async function run(opts: BenchOptions): Promise<number> {
  const started = Date.now();
  const machine = machineInfo();
  log(`bench on ${machine.cpuModel}, ${machine.cores} cores; native threads ${opts.threads}`);

  const sgemm = opts.sgemm && opts.backends.includes('native') ? await measureSgemm() : null;
  if (sgemm && 'skipped' in sgemm) log(`sgemm ceiling skipped: ${sgemm.skipped}`);
  const ceiling = ceilingOf(sgemm);

  const outcome = await runGrid(opts, log);
  const targets = targetChecks(outcome, ceiling);
  const memory = memoryRows(outcome.records);

  const out: string[] = [];
  const endLoad = Math.round(loadavg()[0] * 100) / 100;
  out.push(`## @rnn bench — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
  const contended = Math.max(machine.loadAverage, endLoad) > machine.cores;
  out.push(
    `- load average (1 min): ${machine.loadAverage} at start, ${endLoad} at end` +
      (contended ? ` (above ${machine.cores} cores: timings are contended)` : ` (at most ${machine.cores} cores: not contended)`),
  );
  for (const [backend, details] of Object.entries(outcome.backendDetails)) out.push(`- ${backend}: ${details}`);
  if (sgemm && !('skipped' in sgemm)) {
    out.push('', '### OpenBLAS sgemm ceiling (native addon `gemm`)', '', sgemmTable(sgemm));
  }
  out.push('', '### Results', '', resultsTable(outcome.records, ceiling));
  if (memory.length > 0) {
    out.push('', '### Memory: minimum need (weights + grads + Adam + activations) vs peak RSS growth', '', memoryTable(memory));
  }
  if (outcome.profiles.length > 0) out.push('', '### Where the time goes (mean ms per call)', '', profileTable(outcome.profiles));
  if (targets.length > 0) out.push('', '### Targets', '', targetsTable(targets));
  if (outcome.validations.length > 0) {
    const ok = outcome.validations.filter((v) => v.ok).length;
    out.push('', `Validation: ${ok}/${outcome.validations.length} comparisons within tolerance.`);
  }
  for (const s of outcome.skipped) out.push(`- skipped ${s}`);
  for (const f of outcome.failures) out.push(`- **FAILED** ${f}`);
  out.push('', `(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.stdout.write(`${out.join('\n')}\n`);

  // The array keeps the agreed fields first; `reps` and `baselineRssMb` ride along.
  if (opts.jsonFile) writeJson(opts.jsonFile, outcome.records);
  writeJson(opts.reportFile ?? DEFAULT_REPORT, {
    date: new Date(started).toISOString(),
    machine,
    loadAverageAtEnd: Math.round(loadavg()[0] * 100) / 100,
    options: { ...opts, reportFile: undefined, jsonFile: undefined },
    backends: outcome.backendDetails,
    sgemm,
    sgemmCeiling2ThreadGflops: ceiling,
    results: outcome.records,
    profiles: outcome.profiles,
    validations: outcome.validations,
    memory,
    targets,
    skipped: outcome.skipped,
    failures: outcome.failures,
    seconds: (Date.now() - started) / 1000,
  });
  return outcome.failures.length > 0 ? 1 : 0;
}

async function main(): Promise<void> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    log(`${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.exitCode = await run(opts);
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
