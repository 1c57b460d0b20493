import { expectAresError } from '@ares/testing';
import { describe, expect, it } from 'vitest';
import { curate, curatedRecord, lengthAnchors, type CurationProblem } from './index';
import { outcomes, problem, trace } from './curation-test-utils';

// Source a: p = 0 traces {100, 300, 500, 700} → L_a(0) = 400; p = 1 traces {50, 150, 100} → L_a(1) = 100.
// Source b: p = 0 traces {900, 1000, 1100} → L_b(0) = 1000; no p = 1 problem → pooled L(1) = median{50, 150, 100} = 100;
// pooled L(0) = median{100, 300, 500, 700, 900, 1000, 1100} = 700.
const data: CurationProblem[] = [
  problem('a0', 'a', 0, [100, 300, 500]), // target 400: 300 and 500 tie at 100 → the shorter, index 1
  problem('a1', 'a', 0, [700]),
  problem('a2', 'a', 1, [50, 150]), // target 100: tie → 50, index 0
  problem('a3', 'a', 1, [100]),
  problem('a4', 'a', 0.5, [200, 260, 240]), // target 250: 260 and 240 tie at 10 → 240, index 2
  problem('a5', 'a', 0.25, [320, 330, 10]), // target 325: 320 and 330 tie → 320, index 0
  problem('b0', 'b', 0, [900, 1000, 1100]), // target 1000 → index 1
  problem('b1', 'b', 0.75, [300, 320, 1000]), // target 0.25·1000 + 0.75·100 = 325 → 320, index 1
];

describe('lengthAnchors', () => {
  it('takes np.median of all candidate lengths at p = 0 and p = 1 per source, pooled where missing', () => {
    const anchors = lengthAnchors(data);
    expect(anchors.pooled).toEqual({ lengthAtZero: 700, lengthAtOne: 100, tracesAtZero: 7, tracesAtOne: 3 });
    expect(anchors.sources).toEqual([
      { source: 'a', lengthAtZero: 400, lengthAtOne: 100, pooledAtZero: false, pooledAtOne: false, tracesAtZero: 4, tracesAtOne: 3 },
      { source: 'b', lengthAtZero: 1000, lengthAtOne: 100, pooledAtZero: false, pooledAtOne: true, tracesAtZero: 3, tracesAtOne: 0 },
    ]);
  });

  it("throws EMPTY_INPUT naming the source with missingAnchor: 'throw'", () => {
    const error = expectAresError(() => lengthAnchors(data, { missingAnchor: 'throw' }), 'EMPTY_INPUT', 'problems');
    expect(error.value).toBe('b');
  });

  it('throws EMPTY_INPUT when not even the pooled anchor exists', () => {
    expectAresError(() => lengthAnchors([problem('x', 'a', 0, [10]), problem('y', 'a', 0.5, [10])]), 'EMPTY_INPUT', 'problems');
  });

  it('counts text with the tokenizer or the fallback unit when tokens are absent', () => {
    const texts: CurationProblem[] = [
      { id: 1, source: 's', question: 'q', answer: 'a', passRate: 0, candidates: [{ text: 'one two three' }, { text: 'a b c d e' }] },
      { id: 2, source: 's', question: 'q', answer: 'a', correct: [1, 1], candidates: [{ text: 'x' }, { text: 'xyz', tokens: [7, 8] }] },
    ];
    expect(lengthAnchors(texts).sources[0]).toMatchObject({ lengthAtZero: 4, lengthAtOne: 1.5 });
    expect(lengthAnchors(texts, { unit: 'characters' }).sources[0]).toMatchObject({ lengthAtZero: 11, lengthAtOne: 1.5 });
    expect(lengthAnchors(texts, { tokenizer: () => 10 }).sources[0]).toMatchObject({ lengthAtZero: 10, lengthAtOne: 6 });
  });
});

