import { randomBytes } from 'node:crypto';
import { ConfigError, RnnError } from '../errors';
import { link, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { syncDirectory, writeAndSync } from './atomic-write';
import { join } from 'node:path';
import { STALE_LOCK_PREFIX, withDirectoryLock } from './directory-lock';
import { MODEL_JSON, MODEL_JSON_MAX_BYTES, WEIGHTS_BIN } from './format';
import { readRegularFile } from './safe-read';

/**
 * Names this package owns in a model directory besides model.json and weights.bin: weights staged
 * under a name of their own, temporary files (`.model.json.<tag>.tmp`, `.weights.bin.<tag>.tmp`),
 * and the save lock. Saves remove those no save is using (crashed saves leave them).
 */
const STAGED_WEIGHTS = /^weights-[0-9a-f]{16}\.bin$/;
const TEMPORARY = /^\.(model\.json|weights\.bin)\..+\.tmp$/;

/** The steps of a save, in order (see `writeModelDirectory`); tests stop a process after each. */
export const SAVE_STEPS = [
  'locked',
  'orphans removed',
  'weights staged',
  'model.json written aside',
  'model.json names the staged weights',
  'weights.bin linked aside',
  'weights.bin replaced',
  'model.json written aside again',
  'model.json names weights.bin',
  'staged weights removed',
] as const;
export type SaveStep = (typeof SAVE_STEPS)[number];

let stepHook: ((step: SaveStep) => void) | null = null;

/** For tests only: `hook` runs after every step of every save (e.g. to kill the process right there). */
export function setSaveStepHook(hook: ((step: SaveStep) => void) | null): void {
  stepHook = hook;
}

/**
 * Writes a model directory so that a reader, or a process killed at any point, only ever sees the
 * old model or the new one — never model.json of one with weights.bin of the other:
 *
 * 1. under the directory's save lock (one save at a time, see `withDirectoryLock`), remove what
 *    crashed saves left;
 * 2. write the weights under a new name, `weights-<16 hex>.bin`, and fsync them;
 * 3. replace model.json (temporary file, fsync, rename, fsync of the directory) by one that names
 *    the staged weights: the new model is now the saved one, whole;
 * 4. hard-link (or copy) the staged weights to a temporary name and rename it over weights.bin;
 * 5. replace model.json again, now naming weights.bin (same checksum);
 * 6. remove the staged weights.
 *
 * At every instant model.json names a complete weights file whose checksum it holds. A reader that
 * finds the named file gone or different re-reads model.json, which has then moved on (see
 * `loadModel`). `modelJson(weightsFile)` gives model.json's bytes for a weights file name.
 */
export async function writeModelDirectory(dir: string, weights: Uint8Array, modelJson: (weightsFile: string) => Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    // A file where the directory, or one above it, goes is the caller's to fix; other failures (permissions) are the system's.
    if (err.code === 'EEXIST') throw new ConfigError(`saveModel: ${dir} exists and is not a directory; a model is saved as a directory (model.json and weights.bin)`);
    const ErrorClass = err.code === 'ENOTDIR' ? ConfigError : RnnError;
    throw new ErrorClass(`cannot save into ${dir}: cannot create the directory (${err.code ?? 'error'}: ${err.message})`);
  });
  await withDirectoryLock(dir, async (stillHeld) => {
    step('locked');
    await removeOrphans(dir);
    step('orphans removed');
    const tag = randomBytes(8).toString('hex');
    const staged = `weights-${tag}.bin`;
    try {
      await writeAndSync(join(dir, staged), weights);
      step('weights staged');
      await stillHeld();
      await replaceDurably(dir, MODEL_JSON, modelJson(staged), tag, 'model.json written aside');
    } catch (err) {
      // Nothing names the staged weights unless the rename happened; the next save cleans up either way.
      await rm(join(dir, staged), { force: true }).catch(() => undefined);
      throw err;
    }
    step('model.json names the staged weights');
    const temporary = join(dir, `.${WEIGHTS_BIN}.${tag}.tmp`);
    await link(join(dir, staged), temporary).catch(() => copyDurably(join(dir, staged), temporary));
    step('weights.bin linked aside');
    await stillHeld();
    await rename(temporary, join(dir, WEIGHTS_BIN));
    await syncDirectory(dir);
    step('weights.bin replaced');
    await replaceDurably(dir, MODEL_JSON, modelJson(WEIGHTS_BIN), tag, 'model.json written aside again');
    step('model.json names weights.bin');
    await removeOrphans(dir);
    await syncDirectory(dir);
    step('staged weights removed');
  });
}

function step(name: SaveStep): void {
  stepHook?.(name);
}

/**
 * Removes staged weights that model.json does not name, temporary files and set-aside stale locks:
 * what saves killed midway leave. Runs only under the save lock, so no save is using them.
 */
async function removeOrphans(dir: string): Promise<void> {
  const named = await namedWeightsFile(dir);
  for (const name of await readdir(dir)) {
    const orphan = TEMPORARY.test(name) || name.startsWith(STALE_LOCK_PREFIX) || (STAGED_WEIGHTS.test(name) && name !== named);
    if (orphan) await rm(join(dir, name), { force: true });
  }
}

/** The weights file model.json names, or null when there is no readable model.json. */
async function namedWeightsFile(dir: string): Promise<string | null> {
  try {
    // Never a plain readFile: a FIFO in its place would block the save (and its lock) forever.
    const text = (await readRegularFile(join(dir, MODEL_JSON), { what: 'model description', maxBytes: MODEL_JSON_MAX_BYTES })).toString('utf8');
    const file = JSON.parse(text) as { weights?: { file?: unknown } };
    return typeof file?.weights?.file === 'string' ? file.weights.file : null;
  } catch {
    return null;
  }
}

/** Where hard links are not supported: a copy, fsynced. */
async function copyDurably(from: string, to: string): Promise<void> {
  await writeAndSync(to, await readFile(from));
}

/** Replaces `dir/name` atomically: a temporary file, fsynced, renamed over it, then the directory fsynced. */
async function replaceDurably(dir: string, name: string, data: Uint8Array, tag: string, written: SaveStep): Promise<void> {
  const temporary = join(dir, `.${name}.${tag}.tmp`);
  try {
    await writeAndSync(temporary, data);
    step(written);
    await rename(temporary, join(dir, name));
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}
