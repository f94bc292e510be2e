#!/usr/bin/env node
/**
 * Runs nx for the npm scripts without its tool chatter: nx prints a "performance report" after
 * every run (run duration, critical path, and advice such as "Increase parallelism"), which no
 * setting turns off. This passes nx's output through and leaves that report out.
 *
 *   node tools/nx.mjs run-many -t test …      nx's output, without the report
 *   node tools/nx.mjs --quiet run … build     nothing on success; everything nx printed on failure
 *
 * The exit code is nx's.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const nxPackage = require.resolve('nx/package.json');
const nx = join(dirname(nxPackage), require(nxPackage).bin.nx);
const args = process.argv.slice(2);
const quiet = args[0] === '--quiet';
const nxArgs = quiet ? args.slice(1) : args;
// Piped output loses nx's and vitest's colours unless asked for; keep them on a terminal.
const env = process.stdout.isTTY && !('FORCE_COLOR' in process.env) ? { ...process.env, FORCE_COLOR: '1' } : process.env;

const child = spawn(process.execPath, [nx, ...nxArgs], { stdio: ['inherit', 'pipe', quiet ? 'pipe' : 'inherit'], env });
const captured = [];
let inReport = false;
createInterface({ input: child.stdout }).on('line', (line) => {
  // The report is the last thing nx prints; it starts with "Run duration:".
  if (/^\s*Run duration:\s/.test(line)) inReport = true;
  if (inReport) return;
  if (quiet) captured.push(line);
  else process.stdout.write(`${line}\n`);
});
if (quiet) createInterface({ input: child.stderr }).on('line', (line) => captured.push(line));

child.on('close', (code, signal) => {
  if (code !== 0 && quiet) process.stderr.write(`${captured.join('\n')}\n`);
  process.exitCode = code ?? (signal ? 1 : 0);
});
