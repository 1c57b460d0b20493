import { AresError, assertOneOf } from '@ares/core';
import { evaluateChain, type Problem } from './problems';
import { BOXED_CLOSE, BOXED_OPEN, THINK_CLOSE, THINK_OPEN } from './tokenizer';

/**
 * How much a teacher trace says: `terse` only the conclusion; `steps` every intermediate result; `recheck` every
 * step plus re-checking lines that start with a trigger word (`wait` or `check`).
 */
export type Verbosity = 'terse' | 'steps' | 'recheck';

/** Every {@link Verbosity}, shortest first. */
export const VERBOSITIES: readonly Verbosity[] = Object.freeze(['terse', 'steps', 'recheck']);

/** Words that open a re-checking line in `recheck` traces (the app's trigger vocabulary). */
export const TRIGGER_WORDS: readonly string[] = Object.freeze(['wait', 'check']);

/**
 * A teacher response for a problem: `<think>…</think>` then `\boxed{answer}`.
 *
 * Lines inside the think block, for an arithmetic chain 3+4*2=? (`steps`): `3+4=7`, `7*2=14`, `so 14`. `count`
 * lists the objects in reading order (`1 2 3`), `add` accumulates the digits in reading order (`3+5=8`).
 * `recheck` adds, after each step with probability 1/2 (at least once), a line `wait …` or `check …` that verifies
 * it by the inverse operation (`check 7-4=3 ok` after `3+4=7`), a recount or a re-addition in the other order.
 *
 * @param problem - a generated problem
 * @param verbosity - `terse`, `steps` or `recheck`
 * @param random - uniform [0, 1) source, used by `recheck` only
 * @returns the response text (without the end-of-sequence token)
 * @throws {AresError} `UNSUPPORTED` (parameter `verbosity`) for an unknown verbosity
 * @see SPEC.md §2.7 (Format), §2.9
 */
export function teacherTrace(problem: Problem, verbosity: Verbosity, random: () => number): string {
  assertOneOf(verbosity, VERBOSITIES, 'verbosity');
  const lines: string[] = [];
  if (verbosity !== 'terse') {
    const steps = traceSteps(problem);
    const recheckAt = new Set<number>();
    if (verbosity === 'recheck') {
      steps.forEach((_, index) => {
        if (random() < 0.5) recheckAt.add(index);
      });
      if (recheckAt.size === 0) recheckAt.add(Math.floor(random() * steps.length));
    }
    steps.forEach((step, index) => {
      lines.push(step.line);
      if (recheckAt.has(index)) lines.push(`${TRIGGER_WORDS[Math.floor(random() * TRIGGER_WORDS.length)]} ${step.check} ok`);
    });
  }
  lines.push(`so ${problem.answer}`);
  return `${THINK_OPEN}${lines.join('\n')}${THINK_CLOSE}${BOXED_OPEN}${problem.answer}${BOXED_CLOSE}`;
}

interface TraceStep {
  /** The step as written. */
  readonly line: string;
  /** The same result verified another way (after the trigger word). */
  readonly check: string;
}

function traceSteps(problem: Problem): TraceStep[] {
  const spec = problem.spec;
  switch (spec.kind) {
    case 'arithmetic': {
      const values = evaluateChain(spec);
      return spec.operations.map(({ operator, operand }, index) => {
        const before = values[index]!;
        const after = values[index + 1]!;
        const line = `${before}${operator}${operand}=${after}`;
        const check = operator === '+' ? `${after}-${operand}=${before}` : operator === '-' ? `${after}+${operand}=${before}` : `${operand}*${before}=${after}`;
        return { line, check };
      });
    }
    case 'count': {
      const enumeration = spec.slots.map((_, index) => String(index + 1)).join(' ');
      return [{ line: enumeration, check: enumeration }];
    }
    case 'add': {
      const digits = spec.digits;
      if (digits.length === 1) return [{ line: `${digits[0]}`, check: `${digits[0]}+0=${digits[0]}` }];
      const steps: TraceStep[] = [];
      let total = digits[0]!;
      for (let index = 1; index < digits.length; index++) {
        const digit = digits[index]!;
        steps.push({ line: `${total}+${digit}=${total + digit}`, check: `${digit}+${total}=${total + digit}` });
        total += digit;
      }
      return steps;
    }
    default:
      throw new AresError({ code: 'UNSUPPORTED', parameter: 'problem.spec.kind', value: (spec as { kind: unknown }).kind, message: 'teacherTrace: unknown problem kind' });
  }
}

/** A response split into its reasoning and its final answer. */
export interface ParsedResponse {
  /** Text between `<think>` and `</think>`. */
  readonly thinking: string;
  /** Text inside the final `\boxed{…}`. */
  readonly answer: string;
}

/**
 * Splits a response of the exact form `<think>…</think>\boxed{…}` (nothing before or after, no nested think
 * block, no brace inside the box); anything else gives `undefined`.
 *
 * @param response - the response text, without the end-of-sequence token
 * @returns the reasoning and the answer, or `undefined` for a malformed response
 */
export function parseResponse(response: string): ParsedResponse | undefined {
  if (!response.startsWith(THINK_OPEN)) return undefined;
  const close = response.indexOf(THINK_CLOSE);
  if (close < 0) return undefined;
  const thinking = response.slice(THINK_OPEN.length, close);
  if (thinking.includes(THINK_OPEN)) return undefined;
  const rest = response.slice(close + THINK_CLOSE.length);
  if (!rest.startsWith(BOXED_OPEN) || !rest.endsWith(BOXED_CLOSE)) return undefined;
  const answer = rest.slice(BOXED_OPEN.length, rest.length - BOXED_CLOSE.length);
  if (answer.includes(BOXED_CLOSE) || answer.includes('{')) return undefined;
  return { thinking, answer };
}
