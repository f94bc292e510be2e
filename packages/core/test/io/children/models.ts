import { setAttachment } from '../../../src/io/attachments';
import { Dense } from '../../../src/layers/dense';
import { LSTM } from '../../../src/layers/lstm';
import { Sequential } from '../../../src/model/sequential';

/** Versions of one small model that differ in every weight: seed 1 for 'A', 2 for 'B', …; attachment `version` says which. */
export function savedModel(version: string): Sequential {
  const model = new Sequential([new LSTM({ units: 5, inputShape: [4, 2] }), new Dense({ units: 1 })], { seed: version.charCodeAt(0) });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  setAttachment(model, 'version', version);
  return model;
}
