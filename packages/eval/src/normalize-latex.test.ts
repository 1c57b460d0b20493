import { describe, expect, it } from 'vitest';
import { normalizeLatex } from './normalize-latex';

describe('normalizeLatex', () => {
  it.each([
    ['$\\frac{1}{2}$', '\\frac{1}{2}'],
    ['\\(x\\)', 'x'],
    ['\\dfrac{3}{4}', '\\frac{3}{4}'],
    ['\\tfrac12', '\\frac12'],
    ['\\left( 1, 2 \\right)', '( 1, 2 )'],
    ['\\left. x \\right|', 'x |'],
    ['45^\\circ', '45'],
    ['45^{\\circ}', '45'],
    ['45°', '45'],
    ['10\\%', '10'],
    ['\\$5', '5'],
    ['€20', '20'],
    ['1\\,000', '1000'],
    ['1{,}000', '1000'],
    ['1{,}5', '1.5'],
    ['1 000 000', '1000000'],
    ['5\\text{ cm}', '5'],
    ['12\\text{ m}^2', '12'],
    ['4 square units', '4'],
    ['7 dollars', '7'],
    ['3 m', '3'],
    ['\\text{13}', '13'],
    ['\\textbf{Monday}', 'Monday'],
    ['x \\text{ or } y', 'x  or  y'],
    ['42.', '42'],
    ['π', '\\pi'],
    ['3 × 4', '3 \\times  4'],
    ['x ≤ 2', 'x \\le  2'],
    ['−3', '-3'],
    ['m²', 'm^2'],
    ['\\displaystyle \\frac{1}{2}', '\\frac{1}{2}'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeLatex(input)).toBe(expected);
  });

  it('keeps variables that look like units when no number precedes them', () => {
    expect(normalizeLatex('2x')).toBe('2x');
    expect(normalizeLatex('5m')).toBe('5m');
    expect(normalizeLatex('x m')).toBe('x m');
  });

  it('keeps a lone unit word as the answer', () => {
    expect(normalizeLatex('\\text{cm}')).toBe('cm');
  });
});
