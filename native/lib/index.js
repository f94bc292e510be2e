'use strict';
/**
 * The single place that loads the compiled addon. Candidates, in order:
 *   1. prebuilds/<platform>-<arch>/rnn_native.node  (shipped in the package, made at pack time)
 *   2. build/Release/rnn_native.node                (a development build: `npx cmake-js compile`)
 * (preceded by $RNN_NATIVE_BINARY when set, e.g. to test an AddressSanitizer build).
 * On failure it throws an Error with `code: 'RNN_NATIVE_UNAVAILABLE'` and `causes`: one line per
 * candidate saying why it did not load, and a message ending in the fixes; or the addon's own
 * `code: 'RNN_CPU_LEVEL'` error when RNN_CPU names a level this CPU cannot run.
 */
const fs = require('node:fs');
const path = require('node:path');
const { explainLoadFailure } = require('./explain-load-failure');
const { LOAD_FIXES } = require('./install-fix');

const packageRoot = path.join(__dirname, '..');
const platformTag = `${process.platform}-${process.arch}`;

/** Paths tried, in order. RNN_NATIVE_BINARY (e.g. an AddressSanitizer build) comes first when set. */
const candidates = [
  ...(process.env.RNN_NATIVE_BINARY ? [path.resolve(process.env.RNN_NATIVE_BINARY)] : []),
  path.join(packageRoot, 'prebuilds', platformTag, 'rnn_native.node'),
  path.join(packageRoot, 'build', 'Release', 'rnn_native.node'),
];

function load() {
  const causes = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      causes.push(`${file}: not found`);
      continue;
    }
    try {
      const binding = require(file);
      binding.path = file;
      return binding;
    } catch (error) {
      // RNN_CPU names a level this CPU lacks: a setting to fix, not a binary to try the next of.
      if (error && error.code === 'RNN_CPU_LEVEL') throw error;
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
