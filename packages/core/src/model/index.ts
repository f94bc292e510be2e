export { Sequential } from './sequential';
export { Predictor } from './predictor';
export type {
  SequentialOptions,
  CompileOptions,
  CompileConfig,
  BatchOptions,
  EvaluateOptions,
  TrainOnBatchOptions,
  StateDictOptions,
} from './sequential';
export type { StateDictMapping, LayerRef } from './state-dict-mapping';
export type { ClassWeight, WeightOptions } from './sample-weights';
export type { FitOptions } from './fit-loop';
