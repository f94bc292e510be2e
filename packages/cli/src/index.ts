/**
 * @rnn/cli: the `rnn` command line (train, evaluate, forecast, info) and the pieces every command
 * line of this project shares: one-line errors with exit code 2, typed flag parsers.
 */
export { runCli, rnnProgram } from './program';
export { createProgram, ExitWith, runAsMain, runProgram, EXIT_OK, EXIT_FAILED, EXIT_USAGE } from './program/run-program';
export { processIo } from './program/io';
export type { CliIo, OutputStream } from './program/io';
export { UsageError } from './program/usage-error';
export { fraction, integerAtLeast, nameList, positiveInteger, positiveIntegerList, positiveNumber } from './program/option-parsers';
export { SeriesModel } from './model/series-model';
export type { SeriesSpec, ErrorMetrics, CellType } from './model/spec';
export type { ColumnScaling, ScalingKind } from './scaling/column-scaling';
export { WindowScaler } from './scaling/window-scaler';
export { loadSeries } from './series/load-series';
export type { Series, SeriesRequest } from './series/load-series';
