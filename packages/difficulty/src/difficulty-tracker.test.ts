import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, FLOAT64 } from '@ares/testing';
import {
  DEFAULT_DIFFICULTY_TRACKER_OPTIONS,
  DifficultyTracker,
  type DifficultyTrackerState,
} from './difficulty-tracker';

const SIX_OF_EIGHT = [true, true, false, true, true, true, true, false];

function stateWith(overrides: Record<string, unknown>): DifficultyTrackerState {
  const base = {
    version: 1,
    mode: 'latest',
    thresholds: { easyAtLeast: 2 / 3, hardBelow: 1 / 3 },
    entries: [{ id: 'a', passRate: 0.75, correct: 3, total: 4, visits: 2 }],
  };
  return { ...base, ...overrides } as unknown as DifficultyTrackerState;
}

function stateWithEntry(entry: Record<string, unknown>, mode = 'latest'): DifficultyTrackerState {
  return stateWith({ mode, entries: [{ id: 'a', passRate: 0.75, correct: 3, total: 4, visits: 2, ...entry }] });
}

describe('DifficultyTracker', () => {
  it('returns the bucket of each update and undefined for unseen prompts', () => {
    const tracker = new DifficultyTracker();
    expect(tracker.update('q1', SIX_OF_EIGHT)).toBe('easy');
    expect(tracker.update('q2', [1, 0, 0, 1, 0, 0, 1, 0])).toBe('medium');
    expect(tracker.update('q3', [0, 0, 0, 0, 0, 0, 1, 1])).toBe('hard');
    expect(tracker.bucket('q1')).toBe('easy');
    expect(tracker.passRate('q2')).toBe(3 / 8);
    expect(tracker.bucket('q4')).toBeUndefined();
    expect(tracker.passRate('q4')).toBeUndefined();
    expect(tracker.entry('q4')).toBeUndefined();
    expect(tracker.has('q4')).toBe(false);
    expect(tracker.size).toBe(3);
  });

  it('treats 1 and "1" as the same prompt', () => {
    const tracker = new DifficultyTracker({ mode: 'cumulative' });
    tracker.update(1, [true]);
    tracker.update('1', [false, false]);
    expect(tracker.size).toBe(1);
    expect(tracker.entry(1)).toEqual({ passRate: 1 / 3, correct: 1, total: 3, visits: 2 });
    expect(tracker.toJSON().entries[0]!.id).toBe('1');
  });

  it('overwrites with the latest visit in latest mode (the DEFAULT)', () => {
    const tracker = new DifficultyTracker();
    expect(tracker.mode).toBe('latest');
    tracker.update('q', [1, 1, 1, 1]);
    expect(tracker.update('q', [0, 0, 0, 1])).toBe('hard');
    expect(tracker.entry('q')).toEqual({ passRate: 0.25, correct: 1, total: 4, visits: 2 });
  });

  it('pools counts in cumulative mode (4 of 4 then 1 of 8 is 5 of 12, medium)', () => {
    const tracker = new DifficultyTracker({ mode: 'cumulative' });
    tracker.update('q', [1, 1, 1, 1]);
    expect(tracker.update('q', [0, 0, 0, 0, 0, 0, 0, 1])).toBe('medium');
    expect(tracker.entry('q')).toEqual({ passRate: 5 / 12, correct: 5, total: 12, visits: 2 });
  });

  it('averages visits exponentially in ema mode (decay 0.5: 1, 0, 1 gives 1, 0.5, 0.75)', () => {
    const tracker = new DifficultyTracker({ mode: 'ema', emaDecay: 0.5 });
    expect(tracker.update('q', [1, 1])).toBe('easy');
    expect(tracker.passRate('q')).toBe(1);
    expect(tracker.update('q', [0, 0])).toBe('medium');
    expect(tracker.passRate('q')).toBe(0.5);
    expect(tracker.update('q', [1, 1, 1, 1])).toBe('easy');
    expect(tracker.passRate('q')).toBe(0.75);
    expect(tracker.entry('q')).toEqual({ passRate: 0.75, correct: 6, total: 8, visits: 3 });
  });

  it('matches the closed form of the EMA, decay^(k−1)·x1 + Σ (1 − decay)·decay^(k−j)·x_j', () => {
    const decay = 0.8;
    const rates = [3 / 8, 1, 0, 5 / 8, 7 / 8, 2 / 8];
    const tracker = new DifficultyTracker({ mode: 'ema', emaDecay: decay });
    const expected: number[] = [];
    const actual: number[] = [];
    rates.forEach((rate, visit) => {
      tracker.update('q', Array.from({ length: 8 }, (_, index) => index < rate * 8));
      let closed = decay ** visit * rates[0]!;
      for (let j = 1; j <= visit; j++) closed += (1 - decay) * decay ** (visit - j) * rates[j]!;
      expected.push(closed);
      actual.push(tracker.passRate('q')!);
    });
    expectAllClose(actual, expected, FLOAT64);
  });

  it('with emaDecay 0 behaves like latest', () => {
    const ema = new DifficultyTracker({ mode: 'ema', emaDecay: 0 });
    const latest = new DifficultyTracker();
    for (const group of [[1, 1, 0], [0, 0, 0, 1], [1, 0], [1, 1, 1]]) {
      expect(ema.update('q', group)).toBe(latest.update('q', group));
      expect(ema.passRate('q')).toBe(latest.passRate('q'));
    }
  });

  it('gives only easy and hard with one rollout per visit in latest mode', () => {
    const tracker = new DifficultyTracker();
    const buckets = [1, 0, 1, 1, 0].map((outcome, index) => tracker.update(index, [outcome]));
    expect(buckets).toEqual(['easy', 'hard', 'easy', 'easy', 'hard']);
  });

  it('applies custom thresholds', () => {
    const tracker = new DifficultyTracker({ thresholds: { easyAtLeast: 0.9, hardBelow: 0.1 } });
    expect(tracker.thresholds).toEqual({ easyAtLeast: 0.9, hardBelow: 0.1 });
    expect(tracker.update('q', SIX_OF_EIGHT)).toBe('medium');
    expect(tracker.update('r', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe('hard');
  });

  it('counts prompts and averages pass rates per bucket', () => {
    const tracker = new DifficultyTracker();
    tracker.update('a', [1, 1, 1, 1]); // 1, easy
    tracker.update('b', [1, 1, 1, 0]); // 0.75, easy
    tracker.update('c', [1, 0, 0, 0]); // 0.25, hard
    tracker.update('d', [1, 1, 0, 0]); // 0.5, medium
    expect(tracker.counts()).toEqual({ easy: 2, medium: 1, hard: 1 });
    expect(tracker.prompts('easy')).toEqual(['a', 'b']);
    expect(tracker.prompts()).toEqual(['a', 'b', 'c', 'd']);
    expect(tracker.summary()).toEqual({
      easy: { count: 2, meanPassRate: 0.875 },
      medium: { count: 1, meanPassRate: 0.5 },
      hard: { count: 1, meanPassRate: 0.25 },
    });
  });

  it('reports NaN as the mean pass rate of an empty bucket', () => {
    const summary = new DifficultyTracker().summary();
    expect(summary.easy.count).toBe(0);
    expect(summary.easy.meanPassRate).toBeNaN();
  });

  it('updateMany groups a GRPO batch by prompt, one visit per prompt, in first-appearance order', () => {
    const tracker = new DifficultyTracker({ mode: 'cumulative' });
    const buckets = tracker.updateMany(['p', 'q', 'p', 'q', 'p', 7, 'q', 'p'], [1, 0, 1, false, 0, true, 0, true]);
    expect([...buckets]).toEqual([
      ['p', 'easy'],
      ['q', 'hard'],
      ['7', 'easy'],
    ]);
    expect(tracker.entry('p')).toEqual({ passRate: 0.75, correct: 3, total: 4, visits: 1 });
    expect(tracker.entry('q')).toEqual({ passRate: 0, correct: 0, total: 3, visits: 1 });
    expect(tracker.updateMany([], []).size).toBe(0);
  });

  it('updateMany validates the whole batch before recording anything', () => {
    const tracker = new DifficultyTracker();
    expectAresError(() => tracker.updateMany(['a', 'b'], [1]), 'SHAPE_MISMATCH', 'correctness');
    const error = expectAresError(() => tracker.updateMany(['a', 'b', 'c'], [1, 0, 0.5]), 'INVALID_ARGUMENT', 'correctness');
    expect(error.message).toContain('element 2');
    expectAresError(() => tracker.updateMany(['a', Number.NaN], [1, 0]), 'INVALID_ARGUMENT', 'promptIds');
    expect(tracker.size).toBe(0);
  });

  it('does not modify its inputs', () => {
    const tracker = new DifficultyTracker();
    const outcomes = new Uint8Array([1, 0, 1]);
    const ids = ['a', 'a', 'b'];
    tracker.update('a', outcomes);
    tracker.updateMany(ids, outcomes);
    expect(outcomes).toEqual(new Uint8Array([1, 0, 1]));
    expect(ids).toEqual(['a', 'a', 'b']);
  });

  it('throws on a bad update and records nothing', () => {
    const tracker = new DifficultyTracker();
    tracker.update('a', [1, 0]);
    expectAresError(() => tracker.update('a', []), 'EMPTY_INPUT', 'correctness');
    expectAresError(() => tracker.update('a', [1, 2]), 'INVALID_ARGUMENT', 'correctness');
    expectAresError(() => tracker.update(Infinity, [1]), 'INVALID_ARGUMENT', 'promptId');
    expectAresError(() => tracker.update({} as unknown as string, [1]), 'INVALID_ARGUMENT', 'promptId');
    expect(tracker.entry('a')).toEqual({ passRate: 0.5, correct: 1, total: 2, visits: 1 });
    expect(tracker.size).toBe(1);
  });

  it('validates its options', () => {
    expect(DEFAULT_DIFFICULTY_TRACKER_OPTIONS).toEqual({
      mode: 'latest',
      thresholds: { easyAtLeast: 2 / 3, hardBelow: 1 / 3 },
      emaDecay: 0.5,
    });
    expect(Object.isFrozen(DEFAULT_DIFFICULTY_TRACKER_OPTIONS)).toBe(true);
    expectAresError(() => new DifficultyTracker({ mode: 'mean' as 'latest' }), 'UNSUPPORTED', 'options.mode');
    expectAresError(
      () => new DifficultyTracker({ thresholds: { easyAtLeast: 0.2, hardBelow: 0.3 } }),
      'INVALID_ARGUMENT',
      'options.thresholds.hardBelow',
    );
    expectAresError(() => new DifficultyTracker({ thresholds: { easyAtLeast: 2 } }), 'INVALID_ARGUMENT', 'options.thresholds.easyAtLeast');
    for (const bad of [1, -0.1, Number.NaN]) {
      expectAresError(() => new DifficultyTracker({ mode: 'ema', emaDecay: bad }), 'INVALID_ARGUMENT', 'options.emaDecay');
    }
  });

  it('serialises to {version: 1, mode, thresholds, entries}, with emaDecay only in ema mode', () => {
    const tracker = new DifficultyTracker({ mode: 'cumulative' });
    tracker.update('b', [1, 0]);
    tracker.update(3, [1, 1, 1]);
    tracker.update('b', [1, 1]);
    expect(tracker.toJSON()).toEqual({
      version: 1,
      mode: 'cumulative',
      thresholds: { easyAtLeast: 2 / 3, hardBelow: 1 / 3 },
      entries: [
        { id: 'b', passRate: 0.75, correct: 3, total: 4, visits: 2 },
        { id: '3', passRate: 1, correct: 3, total: 3, visits: 1 },
      ],
    });
    const ema = new DifficultyTracker({ mode: 'ema', emaDecay: 0.25 });
    expect(ema.toJSON()).toEqual({
      version: 1,
      mode: 'ema',
      thresholds: { easyAtLeast: 2 / 3, hardBelow: 1 / 3 },
      emaDecay: 0.25,
      entries: [],
    });
  });

  it('returns a fresh state: changing it or the restored source does not touch the tracker', () => {
    const tracker = new DifficultyTracker();
    tracker.update('a', [1, 0]);
    const state = tracker.toJSON() as unknown as { entries: { correct: number }[] };
    state.entries[0]!.correct = 2;
    expect(tracker.entry('a')!.correct).toBe(1);
    const saved = JSON.parse(JSON.stringify(tracker.toJSON())) as { entries: { passRate: number }[] };
    const restored = DifficultyTracker.fromJSON(saved as unknown as DifficultyTrackerState);
    saved.entries[0]!.passRate = 1;
    expect(restored.passRate('a')).toBe(0.5);
  });

  it('restores modes, thresholds, emaDecay and entries from JSON', () => {
    const tracker = new DifficultyTracker({ mode: 'ema', emaDecay: 0.7, thresholds: { easyAtLeast: 0.8 } });
    tracker.update('a', [1, 1, 0]);
    tracker.update('a', [0, 0, 1]);
    tracker.update('b', [1]);
    const restored = DifficultyTracker.fromJSON(JSON.parse(JSON.stringify(tracker.toJSON())) as DifficultyTrackerState);
    expect(restored.mode).toBe('ema');
    expect(restored.emaDecay).toBe(0.7);
    expect(restored.thresholds).toEqual({ easyAtLeast: 0.8, hardBelow: 1 / 3 });
    expect(restored.toJSON()).toEqual(tracker.toJSON());
    expect(restored.update('a', [1])).toBe(tracker.update('a', [1]));
    expect(restored.passRate('a')).toBe(tracker.passRate('a'));
  });

  it('fromJSON throws INVALID_STATE for an unknown version', () => {
    for (const version of [2, 0, '1', undefined]) {
      expectAresError(() => DifficultyTracker.fromJSON(stateWith({ version })), 'INVALID_STATE', 'state.version');
    }
    expectAresError(() => DifficultyTracker.fromJSON(null as unknown as DifficultyTrackerState), 'INVALID_STATE', 'state');
  });

  it('fromJSON throws INVALID_STATE for a bad mode, thresholds or emaDecay', () => {
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ mode: 'mean' })), 'INVALID_STATE', 'state.mode');
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ thresholds: null })), 'INVALID_STATE', 'state.thresholds');
    expectAresError(
      () => DifficultyTracker.fromJSON(stateWith({ thresholds: { easyAtLeast: '0.6', hardBelow: 0.3 } })),
      'INVALID_STATE',
      'state.thresholds',
    );
    expectAresError(
      () => DifficultyTracker.fromJSON(stateWith({ thresholds: { easyAtLeast: 0.2, hardBelow: 0.3 } })),
      'INVALID_STATE',
      'state.thresholds.hardBelow',
    );
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ mode: 'ema' })), 'INVALID_STATE', 'state.emaDecay');
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ mode: 'ema', emaDecay: 1 })), 'INVALID_STATE', 'state.emaDecay');
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ emaDecay: 0.5 })), 'INVALID_STATE', 'state.emaDecay');
  });

  it('fromJSON throws INVALID_STATE naming the malformed entry field', () => {
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ id: 3 }, 'state.entries[0].id'],
      [{ total: 0, correct: 0, passRate: 0 }, 'state.entries[0].total'],
      [{ total: 4.5 }, 'state.entries[0].total'],
      [{ correct: 5 }, 'state.entries[0].correct'],
      [{ correct: -1 }, 'state.entries[0].correct'],
      [{ correct: 1.5 }, 'state.entries[0].correct'],
      [{ visits: 0 }, 'state.entries[0].visits'],
      [{ visits: 5 }, 'state.entries[0].visits', 'cumulative'],
      [{ passRate: 0.5 }, 'state.entries[0].passRate'],
      [{ passRate: 0.7500000000000001 }, 'state.entries[0].passRate', 'cumulative'],
      [{ passRate: 1.5 }, 'state.entries[0].passRate', 'ema'],
      [{ passRate: null }, 'state.entries[0].passRate', 'ema'],
    ];
    for (const [entry, parameter, mode] of cases) {
      const state = stateWithEntry(entry, mode);
      const withDecay = mode === 'ema' ? ({ ...state, emaDecay: 0.5 } as DifficultyTrackerState) : state;
      expectAresError(() => DifficultyTracker.fromJSON(withDecay), 'INVALID_STATE', parameter);
    }
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ entries: {} })), 'INVALID_STATE', 'state.entries');
    expectAresError(() => DifficultyTracker.fromJSON(stateWith({ entries: [null] })), 'INVALID_STATE', 'state.entries[0]');
    const duplicate = stateWith({
      entries: [
        { id: 'a', passRate: 1, correct: 1, total: 1, visits: 1 },
        { id: 'a', passRate: 0, correct: 0, total: 1, visits: 1 },
      ],
    });
    expectAresError(() => DifficultyTracker.fromJSON(duplicate), 'INVALID_STATE', 'state.entries[1].id');
  });

  it('fromJSON accepts an ema entry whose pass rate is not correct/total and a latest entry with visits > total', () => {
    const ema = DifficultyTracker.fromJSON({ ...stateWithEntry({ passRate: 0.6 }, 'ema'), emaDecay: 0.5 });
    expect(ema.passRate('a')).toBe(0.6);
    const latest = DifficultyTracker.fromJSON(stateWithEntry({ visits: 9 }));
    expect(latest.entry('a')!.visits).toBe(9);
  });
});
