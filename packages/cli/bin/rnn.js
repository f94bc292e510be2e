#!/usr/bin/env node
'use strict';
// The `rnn` command. The program itself is compiled TypeScript in ../dist.
let main;
try {
  ({ main } = require('../dist/main.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('rnn: @rnn/cli is not built yet; run `npm run build` in the repository first\n');
    process.exit(1);
  }
  throw err;
}
main(process.argv.slice(2));
