/**
 * Verifications per second of `verifyAnswer` on 1,000 mixed answer pairs (fixture cases from SPEC §5.3 plus
 * seeded generated pairs: integers, fractions, decimals, radicals, polynomials, sets, intervals, matrices and
 * whole responses). Run with `npm run bench` in packages/eval (it reads the fixture relative to the working
 * directory).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@ares/core';
import { extractBoxed, type GradingProfile, verifyAnswer } from '../src/index';

interface Pair {
  readonly gold: string;
  readonly prediction: string;
}

const fixture = JSON.parse(readFileSync(join(process.cwd(), 'src/__fixtures__/equivalence-cases.json'), 'utf8')) as { cases: Pair[] };
const random = createRng(2026);
const integer = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

const generators: (() => Pair)[] = [
  () => {
    const value = integer(0, 999_999);
    return { gold: String(value), prediction: `So the total is \\boxed{${random() < 0.5 ? value.toLocaleString('en-US') : value + integer(0, 1)}}.` };
  },
  () => {
    const numerator = integer(1, 50);
    const denominator = integer(2, 60);
    const scale = integer(1, 4);
    return { gold: `\\frac{${numerator}}{${denominator}}`, prediction: `${numerator * scale}/${denominator * scale}` };
  },
  () => {
    const value = integer(1, 9999) / 100;
    return { gold: value.toFixed(2), prediction: `$${(value + (random() < 0.5 ? 0 : 0.01)).toFixed(2)}` };
  },
  () => {
    const a = integer(2, 12);
    return { gold: `${a}\\sqrt{2}`, prediction: `\\sqrt{${2 * a * a}}` };
  },
  () => {
    const a = integer(1, 9);
    const b = integer(1, 9);
    return { gold: `x^2 + ${a + b}x + ${a * b}`, prediction: `(x+${a})(x+${random() < 0.7 ? b : b + 1})` };
  },
  () => {
    const values = [integer(-9, 9), integer(10, 19), integer(20, 29)];
    return { gold: `\\{${values.join(', ')}\\}`, prediction: `\\{${[...values].reverse().join(',')}\\}` };
  },
  () => {
    const low = integer(-5, 0);
    const high = integer(1, 6);
    return { gold: `[${low}, ${high})`, prediction: random() < 0.5 ? `${low} \\le x < ${high}` : `(${low}, ${high})` };
  },
  () => {
    const [a, b, c, d] = [integer(0, 9), integer(0, 9), integer(0, 9), integer(0, 9)];
    return { gold: `\\begin{pmatrix} ${a} & ${b} \\\\ ${c} & ${d} \\end{pmatrix}`, prediction: `\\begin{bmatrix}${a}&${b}\\\\${c}&${d}\\end{bmatrix}` };
  },
  () => {
    const value = integer(1, 500);
    return { gold: `#### ${value}`, prediction: `Step 1: compute ${value - 1} + 1.\nStep 2: that gives ${value}.\n#### ${value}` };
  },
  () => {
    const letter = 'ABCD'[integer(0, 3)]!;
    return { gold: letter, prediction: `After comparing the options, the answer is (${'ABCD'[integer(0, 3)]}).` };
  },
];

const pairs: Pair[] = [...fixture.cases.map(({ gold, prediction }) => ({ gold, prediction }))];
while (pairs.length < 1000) pairs.push(generators[pairs.length % generators.length]!());

function measure(profile: GradingProfile): { perSecond: number; equivalent: number; timeouts: number } {
  for (const pair of pairs.slice(0, 200)) verifyAnswer(pair.gold, pair.prediction, { profile });
  let equivalent = 0;
  let timeouts = 0;
  let rounds = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 2000 || rounds < 1) {
    for (const pair of pairs) {
      const verdict = verifyAnswer(pair.gold, pair.prediction, { profile });
      if (rounds === 0) {
        if (verdict.equivalent) equivalent++;
        if (verdict.timedOut) timeouts++;
      }
    }
    rounds++;
    elapsed = performance.now() - started;
  }
  return { perSecond: (rounds * pairs.length) / (elapsed / 1000), equivalent, timeouts };
}

/** Baseline, same pairs and loop: the naive grader (last boxed answer, else the text, compared as trimmed strings). */
function measureBaseline(): { perSecond: number; equivalent: number } {
  const naive = (pair: Pair) => (extractBoxed(pair.prediction) ?? pair.prediction).trim() === pair.gold.trim();
  let equivalent = 0;
  let rounds = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 2000 || rounds < 1) {
    for (const pair of pairs) if (naive(pair) && rounds === 0) equivalent++;
    rounds++;
    elapsed = performance.now() - started;
  }
  return { perSecond: (rounds * pairs.length) / (elapsed / 1000), equivalent };
}

console.log(`verifyAnswer on ${pairs.length} mixed answer pairs (Node ${process.version})`);
const baseline = measureBaseline();
const rate = (perSecond: number) => Math.round(perSecond).toLocaleString('en-US').padStart(10);
console.log(`${'baseline'.padEnd(9)} ${rate(baseline.perSecond)} verifications/s  (${baseline.equivalent} equivalent: extractBoxed + string equality)`);
for (const profile of ['ares', 'minerva', 'mathruler'] as const) {
  const { perSecond, equivalent, timeouts } = measure(profile);
  console.log(
    `${profile.padEnd(9)} ${rate(perSecond)} verifications/s  (${equivalent} equivalent, ${timeouts} timeouts; ` +
      `${(baseline.perSecond / perSecond).toFixed(0)}× the baseline's cost per pair)`,
  );
}
