import { checkPath } from '../../options';
import { writeFileAtomically } from '../../io/atomic-write';
import type { Sequential } from '../../model/sequential';
import { buildOnnxModel, type OnnxExportOptions } from './export/export-model';
import { encodeModel } from './proto/onnx-proto';

/**
 * The ONNX bytes of a built model, for callers without a file system (or to send over the wire).
 * See {@link exportOnnx} for what the graph holds.
 */
export async function exportOnnxBytes(model: Sequential, options?: OnnxExportOptions): Promise<Uint8Array> {
  return encodeModel(buildOnnxModel(model, options));
}

/**
 * Writes a built model as an ONNX file that ONNX Runtime (or any ONNX runtime) runs with the
 * predictions of `model.predict`: input `input` (`[batch, steps, features]` float32, or
 * `[batch, steps]` int64 ids for an Embedding model), output `output`, batch and steps as dynamic
 * axes. Stateful layers add state inputs `<layer>_initial_h` (`_c`), and they and
 * `returnState` layers add final-state outputs `<layer>_h` (`_c`). The file is written atomically.
 * Layers without an ONNX equivalent are an `UnsupportedError` naming the layer.
 */
export async function exportOnnx(model: Sequential, path: string, options?: OnnxExportOptions): Promise<void> {
  checkPath('exportOnnx', 'path', path);
  const bytes = await exportOnnxBytes(model, options);
  await writeFileAtomically('exportOnnx', path, bytes);
}
