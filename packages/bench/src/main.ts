/**
 * `npm run bench -- <flags>`: validates our backends against each other (and PyTorch) on the bench
 * shapes, then times them next to the sgemm ceiling, PyTorch and tfjs, and prints markdown tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BenchOptions, USAGE, UsageError, benchThreads, parseBenchArgs } from './args';
import { type MachineInfo, machineInfo } from './machine';
import { ceilingOf, memoryRows, memoryTable, profileTable, resultsTable, sgemmTable } from './report';
import { runGrid } from './run-grid';
import type { RunResult } from './runs';
import { processPairTable, serveTable } from './serve-report';
import { type SgemmResult, measureSgemm } from './sgemm';
import { targetChecks, targetsTable, threadsTable } from './targets';

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

/** One run of the whole comparison: the sgemm ceiling, the grid, serving and threads, as selected. */
async function runOnce(opts: BenchOptions, index: number): Promise<{ run: RunResult; sgemm: SgemmResult | { skipped: string } | null }> {
  if (opts.repeat > 1) log(`run ${index + 1} of ${opts.repeat}`);
  const sgemm = opts.sgemm && opts.backends.includes('native') ? await measureSgemm(benchThreads(opts)) : null;
  if (sgemm && 'skipped' in sgemm) log(`sgemm ceiling skipped: ${sgemm.skipped}`);
  const outcome = await runGrid(opts, log);
  return { run: { outcome, ceiling: ceilingOf(sgemm) }, sgemm };
}

/** The instruction set native's step kernels ran with (`backendInfo().cpu`), where native ran. */
function nativeCpuLevel(runs: readonly RunResult[]): string | null {
  return runs.map((r) => r.outcome.nativeCpuLevel).find((level) => level !== null) ?? null;
}

/** The header: CPU (model, cores, SIMD flags, native's kernel level), load, backends, and how the figures were taken. */
function header(opts: BenchOptions, machine: MachineInfo, runs: readonly RunResult[]): string[] {
  const endLoad = Math.round(loadavg()[0] * 100) / 100;
  const contended = Math.max(machine.loadAverage, endLoad) > machine.cores;
  const simd = ['avx2', 'fma', 'avx512f'].map((f) => `${f.toUpperCase()} ${machine.simd.includes(f) ? 'yes' : 'no'}`).join(', ');
  const out = [
    `## @rnn bench — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`,
    `- CPU: ${machine.cpuModel}; ${simd}; ${machine.memoryGb} GiB; ${machine.os}`,
    `- load average (1 min): ${machine.loadAverage} at start, ${endLoad} at end` +
      (contended ? ` (above ${machine.cores} cores: timings are contended)` : ` (at most ${machine.cores} cores: not contended)`),
    opts.repeat > 1
      ? `- ${opts.repeat} runs of the whole comparison, one after another; each figure is the median over the runs, (min–max) its range; each run's figure is itself a median of repeated calls`
      : '- one run; each figure is a median of repeated calls (`--repeat N` gives medians and ranges over N runs)',
  ];
  const cpuLevel = nativeCpuLevel(runs);
  if (cpuLevel) out.push(`- native step kernels: ${cpuLevel} (\`backendInfo().cpu\`: the best the CPU has unless RNN_CPU lowers it)`);
  const details: Record<string, string> = {};
  for (const r of runs) Object.assign(details, r.outcome.backendDetails);
  for (const [backend, text] of Object.entries(details)) out.push(`- ${backend}: ${text}`);
  return out;
}

/** The markdown the bench prints (and `--markdown` writes): header, then every table this run filled. */
function markdown(opts: BenchOptions, machine: MachineInfo, runs: readonly RunResult[], sgemm: SgemmResult | null, seconds: number): string {
  const first = runs[0].outcome;
  const all = runs.map((r) => r.outcome);
  const out = header(opts, machine, runs);
  if (sgemm) out.push('', '### sgemm ceiling (native addon `gemm`: OpenBLAS blocks over the pool; last run)', '', sgemmTable(sgemm));
  if (all.some((o) => o.records.length > 0)) out.push('', '### Results', '', resultsTable(runs));
  if (all.some((o) => o.serving.length > 0)) out.push('', '### Serving: K callers, one sequence each (B=1, T=50, I=64, H=128)', '', serveTable(runs));
  if (all.some((o) => o.processPairs.length > 0)) {
    out.push('', '### What the host gives two callers: two native processes (RNN_NUM_THREADS=1), one caller each, against one', '', processPairTable(runs));
  }
  if (all.some((o) => o.threads.length > 0)) out.push('', '### Threads: native with RNN_NUM_THREADS set', '', threadsTable(runs));
  const memory = memoryRows(first.records);
  if (memory.length > 0) {
    out.push('', '### Memory: minimum need (weights + grads + Adam + activations) vs peak RSS growth (first run)', '', memoryTable(memory));
  }
  if (first.profiles.length > 0) out.push('', '### Where the time goes (mean ms per call, first run)', '', profileTable(first.profiles));
  const targets = targetChecks(runs);
  if (targets.length > 0) out.push('', '### Targets', '', targetsTable(targets));
  const validations = all.flatMap((o) => o.validations);
  if (validations.length > 0) {
    out.push('', `Validation: ${validations.filter((v) => v.ok).length}/${validations.length} comparisons within tolerance.`);
  }
  for (const s of new Set(all.flatMap((o) => o.skipped))) out.push(`- skipped ${s}`);
  for (const f of all.flatMap((o) => o.failures)) out.push(`- **FAILED** ${f}`);
  out.push('', `(${seconds.toFixed(0)} s)`);
  return `${out.join('\n')}\n`;
}

async function run(opts: BenchOptions): Promise<number> {
  const started = Date.now();
  const machine = machineInfo();
  log(`bench on ${machine.cpuModel}, ${machine.cores} cores (${machine.simd.join(', ')}); native threads ${opts.threads ?? 'default'}`);
  const runs: RunResult[] = [];
  let sgemm: SgemmResult | null = null;
  for (let i = 0; i < opts.repeat; i++) {
    const once = await runOnce(opts, i);
    runs.push(once.run);
    if (once.sgemm && !('skipped' in once.sgemm)) sgemm = once.sgemm;
  }
  const text = markdown(opts, machine, runs, sgemm, (Date.now() - started) / 1000);
  process.stdout.write(text);
  if (opts.markdownFile) {
    const path = outputPath(opts.markdownFile);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    log(`wrote ${path}`);
  }

  // The array keeps the agreed fields first; `reps`, `baselineRssMb` and `run` ride along.
  if (opts.jsonFile) writeJson(opts.jsonFile, runs.flatMap((r, i) => r.outcome.records.map((rec) => ({ ...rec, run: i + 1 }))));
  writeJson(opts.reportFile ?? DEFAULT_REPORT, {
    date: new Date(started).toISOString(),
    machine,
    nativeCpuLevel: nativeCpuLevel(runs),
    loadAverageAtEnd: Math.round(loadavg()[0] * 100) / 100,
    options: { ...opts, reportFile: undefined, jsonFile: undefined, markdownFile: undefined },
    runs: runs.map((r) => ({ sgemmCeilingGflops: r.ceiling, ...r.outcome })),
    sgemm,
    targets: targetChecks(runs),
    seconds: (Date.now() - started) / 1000,
  });
  return runs.some((r) => r.outcome.failures.length > 0) ? 1 : 0;
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
