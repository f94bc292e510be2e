export { Sequential } from './sequential';
export type { SequentialOptions, CompileOptions, CompileConfig, BatchOptions, EvaluateOptions, TrainOnBatchOptions } from './sequential';
export type { ClassWeight, WeightOptions } from './sample-weights';
export type { FitOptions } from './fit-loop';
