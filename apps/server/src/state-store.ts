import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AepoState } from '@ares/aepo';

/** File name of the persisted AEPO state inside the `--state` directory. */
export const STATE_FILE = 'aepo-state.json';

/** Reads the persisted state; `undefined` when the directory holds none yet. */
export async function loadState(directory: string): Promise<AepoState | undefined> {
  let text: string;
  try {
    text = await readFile(join(directory, STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as AepoState;
}

/**
 * Writes the state atomically: a temporary file in the same directory is written and fsynced, renamed over
 * {@link STATE_FILE}, and the directory is fsynced, so a crash leaves either the old or the new state.
 */
export async function saveState(directory: string, state: AepoState): Promise<void> {
  await mkdir(directory, { recursive: true });
  const target = join(directory, STATE_FILE);
  const temporary = join(directory, `.${STATE_FILE}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const directoryHandle = await open(directory, 'r');
  try {
    await directoryHandle.sync();
  } finally {
    await directoryHandle.close();
  }
}
