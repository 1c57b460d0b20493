import { describe, expect, it } from 'vitest';
import { verifyAnswer } from './is-equivalent';

const numbers = (count: number, reverse = false): string =>
  Array.from({ length: count }, (_, index) => (reverse ? count - index : index + 1)).join(',');

/** Inputs that defeat naive parsers, regular expressions or symbolic algebra. */
const PATHOLOGICAL: readonly (readonly [name: string, gold: string, prediction: string])[] = [
  ['100k open parentheses', '1', '('.repeat(100_000)],
  ['deeply nested fractions', '\\frac{'.repeat(20_000) + '1' + '}{2}'.repeat(20_000), '1'],
  ['a power tower of 10k levels', '2^'.repeat(10_000) + '2', '4'],
  ['a 400k-character sum', '1+'.repeat(200_000) + '1', '200001'],
  ['an unbalanced box with 100k braces', '5', `\\boxed{${'{'.repeat(100_000)}`],
  ['100k letters', 'x', 'x'.repeat(100_000)],
  ['sets of 20k elements', `\\{${numbers(20_000)}\\}`, `\\{${numbers(20_000, true)}1\\}`],
  ['a huge factorial', '5', '\\boxed{9999999!}'],
  ['a tower that overflows exactly', '2^{2^{2^{2^{2^{2}}}}}', '3^{3^{3^{3}}}'],
  ['10^{10^{10}}', '10^{10^{10}}', '10^{10^{10}} + 1'],
  ['100k spaces before <', '1', `\\boxed{${' '.repeat(100_000)}<1}`],
  ['100k dollar signs', '1', '$'.repeat(100_001)],
  ['a repeated answer phrase', '1', 'the answer is '.repeat(20_000)],
  ['unclosed \\text{ groups', '1', '\\text{'.repeat(30_000)],
  ['nested roots', '\\sqrt{'.repeat(40_000) + '2' + '}'.repeat(40_000), '2'],
  ['100k bars', '1', '|'.repeat(50_000)],
  ['100k minus signs', '-'.repeat(100_000) + '1', '1'],
  ['space-separated digit groups', '1', `${'1 000 '.repeat(30_000)}1`],
  ['many pm terms', '1', '\\boxed{' + '1\\pm'.repeat(5000) + '1}'],
  ['a polynomial of degree 10^6', '(x+1)^{1000000}', '(1+x)^{1000000}'],
];

describe('every grader call is time-bounded', () => {
  for (const profile of ['ares', 'minerva', 'mathruler'] as const) {
    it(`returns within 1 s on pathological inputs (${profile})`, () => {
      for (const [name, gold, prediction] of PATHOLOGICAL) {
        // The 1 s bound is checked on this process's CPU time (vitest runs each test file in its own fork), so that
        // CI, which runs every package's suite at once on 2 cores, cannot fail it by starving the process; the
        // wall-clock bound catches a hang.
        const startCpu = process.cpuUsage();
        const start = performance.now();
        const verdict = verifyAnswer(gold, prediction, { profile });
        const elapsed = performance.now() - start;
        const cpu = process.cpuUsage(startCpu);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        expect(cpuMs, `${name} used ${cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(1000);
        expect(elapsed, `${name} took ${elapsed.toFixed(0)} ms`).toBeLessThan(10_000);
        expect(typeof verdict.equivalent, name).toBe('boolean');
        if (verdict.timedOut) expect(verdict.equivalent, name).toBe(false);
      }
    });
  }

  it('reports a timeout as not equivalent with timedOut set', () => {
    const gold = `\\{${numbers(3000)}\\}`;
    const prediction = `\\{${numbers(3000, true).replace(/^3000/, '3001')}\\}`;
    const verdict = verifyAnswer(gold, prediction, { timeoutMs: 1 });
    expect(verdict).toMatchObject({ equivalent: false, timedOut: true, reason: 'timeout' });
  });

  it('finishes a large but ordinary comparison within the default budget', () => {
    const verdict = verifyAnswer(`\\{${numbers(500)}\\}`, `\\{${numbers(500, true)}\\}`);
    expect(verdict).toMatchObject({ equivalent: true, timedOut: false });
  });
});
