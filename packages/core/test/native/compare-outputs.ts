import type { CaseOutputs } from './random-kernel-case';

/**
 * The native-vs-fallback tolerance: per buffer, max |native − fallback| ≤ 1e-5 · max(max |fallback|,
 * 0.01). Float32 GEMMs sum in a different order in OpenBLAS and in the fallback; over 400 cases the
 * largest difference measured was 3.4e-6 of the buffer's scale.
 */
const SCALE_RTOL = 1e-5;

function firstMismatches(name: string, a: Float32Array, b: Float32Array, limit: number, count = 4): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length && lines.length < count; i++) {
    if (!(Math.abs(a[i] - b[i]) <= limit)) lines.push(`${name}[${i}]: native ${a[i]}, fallback ${b[i]}`);
  }
  return lines.join('; ');
}

/** Every mismatch of the case, or '' when all buffers agree. */
export function compareOutputs(native: CaseOutputs, fallback: CaseOutputs): string {
  const problems: string[] = [];
  const names = new Set([...Object.keys(native), ...Object.keys(fallback)]);
  for (const name of names) {
    const a = native[name];
    const b = fallback[name];
    if (!a || !b || a.length !== b.length) {
      problems.push(`${name}: present/length differ (${a?.length} vs ${b?.length})`);
      continue;
    }
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < b.length; i++) {
      scale = Math.max(scale, Math.abs(b[i]));
      const d = Math.abs(a[i] - b[i]);
      if (!(d <= worst)) worst = d; // NaN counts as worst
    }
    const limit = SCALE_RTOL * Math.max(scale, 0.01);
    if (!(worst <= limit)) {
      problems.push(`${name}: max diff ${worst} > ${limit} (${firstMismatches(name, a, b, limit)})`);
    }
  }
  return problems.join('\n');
}

/** The buffers of `b` that differ from `a` in any bit (NaN payloads and signed zeros included). */
export function bitDifferences(a: CaseOutputs, b: CaseOutputs): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => {
    const x = a[name];
    const y = b[name];
    if (!x || !y || x.length !== y.length) return true;
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
    return xb.some((v, i) => v !== yb[i]);
  });
}