describe('curate', () => {
  it('chooses the hand-derived candidate for every problem (no budget: all kept)', () => {
    const { selected, diagnostics } = curate(data);
    expect(selected.map((item) => [item.problem.id, item.candidateIndex, item.length, item.targetLength])).toEqual([
      ['a0', 1, 300, 400],
      ['a1', 0, 700, 400],
      ['a2', 0, 50, 100],
      ['a3', 0, 100, 100],
      ['a4', 2, 240, 250],
      ['a5', 0, 320, 325],
      ['b0', 1, 1000, 1000],
      ['b1', 1, 320, 325],
    ]);
    expect(selected.every((item, index) => item.problem === data[index] && item.index === index)).toBe(true);
    expect(diagnostics).toMatchObject({ problems: 8, candidates: 19, selected: 8, quota: null, shortfall: 0, formatMismatches: 0, lengthRule: true });
    const p0 = diagnostics.perBracket[0]!;
    expect(p0).toMatchObject({ bracket: 0, passRate: 0, available: 3, selected: 3, allocated: 3 });
    expect(p0.meanCandidateLength).toBe((100 + 300 + 500 + 700 + 900 + 1000 + 1100) / 7);
    expect(p0.meanChosenLength).toBe((300 + 700 + 1000) / 3);
    expect(p0.meanTargetLength).toBe((400 + 400 + 1000) / 3);
    expect(p0.meanAbsoluteDeviation).toBe((100 + 300 + 0) / 3);
    expect(diagnostics.perBracket[1]).toMatchObject({ passRate: 1 / 8, available: 0, meanCandidateLength: null, meanChosenLength: null });
    const b = diagnostics.sources[1]!;
    expect(b).toMatchObject({ source: 'b', problems: 2, selected: 2 });
    expect(b.perBracket[6]).toMatchObject({ passRate: 0.75, available: 1, selected: 1, meanChosenLength: 320, meanTargetLength: 325 });
  });

  it('writes training records with the chosen trace as the response', () => {
    const input: CurationProblem = {
      id: 7,
      source: 's',
      question: 'Area?',
      image: ['img/7.png'],
      answer: 12,
      correct: outcomes(0),
      candidates: [{ text: trace(10, '12') }, { text: trace(30, '12') }],
    };
    const { selected } = curate([input, problem('one', 's', 1, [20])]);
    expect(curatedRecord(selected[0]!)).toEqual({
      id: 7,
      source: 's',
      question: 'Area?',
      image: ['img/7.png'],
      answer: 12,
      passRate: 0,
      response: trace(10, '12'), // L(0) = median{10, 30} = 20: 10 and 30 tie, the shorter wins
      tokens: 10,
      targetLength: 20,
      candidateIndex: 0,
    });
    expect('image' in curatedRecord(selected[1]!)).toBe(false);
  });

  it('counts chosen traces that lack the <think>…</think> … \\boxed{} format', () => {
    const bad: CurationProblem = { id: 1, source: 's', question: 'q', answer: 'a', passRate: 0, candidates: [{ text: 'no tags \\boxed{1}' }] };
    const unboxed: CurationProblem = { id: 2, source: 's', question: 'q', answer: 'a', passRate: 1, candidates: [{ text: '<think>x</think> 1' }] };
    expect(curate([bad, unboxed, problem(3, 's', 0.5, [1])]).diagnostics.formatMismatches).toBe(2);
  });

  it('balances brackets: min(n_b, quota) per bracket, shortfall reported, p = 1 kept', () => {
    const problems: CurationProblem[] = [];
    const counts = [10, 0, 3, 10, 10, 10, 10, 10, 7];
    counts.forEach((count, correct) => {
      for (let k = 0; k < count; k++) problems.push(problem(`${correct}-${k}`, k % 2 === 0 ? 'x' : 'y', correct / 8, [10 + k, 200 - k]));
    });
    const { selected, diagnostics } = curate(problems, { budget: 45, seed: 3 }); // quota ⌊45/9⌋ = 5
    const perBracket = new Array<number>(9).fill(0);
    for (const item of selected) perBracket[item.bracket]! += 1;
    expect(perBracket).toEqual([5, 0, 3, 5, 5, 5, 5, 5, 5]);
    expect(diagnostics.quota).toBe(5);
    expect(diagnostics.shortfall).toBe(45 - 38);
    expect(diagnostics.perBracket.map((bracket) => bracket.shortfall)).toEqual([0, 5, 2, 0, 0, 0, 0, 0, 0]);
    expect(diagnostics.perBracket.map((bracket) => bracket.selected)).toEqual(perBracket);
    // Redistribution tops up the other brackets to the budget.
    const redistributed = curate(problems, { budget: 45, seed: 3, redistribute: true });
    expect(redistributed.selected.length).toBe(45);
    expect(redistributed.diagnostics.redistributed).toBe(7);
    // Selected items keep input order and are distinct.
    const indices = selected.map((item) => item.index);
    expect(indices).toEqual([...new Set(indices)].sort((a, b) => a - b));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const problems = Array.from({ length: 60 }, (_, k) => problem(k, 's', (k % 9) / 8, [5, 50]));
    const pick = (seed: number | string) => curate(problems, { perBracket: 3, seed }).selected.map((item) => item.index);
    expect(pick(1)).toEqual(pick(1));
    expect(pick('run-a')).toEqual(pick('run-a'));
    expect(pick(1)).not.toEqual(pick(2));
    // An explicit generator replaces the seed.
    const constant = curate(problems, { perBracket: 3, random: () => 0 }).selected.map((item) => item.index);
    // u = 0 keeps the first a items of every bracket (0·remaining < wanted).
    expect(constant).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]);
  });

  it('samples each bracket uniformly without replacement (all 10 subsets of 2 of 5 equally often)', () => {
    const problems = Array.from({ length: 5 }, (_, k) => problem(k, 's', 0.5, [k + 1]));
    const counts = new Map<string, number>();
    const runs = 3000;
    for (let seed = 0; seed < runs; seed++) {
      const key = curate(problems, { perBracket: 2, seed, lengthRule: false }).selected.map((item) => item.index).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    const expected = runs / 10;
    const chiSquare = [...counts.values()].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.9); // χ²(9 dof) 99.9% quantile
  });

  it('vanilla (lengthRule: false) draws candidates uniformly and tolerates missing anchors', () => {
    const problems = Array.from({ length: 4000 }, (_, k) => problem(k, 's', 0.5, [10, 20, 30, 40]));
    const { selected, diagnostics } = curate(problems, { lengthRule: false, seed: 9 });
    const histogram = [0, 0, 0, 0];
    for (const item of selected) histogram[item.candidateIndex]! += 1;
    for (const count of histogram) expect(Math.abs(count - 1000)).toBeLessThan(4 * Math.sqrt(4000 * 0.25 * 0.75));
    expect(selected[0]!.targetLength).toBeNull();
    expect(diagnostics.lengthRule).toBe(false);
    expect(diagnostics.sources[0]!.anchors).toMatchObject({ lengthAtZero: null, lengthAtOne: null });
    expect(diagnostics.perBracket[4]).toMatchObject({ meanTargetLength: null, meanAbsoluteDeviation: null });
    // With the length rule the same data has no anchor at all.
    expectAresError(() => curate(problems), 'EMPTY_INPUT', 'problems');
  });

  it('the length rule beats vanilla at matching the target', () => {
    const problems = [problem('z', 's', 0, [100]), problem('o', 's', 1, [10])];
    for (let k = 0; k < 200; k++) problems.push(problem(k, 's', (k % 7) / 8 + 1 / 8, [5, 25, 45, 65, 85, 105]));
    const ruled = curate(problems).diagnostics.perBracket;
    const vanilla = curate(problems, { lengthRule: false }).diagnostics.perBracket;
    for (let bracket = 1; bracket < 8; bracket++) {
      expect(ruled[bracket]!.meanAbsoluteDeviation!).toBeLessThanOrEqual(10);
      expect(vanilla[bracket]!.meanAbsoluteDeviation!).toBeGreaterThan(ruled[bracket]!.meanAbsoluteDeviation!);
    }
  });

  it('reads the pass rate from correct flags (p = c/n) and accepts a consistent passRate with them', () => {
    const withFlags: CurationProblem = { id: 1, source: 's', question: 'q', answer: 'a', correct: [true, false, 1, 0], candidates: [{ text: 'a' }] };
    expect(curate([withFlags, problem(2, 's', 0, [1]), problem(3, 's', 1, [1])]).selected[0]!.passRate).toBe(0.5);
    expect(curate([{ ...withFlags, passRate: 0.5 }, problem(2, 's', 0, [1]), problem(3, 's', 1, [1])]).selected[0]!.bracket).toBe(4);
  });

  it('does not modify the problems', () => {
    const copy = structuredClone(data);
    curate(data, { perBracket: 1 });
    expect(data).toEqual(copy);
  });

  it('throws INVALID_ARGUMENT naming the malformed field', () => {
    const good = problem('g', 's', 0, [1]);
    const cases: [unknown, string][] = [
      [null, 'problems[1]'],
      [{ ...good, id: undefined }, 'problems[1].id'],
      [{ ...good, id: Number.NaN }, 'problems[1].id'],
      [{ ...good, source: '' }, 'problems[1].source'],
      [{ ...good, question: 3 }, 'problems[1].question'],
      [{ ...good, answer: null }, 'problems[1].answer'],
      [{ ...good, candidates: [] }, 'problems[1].candidates'],
      [{ ...good, candidates: [{ text: 'a' }, 'b'] }, 'problems[1].candidates[1]'],
      [{ ...good, candidates: [{ text: 5 }] }, 'problems[1].candidates[0].text'],
      [{ ...good, candidates: [{ text: 'a', tokens: -3 }] }, 'problems[1].candidates[0].tokens'],
      [{ ...good, passRate: undefined }, 'problems[1].passRate'],
      [{ ...good, passRate: 1.5 }, 'problems[1].passRate'],
      [{ ...good, passRate: undefined, correct: [] }, 'problems[1].correct'],
      [{ ...good, passRate: undefined, correct: [true, 'yes'] }, 'problems[1].correct'],
      [{ ...good, passRate: 0.5, correct: [true, true] }, 'problems[1].passRate'],
    ];
    for (const [bad, parameter] of cases) {
      expectAresError(() => curate([good, bad as CurationProblem]), 'INVALID_ARGUMENT', parameter);
    }
    expectAresError(() => curate('x' as unknown as CurationProblem[]), 'INVALID_ARGUMENT', 'problems');
  });

  it('throws for bad options', () => {
    expectAresError(() => curate(data, { brackets: 1 }), 'INVALID_ARGUMENT', 'options.brackets');
    expectAresError(() => curate(data, { lengthRule: 'no' as unknown as boolean }), 'INVALID_ARGUMENT', 'options.lengthRule');
    expectAresError(() => curate(data, { missingAnchor: 'zero' as 'pooled' }), 'UNSUPPORTED', 'options.missingAnchor');
    expectAresError(() => curate(data, { seed: 1.5 }), 'INVALID_ARGUMENT', 'options.seed');
    expectAresError(() => curate(data, { random: 0.5 as unknown as () => number }), 'INVALID_ARGUMENT', 'options.random');
    expectAresError(() => curate(data, { budget: 10, perBracket: 1 }), 'INVALID_ARGUMENT', 'options.perBracket');
  });

  it('returns nothing for no problems', () => {
    const { selected, diagnostics } = curate([], { lengthRule: false });
    expect(selected).toEqual([]);
    expect(diagnostics).toMatchObject({ problems: 0, selected: 0, sources: [] });
  });
});
