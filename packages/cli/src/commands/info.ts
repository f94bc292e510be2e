import { Command, Option } from 'commander';
import { SeriesModel } from '../model/series-model';
import { describeNetwork } from '../model/network';
import { lineWriter, type CliIo } from '../program/io';
import { decimalsFor, formatNumber, formatTable } from '../report/numbers';
import { describeScaling, describeSeason, describeSplit } from './describe';

/** Options of `rnn info`. */
export interface InfoOptions {
  json?: boolean;
}

/** Adds `rnn info` to `program`. */
export function addInfoCommand(program: Command, io: CliIo): void {
  program
    .command('info')
    .summary('describe a trained model')
    .description('Describe a model directory written by rnn train: architecture, parameters, columns and scaling, training data span, training run and validation errors.')
    .argument('<model-dir>', 'a directory written by rnn train')
    .addOption(new Option('--json', 'print the saved description as JSON'))
    .action((dir: string, options: InfoOptions) => runInfo(dir, options, io));
}

/** `rnn info`. */
export async function runInfo(dir: string, o: InfoOptions, io: CliIo): Promise<void> {
  const model = await SeriesModel.load(dir);
  const { spec } = model;
  if (o.json) {
    io.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
    return;
  }
  const say = lineWriter(io.stdout);
  const t = spec.training;
  say(`Model in ${dir}: ${describeNetwork(spec.model.type, spec.model.units, spec.horizon)}, ${spec.model.parameters.toLocaleString('en-US')} parameters`);
  model.net.summary((text) => say(text));
  say(`Forecasts '${spec.target}'${spec.unit ? ` (${spec.unit})` : ''} from ${spec.inputs.map((c) => `'${c}'`).join(', ')}${spec.dateColumn ? `, dated by '${spec.dateColumn}'` : ''}`);
  for (const line of [...describeScaling(spec), describeSeason(spec), describeSplit(spec)]) say(line);
  say(`Training data: ${spec.data.file}, ${spec.data.rows} rows from ${spec.data.first} to ${spec.data.last}`);
  say(`Training: ${t.epochs} epochs in ${t.seconds} s on the ${t.backend} backend${t.stoppedEarly ? ' (stopped early)' : ''}, best validation loss at epoch ${t.bestEpoch}`);
  const entries = Object.entries(t.validation);
  const decimals = decimalsFor(entries[0]?.[1].rmse ?? 1);
  say('Validation errors:');
  const rows = entries.map(([name, m]) => [name, formatNumber(m.rmse, decimals), formatNumber(m.mae, decimals), m.mape === null ? '—' : `${formatNumber(m.mape, 2)}%`]);
  for (const line of formatTable([['', 'RMSE', 'MAE', 'MAPE'], ...rows])) say(`  ${line}`);
}
