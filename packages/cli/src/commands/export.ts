import { Command, Option } from 'commander';
import { ONNX_OPSETS, exportOnnx, saveSafetensors, type OnnxOpset } from '@rnn/core';
import { SeriesModel } from '../model/series-model';
import { lineWriter, type CliIo } from '../program/io';
import { UsageError } from '../program/usage-error';

/** Options of `rnn export`. */
export interface ExportOptions {
  onnx?: string;
  /** One of `ONNX_OPSETS`, as typed. */
  opset: string;
  safetensors?: string;
}

/** The metadata key under which a safetensors file keeps the model's series description (scaling, columns, window). */
export const SERIES_METADATA_KEY = 'rnn.series';

/** Adds `rnn export` to `program`. */
export function addExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .summary('write a model in a format other frameworks read (ONNX, safetensors)')
    .description(
      "Write a trained model for other frameworks. --onnx writes a graph ONNX Runtime runs (input 'input'\n" +
        "[batch, window, features], output 'output' [batch, horizon]); --safetensors writes the weights in PyTorch's\n" +
        'names and layouts (nn.Sequential indices: 0.weight_ih_l0, …). Either network works on scaled values: the\n' +
        `scaling of each column is in \`rnn info <model-dir> --json\`, and in the safetensors metadata under '${SERIES_METADATA_KEY}'.`,
    )
    .argument('<model-dir>', 'a directory written by rnn train')
    .addOption(new Option('--onnx <file>', 'write the network as an ONNX file'))
    .addOption(new Option('--opset <n>', 'ONNX opset').choices(ONNX_OPSETS.map(String)).default('17'))
    .addOption(new Option('--safetensors <file>', 'write the weights as a safetensors file'))
    .action((dir: string, options: ExportOptions) => runExport(dir, options, io));
}

/** `rnn export`. */
export async function runExport(dir: string, o: ExportOptions, io: CliIo): Promise<void> {
  if (o.onnx === undefined && o.safetensors === undefined) throw new UsageError('nothing to export: give --onnx FILE, --safetensors FILE, or both');
  const model = await SeriesModel.load(dir);
  const say = lineWriter(io.stdout);
  const { spec } = model;
  if (o.onnx !== undefined) {
    await exportOnnx(model.net, o.onnx, { opset: Number(o.opset) as OnnxOpset });
    say(`Wrote ${o.onnx}: ONNX opset ${o.opset}, input 'input' [batch, ${spec.window}, ${spec.inputs.length}] → output 'output' [batch, ${spec.horizon}], scaled values.`);
  }
  if (o.safetensors !== undefined) {
    const names = Object.keys(model.net.stateDict());
    await saveSafetensors(model.net, o.safetensors, { metadata: { format: 'pt', [SERIES_METADATA_KEY]: JSON.stringify(spec) } });
    say(`Wrote ${o.safetensors}: ${names.length} tensors in PyTorch's names and layouts (${names.join(', ')}).`);
  }
}
