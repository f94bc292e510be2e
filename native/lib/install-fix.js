'use strict';
/**
 * How to make the native backend load, written once. The loader's error (index.js), its per-binary
 * causes (explain-load-failure.js), the build script's notice (scripts/build.js), @rnn/core's
 * NativeUnavailableError (which takes the loader's `fixes`) and the READMEs (checked by a test in
 * @rnn/core) all use these words.
 */
const INSTALL_FIX = Object.freeze({
  /** The OpenBLAS runtime the prebuilt binary links against (Debian/Ubuntu). */
  runtime: 'apt-get install libopenblas0',
  /** What a build from source needs (Debian/Ubuntu). */
  buildTools: 'apt-get install libopenblas-dev cmake g++',
  /** Rebuilds the addon of an installed @rnn/native. */
  rebuild: 'npm rebuild @rnn/native',
  /** Builds inside the package (a development build into build/Release). */
  compile: 'npx cmake-js compile',
});

/** The remedies the loader lists when no binary loads, in order. */
const LOAD_FIXES = Object.freeze([
  `install OpenBLAS (Debian/Ubuntu: ${INSTALL_FIX.runtime}; to build from source: ${INSTALL_FIX.buildTools})`,
  `then rebuild the addon: ${INSTALL_FIX.rebuild}, or run \`${INSTALL_FIX.compile}\` inside the @rnn/native package`,
]);

module.exports = { INSTALL_FIX, LOAD_FIXES };
