import { AresError } from '@ares/core';

/** Where progress goes: `process.stderr` or anything with `write` (and, for a terminal, `isTTY`/`columns`). */
export interface ProgressStream {
  /** Writes text as is. */
  write(text: string): unknown;
  /** True for a terminal: one bar redrawn in place; otherwise plain lines. */
  readonly isTTY?: boolean | undefined;
  /** Terminal width; bar lines are cut to `columns − 1` characters so they never wrap. */
  readonly columns?: number | undefined;
}

/** Options of {@link createProgress}. */
export interface CreateProgressOptions {
  /** The output stream. */
  readonly stream: ProgressStream;
  /**
   * Clock in milliseconds.
   * @default performance.now
   */
  readonly now?: (() => number) | undefined;
}

/** One running phase, from {@link Progress.start}. */
export interface ProgressTask {
  /**
   * Counts `n` more items done; `info` (e.g. the loss) replaces the text shown after the numbers and stays
   * until replaced. Ignored after {@link ProgressTask.done}.
   */
  tick(n?: number, info?: string): void;
  /** Ends the phase with a final line (elapsed time instead of the ETA); later calls are ignored. */
  done(info?: string): void;
}

/** A progress reporter, from {@link createProgress}. */
export interface Progress {
  /**
   * Starts a phase of `total` items and prints its first line.
   * @throws {AresError} `INVALID_ARGUMENT` (parameter `total`) unless it is a finite number ≥ 0
   */
  start(label: string, total: number): ProgressTask;
}

/** Characters of the TTY bar between the brackets. */
export const PROGRESS_BAR_WIDTH = 20;
/** Minimum time between two TTY redraws, in milliseconds. */
export const PROGRESS_REDRAW_INTERVAL_MS = 100;

/**
 * A duration as people read it: `4.2s` below 10 s (tenths), `42s` below a minute, `3m05s` below an hour, then
 * `1h02m`; `-` for a negative or non-finite value.
 *
 * @param seconds - the duration in seconds
 * @returns the formatted duration
 * @example
 * ```ts
 * formatDuration(75) // '1m15s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const tenths = Math.round(seconds * 10) / 10;
  if (tenths < 10) return `${tenths.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Replaces C0/C1 control characters (newlines and escapes included) by spaces, so text cannot break a line. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/**
 * A progress reporter for long phases (training steps, evaluation problems).
 *
 * On a terminal (`stream.isTTY`) one line is redrawn in place (`\r`, the line, `ESC[K` to clear the rest), at
 * most every 100 ms, and ends with a newline at `done`:
 * `label [####................] 12/50 24% 10.9 it/s eta 3.5s info`, then
 * `label [####################] 50/50 100% 12.5 it/s done in 4.0s info`.
 * Elsewhere (a log file, CI) it writes plain lines without any control character: `label 0/50 0%` at the start,
 * `label 12/50 24% 10.9 it/s eta 3.5s info` when the count enters a new tenth of the total (10 %, …, 90 %; one
 * line even when a tick skips several), and `label 50/50 100% 12.5 it/s done in 4.0s info` at `done`.
 *
 * @param options - the stream and, for tests, the clock
 * @returns a reporter whose `start` opens one phase; show one phase at a time on a terminal
 * @remarks
 * The bar has {@link PROGRESS_BAR_WIDTH} cells, ⌊20·f⌋ of them `#`, with f = min(count, total)/total (1 when
 * total is 0); the percentage is ⌊100·f⌋ and the tenth ⌊10·f⌋. The rate is the mean since `start`, count / elapsed seconds, with one
 * decimal (`-` before any time has passed); the ETA is (total − count) / rate through {@link formatDuration}.
 * Control characters in `label` and `info` become spaces.
 * @example
 * ```ts
 * const task = createProgress({ stream: process.stderr }).start('sft', steps)
 * for (let step = 0; step < steps; step++) task.tick(1, `loss ${(await sftStep(...)).loss.toFixed(3)}`)
 * task.done()
 * ```
 */
export function createProgress(options: CreateProgressOptions): Progress {
  const { stream } = options;
  const now = options.now ?? (() => performance.now());
  const terminal = stream.isTTY === true;
  return {
    start(label: string, total: number): ProgressTask {
      if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) {
        throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'total', value: total, message: `progress.start: total must be a finite number ≥ 0, got ${total}` });
      }
      const name = plain(label);
      const startedAt = now();
      let count = 0;
      let info = '';
      let finished = false;
      let lastDraw = startedAt;
      let lastTenth = 0;

      // ⌊parts·min(count, total)/total⌋, multiplying first so that 29/100 gives 29 %, not 28 %.
      const share = (parts: number): number => (total > 0 ? Math.floor((parts * Math.min(count, total)) / total) : parts);
      const numbers = (elapsedSeconds: number, tail: string): string => {
        const rate = elapsedSeconds > 0 ? count / elapsedSeconds : Number.NaN;
        const eta = rate > 0 ? Math.max(total - count, 0) / rate : Number.NaN;
        const rateText = Number.isFinite(rate) ? rate.toFixed(1) : '-';
        const ending = tail === 'eta' ? `eta ${formatDuration(eta)}` : `done in ${formatDuration(elapsedSeconds)}`;
        return `${count}/${total} ${share(100)}% ${rateText} it/s ${ending}${info === '' ? '' : ` ${info}`}`;
      };
      const bar = (): string => {
        const filled = share(PROGRESS_BAR_WIDTH);
        return `[${'#'.repeat(filled)}${'.'.repeat(PROGRESS_BAR_WIDTH - filled)}]`;
      };
      const fit = (line: string): string => {
        const columns = stream.columns;
        return columns !== undefined && columns > 1 && line.length > columns - 1 ? line.slice(0, columns - 1) : line;
      };
      const drawBar = (time: number, tail: 'eta' | 'done'): void => {
        const line = fit(`${name} ${bar()} ${numbers((time - startedAt) / 1000, tail)}`);
        stream.write(`\r${line}\x1b[K${tail === 'done' ? '\n' : ''}`);
        lastDraw = time;
      };

      if (terminal) drawBar(startedAt, 'eta');
      else stream.write(`${name} 0/${total} 0%\n`);

      return {
        tick(n = 1, text?: string): void {
          if (finished) return;
          if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
            throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'n', value: n, message: `progress.tick: n must be a finite number ≥ 0, got ${n}` });
          }
          count += n;
          if (text !== undefined) info = plain(text);
          const time = now();
          if (terminal) {
            if (time - lastDraw >= PROGRESS_REDRAW_INTERVAL_MS) drawBar(time, 'eta');
            return;
          }
          const tenth = share(10);
          if (tenth > lastTenth && tenth < 10) stream.write(`${name} ${numbers((time - startedAt) / 1000, 'eta')}\n`);
          lastTenth = Math.max(lastTenth, tenth);
        },
        done(text?: string): void {
          if (finished) return;
          finished = true;
          if (text !== undefined) info = plain(text);
          const time = now();
          if (terminal) drawBar(time, 'done');
          else stream.write(`${name} ${numbers((time - startedAt) / 1000, 'done')}\n`);
        },
      };
    },
  };
}
