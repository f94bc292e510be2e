import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeNative } from './load';

/**
 * Ending a JS environment while native kernel calls are queued or running must never take the
 * process down: a worker terminated mid-call, a worker calling process.exit(), the main thread
 * calling process.exit(). The tries run in child processes (fixtures/worker-teardown.cjs), so a
 * crash shows here as a failed test with its signal and stderr instead of killing the test runner.
 * Worker tries run five workers one after the other per child process (also proving that the addon
 * keeps working in a process whose workers come and go). The end comes 0–49 ms after the calls were
 * queued, spread over the tries, so it lands while calls wait, while one runs, and after some have
 * finished but are not yet delivered.
 */
const FIXTURE = fileURLToPath(new URL('./fixtures/worker-teardown.cjs', import.meta.url));
/** Child processes at once: enough to overlap on two cores, few enough not to starve them. */
const PARALLEL = 3;
/** Worker lifecycles per child process. */
const CYCLES = 5;
/** A watchdog, not a bound: dozens of child processes, slow under a sanitizer or a loaded machine. */
const TIMEOUT_MS = 600_000;

interface Outcome {
  delays: number[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(mode: string, delays: number[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, mode, ...delays.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ delays, code, signal, stdout, stderr }));
  });
}

/**
 * Ends `tries` environments, `perChild` of them in each child process, PARALLEL children at a
 * time; fails with the first failed children's details unless every try survived.
 */
async function expectSurvival(mode: string, tries: number, perChild: number): Promise<void> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < tries) {
      const delays = Array.from({ length: perChild }, () => (next++ * 7) % 50);
      outcomes.push(await runChild(mode, delays));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  const survived = outcomes.reduce((n, o) => n + (o.stdout.match(/^survived$/gm)?.length ?? 0), 0);
  const failed = outcomes.filter((o) => o.code !== 0 || o.signal !== null);
  const details = failed
    .slice(0, 3)
    .map((o) => `delays ${o.delays.join(', ')} ms: code ${o.code}, signal ${o.signal}\n${o.stderr.slice(0, 600)}`)
    .join('\n---\n');
  expect({ survived, failedChildren: failed.length }, details).toEqual({ survived: tries, failedChildren: 0 });
}

describeNative('ending a JS environment while native calls are in flight', () => {
  it('worker.terminate() mid-call, 50 times: the process survives and the addon still computes', async () => {
    await expectSurvival('terminate', 50, CYCLES);
  }, TIMEOUT_MS);

  it('process.exit() inside a worker with calls in flight, 50 times: the process survives', async () => {
    await expectSurvival('worker-exit', 50, CYCLES);
  }, TIMEOUT_MS);

  it('process.exit() on the main thread with calls in flight, 20 times: exits cleanly with code 0', async () => {
    await expectSurvival('main-exit', 20, 1);
  }, TIMEOUT_MS);
});
