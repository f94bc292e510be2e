import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { DENSE_ACTIVATION_NAMES, erf, getActivation } from '../../src/layers/activations';

// Reference values from PyTorch 1.13 (float64): y = f(z), dz = d(Σ dy·f(z))/dz.
// leakyRelu uses Keras's slope 0.2; softmax runs over rows of 3 (shape [2, 3]).
const z = [-3.5, -1.2, -0.3, 0.4, 1.7, 2.9];
const dy = [0.3, -0.7, 1.1, 0.5, -0.2, 0.9];
const TORCH: Record<string, { y: number[]; dz: number[] }> = {
  relu: { y: [0, 0, 0, 0.4, 1.7, 2.9], dz: [0, 0, 0, 0.5, -0.2, 0.9] },
  tanh: { y: [-0.998177898, -0.833654607, -0.291312612, 0.379948962, 0.935409071, 0.993963167], dz: [0.00109226542, -0.213513997, 1.00665066, 0.427819393, -0.0250019741, 0.0108334998] },
  sigmoid: { y: [0.0293122308, 0.231475217, 0.425557483, 0.59868766, 0.845534735, 0.947846437], dz: [0.00853590716, -0.124526108, 0.268904143, 0.120130373, -0.0261211494, 0.044490212] },
  hardSigmoid: { y: [0, 0.3, 0.45, 0.566666667, 0.783333333, 0.983333333], dz: [0, -0.11666667, 0.183333339, 0.0833333358, -0.0333333343, 0.150000004] },
  elu: { y: [-0.969802617, -0.698805788, -0.259181779, 0.4, 1.7, 2.9], dz: [0.00905921503, -0.210835948, 0.814900043, 0.5, -0.2, 0.9] },
  selu: { y: [-1.70500934, -1.22857, -0.455667315, 0.420280395, 1.78619168, 3.04703286], dz: [0.015927, -0.370670542, 1.43267523, 0.525350494, -0.210140197, 0.945630889] },
  gelu: { y: [-0.000814201777, -0.138083604, -0.114626573, 0.262168697, 1.62423871, 2.89458914], dz: [-0.000846528106, 0.082567517, 0.294439456, 0.401364899, -0.223063594, 0.913856878] },
  softplus: { y: [0.0297504183, 0.263282467, 0.554355244, 0.913015252, 1.86778603, 2.95356278], dz: [0.00879366923, -0.162032652, 0.468113232, 0.29934383, -0.169106947, 0.853061793] },
  softsign: { y: [-0.777777778, -0.545454545, -0.230769231, 0.285714286, 0.62962963, 0.743589744], dz: [0.0148148148, -0.144628099, 0.650887574, 0.255102041, -0.0274348422, 0.0591715976] },
  swish: { y: [-0.102592808, -0.27777026, -0.127667245, 0.239475064, 1.43740905, 2.74875467], dz: [-0.0210820058, -0.0126013214, 0.387441989, 0.347395979, -0.213512901, 0.982083408] },
  silu: { y: [-0.102592808, -0.27777026, -0.127667245, 0.239475064, 1.43740905, 2.74875467], dz: [-0.0210820058, -0.0126013214, 0.387441989, 0.347395979, -0.213512901, 0.982083408] },
  leakyRelu: { y: [-0.7, -0.24, -0.06, 0.4, 1.7, 2.9], dz: [0.06, -0.14, 0.22, 0.5, -0.2, 0.9] },
  softmax: { y: [0.0281636886, 0.280909769, 0.690926542, 0.0593408749, 0.217739275, 0.72291985], dz: [-0.00765577673, -0.357269883, 0.36492566, -0.00811489123, -0.182193436, 0.190308327] },
  linear: { y: z, dz: dy },
};

function run(name: string, input: number[]): { y: Float32Array; dz: Float32Array } {
  const act = getActivation(name);
  const zb = Float32Array.from(input);
  const y = new Float32Array(zb.length);
  act.forward(zb, y, 3);
  const dz = new Float32Array(zb.length);
  act.backward(zb, y, Float32Array.from(dy), dz, 3);
  return { y, dz };
}

describe('activations', () => {
  it('covers every canonical name with a PyTorch reference', () => {
    const canonical = DENSE_ACTIVATION_NAMES.filter((n) => !n.includes('_'));
    expect(Object.keys(TORCH).sort()).toEqual([...canonical].sort());
  });

  for (const [name, ref] of Object.entries(TORCH)) {
    it(`${name}: forward and backward match PyTorch to 1e-6`, () => {
      const { y, dz } = run(name, z);
      for (let i = 0; i < z.length; i++) {
        expect(y[i]).toBeCloseTo(ref.y[i], 6);
        expect(dz[i]).toBeCloseTo(ref.dz[i], 6);
      }
    });

    it(`${name}: backward matches central finite differences`, () => {
      // Points away from kinks (0 for relu/leakyRelu/elu, ±3 for hardSigmoid).
      const points = [-2.3, -0.8, 0.6, 1.4, 2.2, -1.7];
      const { dz } = run(name, points);
      const eps = 1e-3;
      const objective = (values: number[]): number => {
        const y = run(name, values).y;
        return y.reduce((s, v, i) => s + v * dy[i], 0);
      };
      for (let i = 0; i < points.length; i++) {
        const plus = [...points];
        plus[i] += eps;
        const minus = [...points];
        minus[i] -= eps;
        const numeric = (objective(plus) - objective(minus)) / (2 * eps);
        expect(Math.abs(dz[i] - numeric)).toBeLessThan(5e-4);
      }
    });
  }

  it('accepts the Keras snake_case aliases', () => {
    expect(getActivation('hard_sigmoid').name).toBe('hardSigmoid');
    expect(getActivation('leaky_relu').name).toBe('leakyRelu');
  });

  it('rejects an unknown name with a ConfigError listing the allowed names', () => {
    expect(() => getActivation('relu7', 'dense_9', 'activation')).toThrow(ConfigError);
    expect(() => getActivation('relu7', 'dense_9', 'activation')).toThrow(/dense_9: activation must be one of 'linear', 'relu'.*got 'relu7'/);
    expect(() => getActivation('constructor')).toThrow(ConfigError);
    expect(() => getActivation(undefined as unknown as string)).toThrow(ConfigError);
  });

  it('softmax does not overflow on large logits', () => {
    const { y } = run('softmax', [1000, 1001, 1002, -1000, 0, 1000]);
    expect(Array.from(y).every(Number.isFinite)).toBe(true);
    expect(y[0] + y[1] + y[2]).toBeCloseTo(1, 6);
  });

  it('erf matches known values across both branches', () => {
    // Values from math.erf (double precision).
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 13);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051464753108, 13);
    expect(erf(2.9)).toBeCloseTo(0.9999589021219005, 13);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 13);
    expect(erf(-4.2)).toBeCloseTo(-0.9999999971445058, 13);
  });
});
