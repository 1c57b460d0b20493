import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Whether a path exists (false only for ENOENT; other errors propagate). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Creates `path` (which must not exist), writes `bytes` and fsyncs the file. */
export async function writeDurably(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory, so that renames inside it survive a crash. */
export async function syncDirectory(path: string): Promise<void> {
  // Windows cannot open a directory for fsync; its renames are durable through the journal.
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a file atomically and durably: a synced temporary file beside it (`<path>.tmp-<pid>`), a rename, then
 * the directory synced. A crash leaves either the old file or the new one, never a partial one.
 *
 * @param path - the file
 * @param text - its new content
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await rm(temporary, { force: true });
  await writeDurably(temporary, text);
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}
