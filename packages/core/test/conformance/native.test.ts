import { runConformanceSuite } from '../../src/testing/conformance';
import { describeEachCpuLevel, describeNative } from '../native/load';

// The same suite the fallback runs (PyTorch fixtures, += contract, finite differences, gemm, async),
// at every step-kernel level this CPU can run.
describeNative('native backend', (backend) => describeEachCpuLevel((level) => runConformanceSuite(`native (${level})`, backend)));
