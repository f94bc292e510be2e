import { fallbackBackend } from '@rnn/fallback';
import { runConformanceSuite } from '../../src/testing/conformance';

runConformanceSuite('fallback', fallbackBackend);
