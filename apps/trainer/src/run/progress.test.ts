import { describe, expect, it } from 'vitest';
import { expectAresError } from '@ares/testing';
import { createProgress, formatDuration } from './progress';

/** A stream that records every write, and a clock the test moves by hand (milliseconds). */
function fakes(terminal: boolean, columns?: number): { stream: { writes: string[]; isTTY: boolean; columns?: number; write(text: string): void }; clock: { time: number }; now: () => number } {
  const writes: string[] = [];
  const stream = { writes, isTTY: terminal, ...(columns === undefined ? {} : { columns }), write: (text: string) => void writes.push(text) };
  const clock = { time: 0 };
  return { stream, clock, now: () => clock.time };
}

const CLEAR = '\x1b[K';

describe('createProgress on a terminal', () => {
  it('redraws one bar line in place at most every 100 ms and ends it with a newline', () => {
    const { stream, clock, now } = fakes(true);
    const task = createProgress({ stream, now }).start('fit', 50);
    clock.time = 1000;
    task.tick(); // 1/50 after 1 s: 1.0 it/s, 49 left → 49 s; 2 % → 0 of 20 cells
    clock.time = 1050;
    task.tick(11, 'loss 2.31'); // 50 ms after the last draw: not drawn
    clock.time = 1100;
    task.tick(0); // 12/50 after 1.1 s: 10.909… → 10.9 it/s; 38 / 10.909… = 3.483 s → 3.5s; 24 % → ⌊4.8⌋ = 4 cells
    clock.time = 4000;
    task.tick(38); // 50/50 after 4 s: 12.5 it/s, eta 0.0s, full bar
    task.done('loss 1.02'); // same instant: done in 4.0s, the new info replaces the old
    expect(stream.writes).toEqual([
      `\rfit [....................] 0/50 0% - it/s eta -${CLEAR}`,
      `\rfit [....................] 1/50 2% 1.0 it/s eta 49s${CLEAR}`,
      `\rfit [####................] 12/50 24% 10.9 it/s eta 3.5s loss 2.31${CLEAR}`,
      `\rfit [####################] 50/50 100% 12.5 it/s eta 0.0s loss 2.31${CLEAR}`,
      `\rfit [####################] 50/50 100% 12.5 it/s done in 4.0s loss 1.02${CLEAR}\n`,
    ]);
  });

  it('cuts the line to columns − 1 characters and ignores calls after done', () => {
    const { stream, clock, now } = fakes(true, 20);
    const task = createProgress({ stream, now }).start('evaluate', 4);
    clock.time = 2000;
    task.done();
    task.tick(1);
    task.done('again');
    // 'evaluate [....................] 0/4 …' cut to 19 characters.
    expect(stream.writes).toEqual([`\revaluate [.........${CLEAR}`, `\revaluate [.........${CLEAR}\n`]);
  });
});

describe('createProgress elsewhere', () => {
  it('writes a line at the start, one per new tenth of the total, and one at done', () => {
    const { stream, clock, now } = fakes(false);
    const task = createProgress({ stream, now }).start('fit', 20);
    clock.time = 1000;
    task.tick(); // 1/20 = 5 %: no new tenth
    clock.time = 2000;
    task.tick(); // 2/20 = 10 %: 1.0 it/s, 18 left → 18s
    clock.time = 3000;
    task.tick(); // 15 %: still the first tenth
    clock.time = 4000;
    task.tick(5, 'loss 2.0'); // 8/20 = 40 % skips to the fourth tenth: one line; 2.0 it/s, 12 / 2 = 6.0s
    clock.time = 10_000;
    task.tick(12); // 100 %: left to done
    task.done(); // 20 / 10 s = 2.0 it/s, done in 10s; the info stays
    expect(stream.writes.join('')).toBe(
      ['fit 0/20 0%', 'fit 2/20 10% 1.0 it/s eta 18s', 'fit 8/20 40% 2.0 it/s eta 6.0s loss 2.0', 'fit 20/20 100% 2.0 it/s done in 10s loss 2.0', ''].join('\n'),
    );
  });

  it('never writes control characters, even when the label or info holds some', () => {
    const { stream, clock, now } = fakes(false);
    const task = createProgress({ stream, now }).start('\x1b[31mred\x1b[0m', 10);
    for (let step = 1; step <= 10; step++) {
      clock.time = 300 * step;
      task.tick(1, `line\nbreak\r\tstep ${step}`);
    }
    task.done('end\x07');
    const output = stream.writes.join('');
    expect(output.split('\n').length - 1).toBe(stream.writes.length);
    expect([...output].filter((character) => character !== '\n' && /[\u0000-\u001f\u007f-\u009f]/.test(character))).toEqual([]);
    expect(stream.writes).toHaveLength(1 + 9 + 1);
    expect(stream.writes[0]).toBe(' [31mred [0m 0/10 0%\n');
  });

  it('computes the percentage from integers (29 of 100 is 29 %, not 28 %)', () => {
    const { stream, clock, now } = fakes(false);
    const task = createProgress({ stream, now }).start('p', 100);
    clock.time = 29_000;
    task.tick(29); // 1.0 it/s, 71 left → 1m11s
    expect(stream.writes[1]).toBe('p 29/100 29% 1.0 it/s eta 1m11s\n');
  });

  it('throws INVALID_ARGUMENT for a negative or non-finite total or tick', () => {
    const progress = createProgress({ stream: { write: () => undefined } });
    expectAresError(() => progress.start('x', -1), 'INVALID_ARGUMENT', 'total');
    expectAresError(() => progress.start('x', Number.NaN), 'INVALID_ARGUMENT', 'total');
    expectAresError(() => progress.start('x', 3).tick(-1), 'INVALID_ARGUMENT', 'n');
  });
});

describe('formatDuration', () => {
  it('shows tenths below 10 s, seconds below a minute, then minutes and hours', () => {
    const cases: [number, string][] = [
      [0, '0.0s'],
      [9.94, '9.9s'],
      [9.96, '10s'],
      [59.4, '59s'],
      [59.6, '1m00s'],
      [75, '1m15s'],
      [3599.4, '59m59s'],
      [3599.6, '1h00m'],
      [3725, '1h02m'],
      [-1, '-'],
      [Number.POSITIVE_INFINITY, '-'],
    ];
    expect(cases.map(([seconds]) => formatDuration(seconds))).toEqual(cases.map(([, text]) => text));
  });
});
