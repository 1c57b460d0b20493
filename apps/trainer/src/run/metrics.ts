import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AresError } from '@ares/core';

/** Options of {@link MetricsLog.open}. */
export interface MetricsLogOpenOptions {
  /**
   * Keep only the first `keepLines` complete lines (the count saved with the checkpoint being resumed); 0 starts
   * an empty log. When omitted, every complete line is kept and only a partial last line is dropped.
   * @default undefined
   */
  readonly keepLines?: number | undefined;
}

const NEWLINE = 0x0a;

function ioError(path: string, action: string, error: unknown): AresError {
  return new AresError({ code: 'IO', parameter: path, value: undefined, message: `MetricsLog: cannot ${action} ${path}: ${(error as Error).message}`, cause: error });
}

/**
 * An append-only JSON Lines log of training metrics: one `JSON.stringify(record)` per line, each line written
 * and fsynced before {@link MetricsLog.append} returns.
 *
 * A line counts only when its newline is on disk. Resuming from a checkpoint that recorded `log.lines` with
 * `MetricsLog.open(path, { keepLines })` cuts the file back to exactly those lines (dropping a line torn by a
 * crash and the lines of steps after the checkpoint), so the log of a resumed run equals the log of an
 * uninterrupted one.
 *
 * @example
 * ```ts
 * const log = MetricsLog.open('runs/a/metrics.jsonl', { keepLines: resumed ? state.metricsLines : 0 })
 * log.append({ step, loss })
 * await saveCheckpoint(dir, { parameters, optimizer, state: { step, metricsLines: log.lines } })
 * log.close()
 * ```
 */
export class MetricsLog {
  /** The log file's path. */
  readonly path: string;
  #descriptor: number | null;
  #lines: number;

  private constructor(path: string, descriptor: number, lines: number) {
    this.path = path;
    this.#descriptor = descriptor;
    this.#lines = lines;
  }

  /**
   * Opens (creating it and its directory when missing) a log for appending, cut back to complete lines.
   *
   * @param path - the `.jsonl` file
   * @param options - `keepLines`: how many complete lines to keep
   * @returns the open log; call {@link MetricsLog.close} when done
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `options.keepLines`) unless it is a non-negative integer;
   *   `INVALID_STATE` (parameter `path`) when the file has fewer complete lines than `keepLines` (lines the
   *   checkpoint counted are lost); `IO` (parameter `path`) when the file cannot be read, cut or opened
   */
  static open(path: string, options: MetricsLogOpenOptions = {}): MetricsLog {
    const { keepLines } = options;
    if (keepLines !== undefined && (!Number.isSafeInteger(keepLines) || keepLines < 0)) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'options.keepLines', value: keepLines, message: `MetricsLog.open: keepLines must be a non-negative integer, got ${keepLines}` });
    }
    let content: Buffer;
    try {
      mkdirSync(dirname(path), { recursive: true });
      content = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(path, 'read', error);
      content = Buffer.alloc(0);
    }
    // Byte length and count of the complete lines to keep.
    let keptBytes = 0;
    let lines = 0;
    while (keepLines === undefined || lines < keepLines) {
      const newline = content.indexOf(NEWLINE, keptBytes);
      if (newline < 0) break;
      keptBytes = newline + 1;
      lines++;
    }
    if (keepLines !== undefined && lines < keepLines) {
      throw new AresError({ code: 'INVALID_STATE', parameter: path, value: { keepLines, lines }, message: `MetricsLog.open: ${path} has ${lines} complete lines, the checkpoint expects at least ${keepLines}` });
    }
    let descriptor: number;
    try {
      descriptor = openSync(path, 'a+');
    } catch (error) {
      throw ioError(path, 'open', error);
    }
    try {
      if (keptBytes !== content.byteLength) {
        ftruncateSync(descriptor, keptBytes);
        fsyncSync(descriptor);
      }
    } catch (error) {
      closeSync(descriptor);
      throw ioError(path, 'truncate', error);
    }
    return new MetricsLog(path, descriptor, lines);
  }

  /** Number of complete lines in the file (the value to save with a checkpoint). */
  get lines(): number {
    return this.#lines;
  }

  /**
   * Appends one record as a line and fsyncs it.
   *
   * @param record - any value `JSON.stringify` turns into a string (non-finite numbers become `null`)
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `record`) when it cannot be serialised (cycles, BigInt);
   *   `INVALID_STATE` (parameter `path`) after {@link MetricsLog.close}; `IO` (parameter `path`) when writing fails
   */
  append(record: object): void {
    if (this.#descriptor === null) {
      throw new AresError({ code: 'INVALID_STATE', parameter: this.path, value: null, message: `MetricsLog.append: ${this.path} is closed` });
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(record);
    } catch (error) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'record', value: undefined, message: 'MetricsLog.append: the record cannot be serialised to JSON', cause: error });
    }
    if (typeof text !== 'string') {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'record', value: record, message: 'MetricsLog.append: JSON.stringify(record) gives no text' });
    }
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    try {
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(this.#descriptor, bytes, written, bytes.byteLength - written);
      fsyncSync(this.#descriptor);
    } catch (error) {
      throw ioError(this.path, 'append to', error);
    }
    this.#lines++;
  }

  /** Closes the file; further appends throw. Closing twice is harmless. */
  close(): void {
    if (this.#descriptor === null) return;
    const descriptor = this.#descriptor;
    this.#descriptor = null;
    closeSync(descriptor);
  }
}

/**
 * Reads a JSON Lines metrics log.
 *
 * @param path - the file {@link MetricsLog} wrote
 * @returns one parsed value per line, in order
 * @throws {AresError} `IO` (parameter `path`) when the file cannot be read; `INVALID_STATE` (parameter
 *   `${path}:${line}`, 1-based) for a line that is not JSON, or a last line without its newline (a torn write,
 *   which `MetricsLog.open` would drop)
 * @example
 * ```ts
 * const losses = readMetrics('runs/a/metrics.jsonl').map((record) => (record as { loss: number }).loss)
 * ```
 */
export function readMetrics(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AresError({ code: 'IO', parameter: path, value: undefined, message: `readMetrics: cannot read ${path}: ${(error as Error).message}`, cause: error });
  }
  if (text.length === 0) return [];
  const lines = text.split('\n');
  const last = lines.pop()!;
  if (last.length > 0) {
    throw new AresError({ code: 'INVALID_STATE', parameter: `${path}:${lines.length + 1}`, value: last, message: `readMetrics: ${path}:${lines.length + 1} has no newline (a torn write)` });
  }
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new AresError({ code: 'INVALID_STATE', parameter: `${path}:${index + 1}`, value: line, message: `readMetrics: ${path}:${index + 1} is not JSON`, cause: error });
    }
  });
}
