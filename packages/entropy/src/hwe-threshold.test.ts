import { expectAllClose, expectAresError, FLOAT64, loadFixture, REFERENCE } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAPER_THRESHOLD_OPTIONS,
  DEFAULT_RELEASED_THRESHOLD_TRACKER_OPTIONS,
  paperThreshold,
  ReleasedThresholdTracker,
  type ReleasedThresholdTrackerState,
} from './hwe-threshold';

interface PaperCase {
  readonly quantile: number;
  readonly sequences: readonly (readonly number[])[];
  readonly groupIds: readonly number[];
  readonly batch: number;
  readonly groups: readonly (readonly [number, number])[];
}

interface ReleasedCase {
  readonly window: number;
  readonly quantile: number;
  readonly initialThreshold: number | null;
  readonly batches: readonly (readonly (readonly number[])[])[];
  readonly expected: readonly { used: number; next: number; median: number; thresholds: readonly number[] }[];
}

const paperFixture = loadFixture<PaperCase>(new URL('./__fixtures__/hwe-threshold-paper.json', import.meta.url));
const releasedFixture = loadFixture<ReleasedCase>(
  new URL('./__fixtures__/hwe-threshold-released.json', import.meta.url),
);

describe('paperThreshold', () => {
  it('is the batch mean of per-sequence quantiles (hand example)', () => {
    // quantile 0.5: [1..5] → 3; [0, 0, 1] → 0; mean 1.5.
    expect(
      paperThreshold(
        [
          [1, 2, 3, 4, 5],
          [0, 0, 1],
        ],
        { quantile: 0.5 },
      ),
    ).toBe(1.5);
    // 0.95-quantile of [0, 1, 2, 3, 4]: h = 3.8 → 3 + 0.8 = 3.8; of a constant 2 → 2; mean 2.9.
    expectAllClose(
      paperThreshold([
        [0, 1, 2, 3, 4],
        [2, 2],
      ]),
      2.9,
      REFERENCE,
    );
  });

  it('matches numpy (mean of np.quantile) on the fixture, per batch and per group', () => {
    for (const testCase of paperFixture.cases) {
      const batch = paperThreshold(testCase.sequences, { quantile: testCase.quantile });
      expectAllClose(batch, testCase.batch, FLOAT64);
      const groups = paperThreshold(testCase.sequences, {
        quantile: testCase.quantile,
        scope: 'group',
        groupIds: testCase.groupIds,
      });
      expect([...groups.keys()]).toEqual(testCase.groups.map(([id]) => id));
      expectAllClose(
        [...groups.values()],
        testCase.groups.map(([, value]) => value),
        FLOAT64,
      );
    }
  });

  it('uses q = 0.95 and batch scope by default', () => {
    expect(DEFAULT_PAPER_THRESHOLD_OPTIONS).toEqual({ quantile: 0.95, scope: 'batch' });
    const sequences = [
      [0.1, 0.4, 2.5, 0.3],
      [1, 2],
    ];
    expect(paperThreshold(sequences)).toBe(paperThreshold(sequences, { quantile: 0.95, scope: 'batch' }));
  });

  it('groups by strict id equality, in order of first appearance', () => {
    const thresholds = paperThreshold([[1], [3], [5], [7]], {
      scope: 'group',
      groupIds: ['b', 1, 'b', '1'],
      quantile: 0.5,
    });
    expect([...thresholds.entries()]).toEqual([
      ['b', 3],
      [1, 3],
      ['1', 7],
    ]);
  });

  it('leaves empty responses out and gives NaN when no response has tokens', () => {
    expect(paperThreshold([[2, 2], [], [4]], { quantile: 0.5 })).toBe(3);
    expect(paperThreshold([[], []])).toBeNaN();
  });

  it('propagates NaN entropies', () => {
    expect(paperThreshold([[1, Number.NaN], [2]])).toBeNaN();
  });

  it('accepts typed arrays and leaves them unchanged', () => {
    const sequence = Float32Array.from([3, 1, 2]);
    const snapshot = sequence.slice();
    expect(paperThreshold([sequence], { quantile: 0.5 })).toBe(2);
    expect(sequence).toEqual(snapshot);
  });

  it('throws EMPTY_INPUT for an empty batch', () => {
    expectAresError(() => paperThreshold([]), 'EMPTY_INPUT', 'sequences');
  });

  it('throws for a bad quantile, an unknown scope, or missing or mismatched group ids', () => {
    expectAresError(() => paperThreshold([[1]], { quantile: 1.5 }), 'INVALID_ARGUMENT', 'options.quantile');
    expectAresError(() => paperThreshold([[1]], { scope: 'prompt' as 'batch' }), 'UNSUPPORTED', 'options.scope');
    expectAresError(() => paperThreshold([[1]], { scope: 'group' } as never), 'INVALID_ARGUMENT', 'options.groupIds');
    expectAresError(
      () => paperThreshold([[1], [2]], { scope: 'group', groupIds: [0] }),
      'SHAPE_MISMATCH',
      'options.groupIds',
    );
  });
});

