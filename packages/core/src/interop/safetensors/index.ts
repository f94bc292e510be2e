/** safetensors files, both ways, in PyTorch's names and layouts. */
export { readSafetensors } from './read';
export type { SafetensorsContent } from './read';
export { safetensorsBytes, saveSafetensors } from './write';
export type { SafetensorsOptions, WeightsSource } from './write';
