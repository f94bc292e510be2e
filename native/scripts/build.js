#!/usr/bin/env node
'use strict';
/**
 * Builds the addon (cmake-js compile) and copies it to prebuilds/<platform>-<arch>/, where
 * lib/index.js looks first and `npm pack` ships it.
 *
 * On a machine without cmake, a compiler or OpenBLAS, a failed build prints what is missing and
 * exits 0, so everything runs on the TypeScript fallback. It exits non-zero instead when
 * CI=true, RNN_REQUIRE_NATIVE=1 or `--require` (prepack: never pack without the binary).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { INSTALL_FIX } = require('../lib/install-fix');

const root = path.join(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'rnn_native.node');
const prebuiltDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const required =
  process.argv.includes('--require') || /^(1|true)$/i.test(process.env.CI ?? '') || process.env.RNN_REQUIRE_NATIVE === '1';

function has(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

/** What the build needs and is not there, with the install command. */
function missingTools() {
  const missing = [];
  if (!has('cmake', ['--version'])) missing.push('cmake');
  if (!has('c++', ['--version']) && !has('g++', ['--version']) && !has('clang++', ['--version'])) missing.push('a C++ compiler (g++)');
  const openblas = has('pkg-config', ['--exists', 'openblas']) || ['/usr/include/openblas', '/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/include/aarch64-linux-gnu/openblas-pthread', '/opt/homebrew/opt/openblas/include', '/usr/local/opt/openblas/include'].some((dir) => fs.existsSync(path.join(dir, 'cblas.h')));
  if (!openblas) missing.push('OpenBLAS headers (libopenblas-dev)');
  if (!fs.existsSync(path.join(root, 'CMakeLists.txt')) || !fs.existsSync(path.join(root, 'src', 'addon', 'addon.cc'))) missing.push('the C++ sources');
  return missing;
}

function fail(reason) {
  const notice =
    `@rnn/native: the native addon was not built: ${reason}.\n` +
    `  Install the build tools and rebuild: ${INSTALL_FIX.buildTools}, then \`${INSTALL_FIX.rebuild}\`\n` +
    '  (in this repository: `npm run build -w @rnn/native`).\n' +
    '  Until then @rnn/core runs on its TypeScript fallback backend (same results, slower).';
  if (required) {
    process.stderr.write(`${notice}\n  Failing because ${process.argv.includes('--require') ? '--require was given' : 'CI or RNN_REQUIRE_NATIVE=1 is set'}.\n`);
    process.exit(1);
  }
  process.stderr.write(`${notice}\n`);
  process.exit(0);
}

const missing = missingTools();
if (missing.length > 0) fail(`missing ${missing.join(', ')}`);

let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
} catch {
  fail('cmake-js is not installed (it is a devDependency of @rnn/native: run npm install inside the package)');
}
// The addon's view of the kernel contract, regenerated from @rnn/backend-api's tables when they are
// here (in the repository); a packed @rnn/native builds from the committed copy.
const generated = spawnSync(process.execPath, [path.join(__dirname, 'generate-contract.js')], { cwd: root, stdio: 'inherit' });
if (generated.status !== 0) fail('generating the kernel contract tables failed');

const extra = process.env.RNN_ASAN === '1' ? ['--CDRNN_ASAN=ON'] : [];
// cmake-js, CMake and the compiler talk a lot; their output is shown only when the build fails
// (RNN_BUILD_VERBOSE=1 shows it always).
const verbose = process.env.RNN_BUILD_VERBOSE === '1';
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn', ...extra], {
  cwd: root,
  stdio: verbose ? 'inherit' : 'pipe',
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (result.error || result.status !== 0 || !fs.existsSync(built)) {
  if (!verbose) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  fail(`cmake-js compile failed${result.error ? ` (${result.error.message})` : ` with exit code ${result.status}`}`);
}

fs.mkdirSync(prebuiltDir, { recursive: true });
fs.copyFileSync(built, path.join(prebuiltDir, 'rnn_native.node'));

// Prove the copy loads here (OpenBLAS runtime present, ABI right) before anyone depends on it.
const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(root, 'lib', 'index.js'))})`], {
  cwd: root,
  encoding: 'utf8',
});
if (check.status !== 0) fail(`the built addon does not load:\n${check.stderr.trim()}`);
// Under nx every line already carries the project's name.
const prefix = process.env.NX_TASK_TARGET_PROJECT ? '' : '@rnn/native: ';
process.stdout.write(`${prefix}built ${path.relative(root, built)} and copied it to ${path.relative(root, prebuiltDir)}/\n`);
