import { runConformanceSuite } from '../../src/testing/conformance';
import { describeNative } from '../native/load';

// The same suite the fallback runs: PyTorch fixtures, += contract, finite differences, gemm, async.
describeNative('native backend', (backend) => runConformanceSuite('native', backend));
