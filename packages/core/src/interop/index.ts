/**
 * Moving models between frameworks. Readers take a file path or the file's bytes (`Uint8Array`);
 * writers have a bytes form and a file form (written atomically). Damaged files are a
 * `FormatError`, valid files holding something @rnn cannot represent an `UnsupportedError`.
 */
export * from './torch';
export * from './safetensors';
export * from './keras';
export type { ModelSource } from './model-source';
export * from './onnx';
