import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * The addon's copy of the kernel contract (native/src/**\/*.generated.h) is generated from
 * @rnn/backend-api's kernel-contract.json; a contract change that was not regenerated fails here.
 * No compiled addon needed: the generator is plain Node.
 */
const GENERATOR = fileURLToPath(new URL('../../../../native/scripts/generate-contract.js', import.meta.url));

it('the addon\'s generated contract files match kernel-contract.json (else: node native/scripts/generate-contract.js)', () => {
  const result = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});
