'use strict';
/**
 * The single place that loads the compiled addon. Candidates, in order:
 *   1. prebuilds/<platform>-<arch>/rnn_native.node  (shipped in the package, made at pack time)
 *   2. build/Release/rnn_native.node                (a development build: `npx cmake-js compile`)
 * (preceded by $RNN_NATIVE_BINARY when set, e.g. to test an AddressSanitizer build).
 * On failure it throws an Error with `code: 'RNN_NATIVE_UNAVAILABLE'` and `causes`: one line per
 * candidate saying why it did not load, and a message ending in the fixes.
 */
const fs = require('node:fs');
const path = require('node:path');

const packageRoot = path.join(__dirname, '..');
const platformTag = `${process.platform}-${process.arch}`;

/** Paths tried, in order. RNN_NATIVE_BINARY (e.g. an AddressSanitizer build) comes first when set. */
const candidates = [
  ...(process.env.RNN_NATIVE_BINARY ? [path.resolve(process.env.RNN_NATIVE_BINARY)] : []),
  path.join(packageRoot, 'prebuilds', platformTag, 'rnn_native.node'),
  path.join(packageRoot, 'build', 'Release', 'rnn_native.node'),
];

/** Turns one dlopen failure into a cause with its fix. */
function explain(file, error) {
  const message = String((error && error.message) || error).split('\n')[0];
  const missingLibrary = /([\w.+-]+\.so[\w.]*): cannot open shared object file/.exec(message);
  if (missingLibrary) {
    const lib = missingLibrary[1];
    const fix = /openblas/i.test(lib)
      ? 'install the OpenBLAS runtime: apt-get install libopenblas0 (or libopenblas-dev to build)'
      : `install the package that provides ${lib}`;
    return `${file}: ${lib} is missing (${message}); fix: ${fix}`;
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|napi|Module did not self-register/i.test(message)) {
    return `${file}: built for another Node.js ABI (${message}); fix: rebuild it`;
  }
  if (/invalid ELF header|wrong ELF class|not a valid|mach-o|incompatible architecture/i.test(message)) {
    return `${file}: built for another platform or architecture (${message}); fix: rebuild it for ${platformTag}`;
  }
  return `${file}: ${message}`;
}

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
      causes.push(explain(file, error));
    }
  }
  const fixes = [
    'install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0; to build from source also libopenblas-dev cmake g++)',
    'then rebuild the addon: npm rebuild @rnn/native, or run `npx cmake-js compile` inside the @rnn/native package',
  ];
  const error = new Error(
    `@rnn/native could not load its compiled addon for ${platformTag}:\n  - ${causes.join('\n  - ')}\nTo fix: ${fixes.join('; ')}.`,
  );
  error.code = 'RNN_NATIVE_UNAVAILABLE';
  error.causes = causes;
  error.fixes = fixes;
  throw error;
}

module.exports = load();
