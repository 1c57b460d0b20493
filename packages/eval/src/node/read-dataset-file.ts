import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { AresError } from '@ares/core';
import { type EvalItem, parseDataset, type ParseDatasetOptions } from '../dataset';

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/**
 * Reads a JSONL dataset file ({@link parseDataset}) and turns image paths (relative to the file) into `data:` URLs,
 * so that prompts are self-contained.
 *
 * @param path - the JSONL file
 * @param options - `benchmark` for lines without one
 * @returns the items
 * @throws {AresError} `IO` when the file or an image cannot be read; as {@link parseDataset} otherwise
 * @example
 * ```ts
 * const items = await readDatasetFile('data/gsm8k-mini.jsonl')
 * ```
 * @see SPEC.md §5.5
 */
export async function readDatasetFile(path: string, options: Omit<ParseDatasetOptions, 'source'> = {}): Promise<EvalItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AresError({ code: 'IO', parameter: 'path', value: path, message: `cannot read dataset ${path}`, cause: error });
  }
  const items = parseDataset(text, { ...options, source: basename(path) });
  return Promise.all(
    items.map(async (item) => {
      if (item.image === undefined || /^(?:data:|https?:\/\/)/.test(item.image)) return item;
      const imagePath = resolve(dirname(path), item.image);
      const type = IMAGE_TYPES[extname(imagePath).toLowerCase()];
      if (type === undefined) throw new AresError({ code: 'UNSUPPORTED', parameter: `${item.id}.image`, value: item.image, message: `${item.id}.image: unsupported image type` });
      try {
        const bytes = await readFile(imagePath);
        return { ...item, image: `data:${type};base64,${bytes.toString('base64')}` };
      } catch (error) {
        throw new AresError({ code: 'IO', parameter: `${item.id}.image`, value: imagePath, message: `cannot read image ${imagePath}`, cause: error });
      }
    }),
  );
}
