import type { SeriesSpec } from '../model/spec';
import { learningCurveChart } from '../plots/series-charts';
import { writeSvg } from '../plots/render';

/** Writes the learning curve of a trained model to `path`. */
export async function plotLearningCurve(spec: SeriesSpec, path: string): Promise<string> {
  return writeSvg(path, learningCurveChart(spec, spec.training.loss, spec.training.valLoss));
}
