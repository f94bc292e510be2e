#!/usr/bin/env node
'use strict';
/**
 * The optional install step (also what `npm rebuild @rnn/native` runs). It never fails an install:
 * - a binary that already loads (the shipped prebuild for this platform) → nothing to do;
 * - otherwise it tries a source build (scripts/build.js, which needs cmake, g++, OpenBLAS and the
 *   cmake-js dev tools) and, whatever happens, exits 0: @rnn/core then runs on its fallback.
 * pnpm and bun skip install scripts, and npm may ask to approve them; nothing depends on this step.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

try {
  const loads = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(root, 'lib', 'index.js'))})`], {
    cwd: root,
    stdio: 'ignore',
  });
  if (loads.status === 0) process.exit(0);
  // A soft build: CI / RNN_REQUIRE_NATIVE must not turn a consumer's install into a failure.
  const env = { ...process.env };
  delete env.CI;
  delete env.RNN_REQUIRE_NATIVE;
  spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { cwd: root, stdio: 'inherit', env });
} catch (error) {
  process.stderr.write(`@rnn/native: install step skipped (${error && error.message}); @rnn/core will use its fallback backend.\n`);
}
process.exit(0);
