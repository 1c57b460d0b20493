import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AresError } from '@ares/core';
import type { ResultStore, SampleResult } from '../run-evaluation';

/**
 * A {@link ResultStore} backed by a JSONL file: each result is appended as one line (`O_APPEND`) as soon as it is
 * graded, so a killed run loses only the samples still in flight. On load, malformed lines (e.g. a line cut by a
 * kill) are returned as invalid records (the runner counts and skips them), and a missing final newline is
 * restored so the next append starts a fresh line.
 *
 * @example
 * ```ts
 * await runEvaluation({ items, policy, store: new JsonlResultStore('out/results.jsonl') })
 * ```
 * @see SPEC.md §5.5
 */
export class JsonlResultStore implements ResultStore {
  /** @param path - the JSONL file; created (with its directory) on first append */
  constructor(readonly path: string) {}

  async load(): Promise<readonly unknown[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new AresError({ code: 'IO', parameter: 'path', value: this.path, message: `cannot read ${this.path}`, cause: error });
    }
    if (text.length > 0 && !text.endsWith('\n')) await this.write('\n');
    const records: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line.trim().length === 0) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        records.push({ invalid: line.slice(0, 80) });
      }
    }
    return records;
  }

  async append(result: SampleResult): Promise<void> {
    await this.write(`${JSON.stringify(result)}\n`);
  }

  private async write(text: string): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, text, 'utf8');
    } catch (error) {
      throw new AresError({ code: 'IO', parameter: 'path', value: this.path, message: `cannot append to ${this.path}`, cause: error });
    }
  }
}
