'use strict';
/**
 * The single place that loads the compiled addon. Candidates, in order:
 *   1. prebuilds/<platform>-<arch>/rnn_native.node  (shipped in the package, made at pack time)
 *   2. build/Release/rnn_native.node                (a development build: `npx cmake-js compile`)
 * (preceded by $RNN_NATIVE_BINARY when set, e.g. to test an AddressSanitizer build).
 * On failure it throws an Error with `code: 'RNN_NATIVE_UNAVAILABLE'` and `causes`: one line per
 * candidate saying why it did not load, and a message ending in the fixes; or the addon's own error
 * for a wrong setting: `code: 'RNN_CPU_LEVEL'` when RNN_CPU names a level this CPU cannot run,
 * `code: 'RNN_NUM_THREADS'` when RNN_NUM_THREADS names no thread count.
 */
const fs = require('node:fs');
const path = require('node:path');
const { explainLoadFailure } = require('./explain-load-failure');
const { LOAD_FIXES } = require('./install-fix');

const packageRoot = path.join(__dirname, '..');
const platformTag = `${process.platform}-${process.arch}`;

/** The addon's errors for a wrong environment setting. */
const SETTING_ERRORS = new Set(['RNN_CPU_LEVEL', 'RNN_NUM_THREADS']);

/** Paths tried, in order. RNN_NATIVE_BINARY (e.g. an AddressSanitizer build) comes first when set. */
const candidates = [
  ...(process.env.RNN_NATIVE_BINARY ? [path.resolve(process.env.RNN_NATIVE_BINARY)] : []),
  path.join(packageRoot, 'prebuilds', platformTag, 'rnn_native.node'),
  path.join(packageRoot, 'build', 'Release', 'rnn_native.node'),
];

/**
 * Requires the addon with OPENBLAS_NUM_THREADS=1, then puts back what the environment had. OpenBLAS
 * reads the variable once, when loading the addon pulls it in, and otherwise starts a thread per
 * CPU but one, each spinning ~0.1 s of CPU before it sleeps (a whole core for the first ~0.1 s of
 * a 2-core process; 31 threads on 32 cores). The addon keeps OpenBLAS single-threaded inside its
 * own pool anyway (native README, "Runtime"), so those threads would never get work. (The variable
 * only reaches OpenBLAS from the main thread: in a worker, process.env is the worker's own copy,
 * so a process whose first load happens in a worker still starts the pool.)
 */
function requireWithSingleThreadedBlas(file) {
  const had = Object.prototype.hasOwnProperty.call(process.env, 'OPENBLAS_NUM_THREADS');
  const before = process.env.OPENBLAS_NUM_THREADS;
  process.env.OPENBLAS_NUM_THREADS = '1';
  try {
    return require(file);
  } finally {
    if (had) process.env.OPENBLAS_NUM_THREADS = before;
    else delete process.env.OPENBLAS_NUM_THREADS;
  }
}

function load() {
  const causes = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      causes.push(`${file}: not found`);
      continue;
    }
    try {
      const binding = requireWithSingleThreadedBlas(file);
      binding.path = file;
      return binding;
    } catch (error) {
      // A setting to fix, not a binary to try the next of.
      if (error && SETTING_ERRORS.has(error.code)) throw error;
      causes.push(explainLoadFailure(file, error, platformTag));
    }
  }
  const fixes = [...LOAD_FIXES];
  const error = new Error(
    `@rnn/native could not load its compiled addon for ${platformTag}:\n  - ${causes.join('\n  - ')}\nTo fix: ${fixes.join('; ')}.`,
  );
  error.code = 'RNN_NATIVE_UNAVAILABLE';
  error.causes = causes;
  error.fixes = fixes;
  throw error;
}

module.exports = load();
