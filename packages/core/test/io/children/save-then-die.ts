// A process that saves model B over the model in a directory and is killed (SIGKILL) right after one
// step of the save: `node save-then-die.ts <dir> <step index>` (see SAVE_STEPS).
import { SAVE_STEPS, setSaveStepHook } from '../../../src/io/model-directory';
import { saveModel } from '../../../src/io/save';
import { savedModel } from './models';

const [dir, stepText] = process.argv.slice(2);
const killAt = SAVE_STEPS[Number(stepText)];
if (killAt === undefined) throw new Error(`no save step ${stepText}`);
setSaveStepHook((step) => {
  if (step === killAt) process.kill(process.pid, 'SIGKILL');
});
const model = savedModel('B');
await saveModel(model, dir);
throw new Error(`the save finished without reaching step '${killAt}'`);
