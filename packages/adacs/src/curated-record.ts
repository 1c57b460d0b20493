import type { CuratedProblem } from './curator';

/** One line of the curated SFT data set (the output of `ares-adacs curate`). */
export interface CuratedRecord {
  readonly id: string | number;
  readonly source: string;
  readonly question: string;
  /** Present when the input problem has an image. */
  readonly image?: unknown;
  readonly answer: string | number;
  readonly passRate: number;
  /** The chosen teacher trace, the SFT target. */
  readonly response: string;
  /** Its length in tokens (as counted for the selection). */
  readonly tokens: number;
  /** L_target(p), or null without anchors. */
  readonly targetLength: number | null;
  /** Index of the chosen candidate in the input. */
  readonly candidateIndex: number;
}

/**
 * The SFT training record of a selected problem: the problem's fields plus the chosen trace as `response`.
 *
 * @param item - a selected problem from `curate` (or `curateFile`)
 * @returns a new plain object {id, source, question, image?, answer, passRate, response, tokens, targetLength,
 *   candidateIndex}; `candidates` and `correct` are dropped
 * @remarks
 * ## Numerics
 * No arithmetic; values are copied. `image` is copied by reference when present.
 * @example
 * ```ts
 * JSON.stringify(curatedRecord(curate(problems).selected[0]!))
 * ```
 * @see SPEC.md §2.7 (Format)
 */
export function curatedRecord(item: CuratedProblem): CuratedRecord {
  const { problem } = item;
  return {
    id: problem.id,
    source: problem.source,
    question: problem.question,
    ...(problem.image === undefined ? {} : { image: problem.image }),
    answer: problem.answer,
    passRate: item.passRate,
    response: problem.candidates[item.candidateIndex]!.text,
    tokens: item.length,
    targetLength: item.targetLength,
    candidateIndex: item.candidateIndex,
  };
}
