import { readCsv } from '../../src/data/csv';

/** Reads each path given with readCsv and prints one line per path: the error's class and message, or `read`. */
for (const path of process.argv.slice(2)) {
  try {
    readCsv(path);
    console.log('read');
  } catch (err) {
    console.log(`${(err as Error).constructor.name}: ${(err as Error).message}`);
  }
}
