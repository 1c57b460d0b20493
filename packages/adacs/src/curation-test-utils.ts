/** Test and bench helpers: problem builders and a generated data set. @internal */
import { createRng } from '@ares/core';
import type { CurationProblem } from './curation-problem';

/** A trace of `words` whitespace words in the SPEC format: `<think> w w … </think> \boxed{answer}`. */
export function trace(words: number, answer = '1'): string {
  if (words < 3) return 'w '.repeat(words).trim();
  return `<think>${' w'.repeat(words - 3)} </think> \\boxed{${answer}}`;
}

/** A problem whose candidates have the given token counts (as `tokens`, texts kept short). */
export function problem(id: string | number, source: string, passRate: number, lengths: readonly number[]): CurationProblem {
  return {
    id,
    source,
    question: `question ${id}`,
    answer: '1',
    passRate,
    candidates: lengths.map((tokens, index) => ({ text: `<think>candidate ${index}</think> \\boxed{1}`, tokens })),
  };
}

/** k outcomes with c correct, in a fixed order. */
export function outcomes(correct: number, attempts = 8): boolean[] {
  return Array.from({ length: attempts }, (_, index) => index < correct);
}

/**
 * A synthetic AdaCS input: `count` problems over three sources, pass rates c/8, 4 candidate traces each whose
 * lengths grow with difficulty (hard problems get long traces), given as real text (whitespace words) for half the
 * problems and as `tokens` counts for the others.
 */
export function* generateProblems(count: number, seed: number | string = 'adacs'): Generator<CurationProblem & { correct: boolean[] }> {
  const random = createRng(seed);
  const sources = ['geometry', 'algebra', 'charts'];
  for (let index = 0; index < count; index++) {
    const correct = Math.floor(random() * 9);
    const base = 40 + (8 - correct) * 25;
    const lengths = Array.from({ length: 4 }, () => Math.max(3, Math.round(base * (0.4 + 1.2 * random()))));
    const asText = index % 2 === 0;
    yield {
      id: index,
      source: sources[index % 3]!,
      question: `What is ${index} + 1?`,
      answer: String(index + 1),
      ...(index % 5 === 0 ? { image: `images/${index}.png` } : {}),
      correct: outcomes(correct),
      candidates: lengths.map((length) => (asText ? { text: trace(length, String(index + 1)) } : { text: trace(3, String(index + 1)), tokens: length })),
    };
  }
}
