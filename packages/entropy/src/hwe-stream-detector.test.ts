import { expectAllClose, expectAresError, REFERENCE } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { hweCount } from './hwe-count';
import { DEFAULT_HWE_STREAM_DETECTOR_OPTIONS, HweStreamDetector, type CompletedWindow } from './hwe-stream-detector';
import { topKEntropy } from './top-k-entropy';
import { windowEntropy } from './window-entropy';

function stream(detector: HweStreamDetector, entropies: ArrayLike<number>): (CompletedWindow | undefined)[] {
  return Array.from(entropies, (entropy) => detector.push(entropy));
}

describe('HweStreamDetector', () => {
  it('reports each window as it completes, inclusive anchor (H = 1..6, w = 2, τ = 3.5)', () => {
    const detector = new HweStreamDetector({ threshold: 3.5, window: 2 });
    const windows = stream(detector, [1, 2, 3, 4, 5, 6]);
    expect(windows[0]).toBeUndefined();
    expect(windows[1]).toEqual({ position: 0, windowStart: 0, windowEntropy: 1.5, highEntropy: false });
    expect(windows[3]).toEqual({ position: 2, windowStart: 2, windowEntropy: 3.5, highEntropy: true });
    expect(windows[5]).toEqual({ position: 4, windowStart: 4, windowEntropy: 5.5, highEntropy: true });
    expect(detector.hweCount).toBe(3);
    expect(detector.length).toBe(6);
  });

  it('reports each window as it completes, next anchor (window of anchor t is H_{t+1}..H_{t+w})', () => {
    const detector = new HweStreamDetector({ threshold: 3.5, window: 2, anchor: 'next' });
    const windows = stream(detector, [1, 2, 3, 4, 5, 6]);
    expect(windows.slice(0, 2)).toEqual([undefined, undefined]);
    expect(windows[2]).toEqual({ position: 0, windowStart: 1, windowEntropy: 2.5, highEntropy: false });
    expect(windows[5]).toEqual({ position: 3, windowStart: 4, windowEntropy: 5.5, highEntropy: true });
    expect(detector.hweCount).toBe(3);
  });

  it('uses window 4 and the inclusive anchor by default', () => {
    expect(DEFAULT_HWE_STREAM_DETECTOR_OPTIONS).toEqual({ window: 4, anchor: 'inclusive' });
    const detector = new HweStreamDetector({ threshold: 1 });
    expect([detector.window, detector.anchor, detector.threshold]).toEqual([4, 'inclusive', 1]);
  });

  it('keeps O(w) state: a long stream still matches windowEntropy at the end', () => {
    const entropies = Float64Array.from({ length: 5000 }, (_, index) => ((index * 7919) % 1000) / 250);
    const detector = new HweStreamDetector({ threshold: 2, window: 8, anchor: 'next' });
    let last: CompletedWindow | undefined;
    for (const entropy of entropies) last = detector.push(entropy);
    const reference = windowEntropy(entropies, { window: 8, anchor: 'next' });
    expect(last?.position).toBe(reference.length - 1);
    expect(last?.windowEntropy).toBe(reference[reference.length - 1]);
    expect(detector.hweCount).toBe(hweCount(entropies, 2, { window: 8, anchor: 'next' }));
  });

  it('makes the w windows around a NaN entropy NaN and never events', () => {
    const detector = new HweStreamDetector({ threshold: 0, window: 2 });
    const windows = stream(detector, [1, Number.NaN, 1, 1]);
    expect(windows.map((value) => value?.windowEntropy)).toEqual([undefined, Number.NaN, Number.NaN, 1]);
    expect(windows.map((value) => value?.highEntropy)).toEqual([undefined, false, false, true]);
    expect(detector.hweCount).toBe(1);
  });

  it('starts over after reset()', () => {
    const detector = new HweStreamDetector({ threshold: 0, window: 2 });
    stream(detector, [5, 5, 5]);
    detector.reset();
    expect([detector.length, detector.hweCount]).toEqual([0, 0]);
    expect(detector.push(1)).toBeUndefined();
    expect(detector.push(3)).toEqual({ position: 0, windowStart: 0, windowEntropy: 2, highEntropy: true });
  });

  it('pushTopLogProbs feeds the chosen topKEntropy bound into the window (lower by default)', () => {
    const positions = [
      [Math.log(0.5), Math.log(0.3)],
      [Math.log(0.9)],
      [Math.log(0.25), Math.log(0.25), Math.log(0.25), Math.log(0.25)],
      [Math.log(0.6), Math.log(0.2), Math.log(0.1)],
    ];
    for (const bound of ['plain', 'lower', 'upper'] as const) {
      const detector = new HweStreamDetector({ threshold: 0.5, window: 2 });
      const streamed = positions.map((logProbs) =>
        bound === 'lower'
          ? detector.pushTopLogProbs(logProbs, { vocabSize: 10 })
          : detector.pushTopLogProbs(logProbs, { vocabSize: 10, bound }),
      );
      const entropies = positions.map((logProbs) => topKEntropy(logProbs, { vocabSize: 10 })[bound]);
      expect(Float64Array.from(streamed.slice(1), (value) => value!.windowEntropy)).toEqual(
        windowEntropy(entropies, { window: 2 }),
      );
    }
    // SPEC §6.1 item 2: (0.5, 0.3) → lower 1.0296530141, upper (V = 10) 1.4455413224.
    const detector = new HweStreamDetector({ threshold: 0, window: 1 });
    expectAllClose(detector.pushTopLogProbs([Math.log(0.5), Math.log(0.3)])!.windowEntropy, 1.0296530141, REFERENCE);
    expect(detector.pushTopLogProbs([Math.log(0.5), Math.log(0.3)], { bound: 'upper' })?.windowEntropy).toBe(Infinity);
  });

  it('throws for a bad threshold, window, anchor or bound', () => {
    expectAresError(() => new HweStreamDetector({ threshold: Number.NaN }), 'INVALID_ARGUMENT', 'options.threshold');
    expectAresError(() => new HweStreamDetector({} as { threshold: number }), 'INVALID_ARGUMENT', 'options.threshold');
    expectAresError(() => new HweStreamDetector({ threshold: 1, window: 0 }), 'INVALID_ARGUMENT', 'options.window');
    expectAresError(
      () => new HweStreamDetector({ threshold: 1, anchor: 'x' as 'next' }),
      'UNSUPPORTED',
      'options.anchor',
    );
    const detector = new HweStreamDetector({ threshold: 1 });
    expectAresError(
      () => detector.pushTopLogProbs([-1], { bound: 'middle' as 'lower' }),
      'UNSUPPORTED',
      'options.bound',
    );
    expectAresError(() => detector.pushTopLogProbs([]), 'EMPTY_INPUT');
    expect(detector.length).toBe(0);
  });
});
