// Saves versions A and B of a model into a directory in turn, `count` times, as fast as it can:
// `node save-loop.ts <dir> <count>`. Prints 'ready' after the first save.
import { saveModel } from '../../../src/io/save';
import { savedModel } from './models';

const [dir, countText] = process.argv.slice(2);
const versions = [savedModel('A'), savedModel('B')];
for (let i = 0; i < Number(countText); i++) {
  await saveModel(versions[i % 2], dir);
  if (i === 0) process.stdout.write('ready\n');
}
