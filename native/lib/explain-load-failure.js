'use strict';
const { INSTALL_FIX } = require('./install-fix');

/**
 * Turns one failed `require()` of a .node file into a one-line cause with its fix: a missing
 * shared library (the OpenBLAS runtime, usually), a binary for another Node.js ABI, or a binary
 * for another platform. Used by index.js, the single place that loads the addon.
 *
 * @param {string} file the .node path that was tried
 * @param {unknown} error what require() threw
 * @param {string} platformTag e.g. `linux-x64`
 * @returns {string}
 */
function explainLoadFailure(file, error, platformTag) {
  const message = String((error && error.message) || error).split('\n')[0];
  const missingLibrary = /([\w.+-]+\.so[\w.]*): cannot open shared object file/.exec(message);
  if (missingLibrary) {
    const lib = missingLibrary[1];
    const fix = /openblas/i.test(lib)
      ? `install the OpenBLAS runtime: ${INSTALL_FIX.runtime} (to build: ${INSTALL_FIX.buildTools})`
      : `install the package that provides ${lib}`;
    return `${file}: ${lib} is missing (${message}); fix: ${fix}`;
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|napi|Module did not self-register/i.test(message)) {
    return `${file}: built for another Node.js ABI (${message}); fix: rebuild it`;
  }
  if (/invalid ELF header|wrong ELF class|file too short|not a valid|mach-o|incompatible architecture/i.test(message)) {
    return `${file}: not a loadable binary for ${platformTag}, corrupt or built for another platform (${message}); fix: rebuild it`;
  }
  return `${file}: ${message}`;
}

module.exports = { explainLoadFailure };
