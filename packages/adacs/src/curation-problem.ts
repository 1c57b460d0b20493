import { AresError } from '@ares/core';
import { passRate as passRateOf } from '@ares/difficulty';
import { tokenCountOf } from './count-tokens';

/** One candidate teacher trace of a problem. */
export interface CurationCandidate {
  /** The trace, ideally `<think>…</think>` then a final `\boxed{…}`. */
  readonly text: string;
  /** Its length in tokens (an integer ≥ 0), or its tokens (ids or strings; the length is used); overrides the tokenizer. */
  readonly tokens?: number | ArrayLike<unknown>;
}

/**
 * One problem of the curation input (one JSONL line of `ares-adacs curate`): its candidate teacher traces and the
 * pass rate of the reference model, given directly (`passRate`) or as per-attempt outcomes (`correct`).
 */
export interface CurationProblem {
  /** Problem id, copied to the output. */
  readonly id: string | number;
  /** Data source (benchmark or corpus name); anchors L_s(0), L_s(1) are computed per source. */
  readonly source: string;
  /** The question, copied to the output. */
  readonly question: string;
  /** Optional image reference (path, URL or list), copied to the output unchanged. */
  readonly image?: unknown;
  /** The reference answer, copied to the output. */
  readonly answer: string | number;
  /** Candidate teacher traces, at least one. */
  readonly candidates: readonly CurationCandidate[];
  /** Pass rate p in [0, 1] of the reference model; give this or `correct`. */
  readonly passRate?: number;
  /** Per-attempt outcomes (true/false or 1/0) of the reference model; p = c/n. Give this or `passRate`. */
  readonly correct?: ArrayLike<boolean | number>;
}

function malformed(parameter: string, value: unknown, reason: string): AresError {
  return new AresError({ code: 'INVALID_ARGUMENT', parameter, value, message: `${parameter}: ${reason}` });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Checks the shape of one problem and returns its pass rate; `parameter` names it in errors (`problems[3]`,
 * `line 17`). Throws `INVALID_ARGUMENT` naming the offending field.
 * @internal
 */
export function checkProblem(value: unknown, parameter: string): number {
  if (!isRecord(value)) throw malformed(parameter, value, 'expected a JSON object');
  const { id, source, question, answer, candidates, passRate, correct } = value;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
    throw malformed(`${parameter}.id`, id, 'expected a string or a finite number');
  }
  if (typeof source !== 'string' || source === '') throw malformed(`${parameter}.source`, source, 'expected a non-empty string');
  if (typeof question !== 'string') throw malformed(`${parameter}.question`, question, 'expected a string');
  if (!(typeof answer === 'string' || (typeof answer === 'number' && Number.isFinite(answer)))) {
    throw malformed(`${parameter}.answer`, answer, 'expected a string or a finite number');
  }
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw malformed(`${parameter}.candidates`, candidates, 'expected a non-empty array of {text, tokens?}');
  }
  for (let index = 0; index < candidates.length; index++) {
    const candidate: unknown = candidates[index];
    const name = `${parameter}.candidates[${index}]`;
    if (!isRecord(candidate)) throw malformed(name, candidate, 'expected an object {text, tokens?}');
    if (typeof candidate['text'] !== 'string') throw malformed(`${name}.text`, candidate['text'], 'expected a string');
    const tokens = candidate['tokens'];
    if (tokens !== undefined) tokenCountOf(tokens, `${name}.tokens`);
  }
  let rate: number | undefined;
  if (correct !== undefined) {
    const outcomes = correct as ArrayLike<unknown>;
    const arrayLike = correct !== null && typeof correct === 'object' && typeof outcomes.length === 'number';
    if (!arrayLike || outcomes.length === 0) throw malformed(`${parameter}.correct`, correct, 'expected a non-empty array of true/false or 1/0');
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index];
      if (outcome !== true && outcome !== false && outcome !== 0 && outcome !== 1) {
        throw malformed(`${parameter}.correct`, outcome, `element ${index} is ${JSON.stringify(outcome) ?? String(outcome)}; expected true/false or 1/0`);
      }
    }
    rate = passRateOf(outcomes as ArrayLike<boolean | number>);
  }
  if (passRate !== undefined) {
    if (typeof passRate !== 'number' || !Number.isFinite(passRate) || passRate < 0 || passRate > 1) {
      throw malformed(`${parameter}.passRate`, passRate, 'expected a finite number in [0, 1]');
    }
    if (rate !== undefined && Math.abs(rate - passRate) > 1e-12) {
      throw malformed(`${parameter}.passRate`, passRate, `disagrees with correct (c/n = ${rate})`);
    }
    rate = passRate;
  }
  if (rate === undefined) throw malformed(`${parameter}.passRate`, undefined, 'missing: give passRate or correct');
  return rate;
}

/**
 * Token lengths of a checked problem's candidates: `tokens` where given, else `count(text)`.
 * @internal
 */
export function candidateLengths(problem: CurationProblem, count: (text: string) => number): Float64Array {
  const { candidates } = problem;
  const lengths = new Float64Array(candidates.length);
  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index]!;
    const tokens = candidate.tokens;
    lengths[index] = tokens === undefined ? count(candidate.text) : typeof tokens === 'number' ? tokens : tokens.length;
  }
  return lengths;
}
