export { Sequential } from './sequential';
export type { SequentialOptions, CompileOptions, CompileConfig, BatchOptions } from './sequential';
export type { FitOptions } from './fit-loop';
