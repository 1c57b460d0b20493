import { cpuMilliseconds } from './test-support/cpu-time';
import { describe, expect, it } from 'vitest';
import { extractBoxed } from './extract-boxed';

describe('extractBoxed', () => {
  it('returns the content of a simple box', () => {
    expect(extractBoxed('The answer is \\boxed{42}.')).toBe('42');
  });

  it('keeps nested braces intact (not \\frac{1 as a non-nested regex would give)', () => {
    expect(extractBoxed('$\\boxed{\\frac{1}{2}}$')).toBe('\\frac{1}{2}');
    expect(extractBoxed('\\boxed{\\left(\\frac{a}{b}, \\sqrt{\\frac{1}{2}}\\right)}')).toBe('\\left(\\frac{a}{b}, \\sqrt{\\frac{1}{2}}\\right)');
  });

  it('returns the last box when there are several', () => {
    expect(extractBoxed('first \\boxed{1}, then \\boxed{2}')).toBe('2');
  });

  it('accepts \\fbox and picks whichever opener comes last', () => {
    expect(extractBoxed('\\fbox{7}')).toBe('7');
    expect(extractBoxed('\\boxed{1} and \\fbox{3}')).toBe('3');
    expect(extractBoxed('\\fbox{3} and \\boxed{1}')).toBe('1');
  });

  it('counts escaped braces like the reference implementations', () => {
    expect(extractBoxed('\\boxed{\\{1, 2\\}}')).toBe('\\{1, 2\\}');
  });

  it('returns undefined when the last box is unbalanced, even if an earlier one is complete', () => {
    expect(extractBoxed('\\boxed{5} but then \\boxed{\\frac{1}{2}')).toBeUndefined();
  });

  it('returns undefined (never "None") without a box', () => {
    expect(extractBoxed('no box here')).toBeUndefined();
    expect(extractBoxed('')).toBeUndefined();
  });

  it('returns an empty string for an empty box', () => {
    expect(extractBoxed('\\boxed{}')).toBe('');
  });

  it('ignores the brace-less form unless asked', () => {
    expect(extractBoxed('so \\boxed 5$')).toBeUndefined();
    expect(extractBoxed('so \\boxed 5$', { braceless: true })).toBe('5');
    expect(extractBoxed('so \\boxed 5\nmore', { braceless: true })).toBe('5');
  });

  it('lets the later of the braced and brace-less boxes win', () => {
    expect(extractBoxed('\\boxed 5$ then \\boxed{6}', { braceless: true })).toBe('6');
    expect(extractBoxed('\\boxed{6} then \\boxed 5', { braceless: true })).toBe('5');
  });

  it('runs in linear time on a huge unbalanced input', () => {
    const text = `\\boxed{${'{'.repeat(200_000)}`;
    let result: string | undefined = '';
    expect(cpuMilliseconds(() => (result = extractBoxed(text)))).toBeLessThan(500);
    expect(result).toBeUndefined();
  });
});
