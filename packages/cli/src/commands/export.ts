import { Command, Option } from 'commander';
import { saveSafetensors } from '@rnn/core';
import { SeriesModel } from '../model/series-model';
import { lineWriter, type CliIo } from '../program/io';
import { UsageError } from '../program/usage-error';

/** Options of `rnn export`. */
export interface ExportOptions {
  safetensors?: string;
}

/** The metadata key under which an exported file keeps the model's series description (scaling, columns, window). */
export const SERIES_METADATA_KEY = 'rnn.series';

/** Adds `rnn export` to `program`. */
export function addExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .summary('write a model in a format other frameworks read')
    .description(
      "Write a trained model's weights for other frameworks: --safetensors writes PyTorch's names and layouts\n" +
        "(nn.Sequential indices: 0.weight_ih_l0, …), with the model's columns, window and scaling as JSON in the\n" +
        `file's metadata under '${SERIES_METADATA_KEY}' (the network expects scaled inputs).`,
    )
    .argument('<model-dir>', 'a directory written by rnn train')
    .addOption(new Option('--safetensors <file>', 'write the weights as a safetensors file'))
    .action((dir: string, options: ExportOptions) => runExport(dir, options, io));
}

/** `rnn export`. */
export async function runExport(dir: string, o: ExportOptions, io: CliIo): Promise<void> {
  if (o.safetensors === undefined) throw new UsageError('nothing to export: give --safetensors FILE');
  const model = await SeriesModel.load(dir);
  const say = lineWriter(io.stdout);
  const names = Object.keys(model.net.stateDict());
  await saveSafetensors(model.net, o.safetensors, { metadata: { format: 'pt', [SERIES_METADATA_KEY]: JSON.stringify(model.spec) } });
  say(`Wrote ${o.safetensors}: ${names.length} tensors in PyTorch's names and layouts (${names.join(', ')}).`);
}
