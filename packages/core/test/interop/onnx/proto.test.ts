import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../src/interop/onnx/proto/onnx-proto';

const repo = join(__dirname, '..', '..', '..', '..', '..');
const torchFixtures = join(__dirname, 'fixtures', 'torch');

describe('the ONNX protobuf schema', () => {
  it('is exactly what the generator makes from the vendored onnx.proto', () => {
    const generated = execFileSync(process.execPath, [join(repo, 'tools', 'onnx', 'generate-proto-schema.cjs'), '--print'], { encoding: 'utf8' });
    expect(readFileSync(join(repo, 'packages', 'core', 'src', 'interop', 'onnx', 'proto', 'onnx-schema.ts'), 'utf8')).toBe(generated);
  });

  it('decodes and re-encodes every torch.onnx.export fixture byte for byte', () => {
    const files = readdirSync(torchFixtures).filter((f) => f.endsWith('.onnx'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(torchFixtures, file));
      expect(Buffer.from(encodeModel(decodeModel(bytes, file))).equals(bytes), file).toBe(true);
    }
  });
});