describe('ReleasedThresholdTracker', () => {
  it('follows τ_{k+1} − m = 0.99·(τ_k − m) from 2.0 with constant medians 1.0 (SPEC §6.1 item 8)', () => {
    const tracker = new ReleasedThresholdTracker();
    // A constant sequence gives float32(c) as its released window threshold; 2 and 1 are exact in float32.
    expect(tracker.update([[2, 2, 2, 2, 2, 2]]).next).toBe(2);
    const taus = [1, 2, 3].map(
      () =>
        tracker.update([
          [1, 1, 1, 1, 1, 1],
          [1, 1, 1, 1, 1],
        ]).next,
    );
    expectAllClose(taus, [1.99, 1.9801, 1.970299], REFERENCE);
  });

  it('reproduces the released 0.99·τ + 0.01·med update bit for bit', () => {
    const tracker = new ReleasedThresholdTracker();
    const medians = [1.2345, 0.731, 2.5, 0.0001, 1.75, 0.3333333333333333, 1.1];
    let reference: number | undefined;
    for (const median of medians) {
      reference = reference === undefined ? median : 0.99 * reference + 0.01 * median;
      expect(tracker.updateFromThresholds([median]).next).toBe(reference);
    }
  });

  it('matches the released pipeline (per-sequence thresholds, np.median, EMA) on the fixture', () => {
    for (const testCase of releasedFixture.cases) {
      const tracker = new ReleasedThresholdTracker({
        window: testCase.window,
        quantile: testCase.quantile,
        ...(testCase.initialThreshold === null ? {} : { initialThreshold: testCase.initialThreshold }),
      });
      testCase.batches.forEach((batch, step) => {
        const expected = testCase.expected[step]!;
        const update = tracker.update(batch);
        expect([update.used, update.next, update.median]).toEqual([expected.used, expected.next, expected.median]);
        expect(tracker.current).toBe(expected.next);
      });
    }
  });

  it('labels each batch with the τ left by the previous one (one-step lag)', () => {
    const tracker = new ReleasedThresholdTracker({ initialThreshold: 1.5 });
    expect(tracker.current).toBe(1.5);
    const first = tracker.updateFromThresholds([0.8, 1.0, 1.2]);
    expect(first).toEqual({ used: 1.5, next: 1.0, median: 1.0 });
    const second = tracker.updateFromThresholds([3]);
    expect(second.used).toBe(1.0);
    expect(second.next).toBe(0.99 * 1.0 + 0.01 * 3);
    expect(tracker.current).toBe(second.next);
    expect(tracker.steps).toBe(2);
  });

  it('labels the first batch with its own median when no initial threshold is given', () => {
    const tracker = new ReleasedThresholdTracker();
    expect(tracker.current).toBeUndefined();
    expect(tracker.updateFromThresholds([4, 1, 2, 3])).toEqual({ used: 2.5, next: 2.5, median: 2.5 });
  });

  it('uses window 4, q = 0.95 and median weight 0.01 by default', () => {
    expect(DEFAULT_RELEASED_THRESHOLD_TRACKER_OPTIONS).toEqual({ window: 4, quantile: 0.95, medianWeight: 0.01 });
    expect(new ReleasedThresholdTracker().options).toEqual({
      window: 4,
      quantile: 0.95,
      medianWeight: 0.01,
      initialThreshold: null,
    });
  });

  it('throws NON_FINITE on a NaN batch and leaves its state unchanged', () => {
    const tracker = new ReleasedThresholdTracker();
    tracker.updateFromThresholds([1]);
    const before = tracker.toJSON();
    expectAresError(() => tracker.update([[1, 2, 3, 4, 5, Number.NaN]]), 'NON_FINITE', 'sequences');
    expectAresError(() => tracker.updateFromThresholds([Number.POSITIVE_INFINITY]), 'NON_FINITE', 'thresholds');
    expect(tracker.toJSON()).toEqual(before);
  });

  it('throws EMPTY_INPUT for an empty batch', () => {
    expectAresError(() => new ReleasedThresholdTracker().update([]), 'EMPTY_INPUT', 'sequences');
    expectAresError(() => new ReleasedThresholdTracker().updateFromThresholds([]), 'EMPTY_INPUT', 'thresholds');
  });

  it('throws INVALID_ARGUMENT for bad options', () => {
    expectAresError(() => new ReleasedThresholdTracker({ window: 0 }), 'INVALID_ARGUMENT', 'options.window');
    expectAresError(() => new ReleasedThresholdTracker({ quantile: -0.1 }), 'INVALID_ARGUMENT', 'options.quantile');
    expectAresError(
      () => new ReleasedThresholdTracker({ medianWeight: 2 }),
      'INVALID_ARGUMENT',
      'options.medianWeight',
    );
    expectAresError(
      () => new ReleasedThresholdTracker({ initialThreshold: Number.NaN }),
      'INVALID_ARGUMENT',
      'options.initialThreshold',
    );
  });

  it('survives a JSON round trip and continues identically', () => {
    const original = new ReleasedThresholdTracker({ window: 2, quantile: 0.9, initialThreshold: 1.25 });
    expect(ReleasedThresholdTracker.fromJSON(JSON.parse(JSON.stringify(original))).current).toBe(1.25);
    original.update([[0.5, 1.5, 2.5, 0.1]]);
    original.update([[3, 1, 0.2, 0.7, 0.9]]);
    const state = JSON.parse(JSON.stringify(original)) as ReleasedThresholdTrackerState;
    expect(state).toEqual(original.toJSON());
    expect(state.version).toBe(1);
    expect(state.steps).toBe(2);
    expect(state.initialised).toBe(true);
    const restored = ReleasedThresholdTracker.fromJSON(state);
    expect(restored.toJSON()).toEqual(original.toJSON());
    const batch = [[0.4, 0.4, 1.9, 2.2, 0.3]];
    expect(restored.update(batch)).toEqual(original.update(batch));
  });

  it('throws INVALID_STATE for malformed state', () => {
    const valid = new ReleasedThresholdTracker().toJSON();
    const initialised: ReleasedThresholdTrackerState = { ...valid, threshold: 1, initialised: true, steps: 3 };
    expect(ReleasedThresholdTracker.fromJSON(initialised).current).toBe(1);
    const malformed: [unknown, string][] = [
      [null, 'state'],
      [[], 'state'],
      [{ ...valid, version: 2 }, 'state.version'],
      [{ ...initialised, steps: -1 }, 'state.steps'],
      [{ ...initialised, steps: 1.5 }, 'state.steps'],
      [{ ...initialised, initialised: false }, 'state.initialised'],
      [{ ...valid, initialised: 'no' }, 'state.initialised'],
      [{ ...initialised, threshold: null }, 'state.threshold'],
      [{ ...initialised, threshold: 'NaN' }, 'state.threshold'],
      [{ ...valid, threshold: 1 }, 'state.threshold'],
      [{ ...valid, options: undefined }, 'state.options'],
      [{ ...valid, options: { ...valid.options, window: 0 } }, 'state.options.window'],
      [{ ...valid, options: { ...valid.options, quantile: undefined } }, 'state.options.quantile'],
      [{ ...valid, options: { ...valid.options, medianWeight: -1 } }, 'state.options.medianWeight'],
      [{ ...valid, options: { ...valid.options, initialThreshold: '1.5' } }, 'state.options.initialThreshold'],
    ];
    for (const [state, parameter] of malformed) {
      expectAresError(
        () => ReleasedThresholdTracker.fromJSON(state as ReleasedThresholdTrackerState),
        'INVALID_STATE',
        parameter,
      );
    }
  });
});
