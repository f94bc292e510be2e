/**
 * @rnn/fallback: the pure-TypeScript backend of `@rnn/core`. No Node API, so it runs in a browser too.
 */
export { fallbackBackend } from './backend';
export { sgemm } from './gemm';
export { releaseScratch } from './scratch';
export { dataPasses, firstNonFinite, RowCopier, scanValues, toTimeMajor } from './data-passes';
export { adamUpdate, optimizerUpdates } from './optimizer-updates';
