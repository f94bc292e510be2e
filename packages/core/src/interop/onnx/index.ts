export { exportOnnx, exportOnnxBytes } from './export-onnx';
export type { OnnxExportOptions } from './export/export-model';
export { importOnnx } from './import-onnx';
export { ONNX_OPSETS } from './metadata';
export type { OnnxOpset } from './metadata';
