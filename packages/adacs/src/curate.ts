import { AresError } from '@ares/core';
import { candidateLengths, checkProblem, type CurationProblem } from './curation-problem';
import {
  Curator,
  resolveCurationSettings,
  type CuratedProblem,
  type CurateOptions,
  type CurationDiagnostics,
} from './curator';

/** The result of {@link curate}. */
export interface CurationResult {
  /** The selected problems with their chosen traces, in input order. */
  readonly selected: readonly CuratedProblem[];
  readonly diagnostics: CurationDiagnostics;
}

/**
 * Checks every problem and returns the pass rates; errors name `problems[i]…`.
 * @internal
 */
export function checkProblems(problems: readonly CurationProblem[]): Float64Array {
  if (!Array.isArray(problems)) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'problems', value: problems, message: 'problems: expected an array of problems' });
  }
  const rates = new Float64Array(problems.length);
  for (let index = 0; index < problems.length; index++) rates[index] = checkProblem(problems[index], `problems[${index}]`);
  return rates;
}

/**
 * AdaCS cold-start curation in memory: per-source length anchors, the candidate closest to the difficulty-dependent
 * target length, and a seeded sample balanced over pass-rate brackets.
 *
 * L_s(0), L_s(1) = np.median of the lengths of all candidate traces of source s's problems with p = 0 (p = 1);
 * L_target(p) = (1 − p)·L_s(0) + p·L_s(1); chosen = argmin_j |len_j − L_target| (ties: shorter, then lower index);
 * bracket b = round(p·(B − 1)); a_b = min(n_b, ⌊budget/B⌋) problems per bracket drawn uniformly without replacement.
 *
 * @param problems - the problems (see {@link CurationProblem}); not modified
 * @param options - `brackets` (9), `budget` or `perBracket` (none: keep all), `redistribute` (false), `lengthRule`
 *   (true; false = ARES-CS-Vanilla), `missingAnchor` (`pooled`), `tokenizer` or `unit` (`whitespace`), `seed` (0)
 *   or `random`
 * @returns the selected problems in input order, each with its chosen candidate, length and target, and the
 *   diagnostics (anchors, per-source and per-bracket counts, mean target vs chosen length, shortfall)
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `problems[i].<field>`) for a malformed problem (missing or
 *   mistyped `id`, `source`, `question`, `answer`, empty `candidates`, a bad `tokens`, neither `passRate` nor
 *   `correct`, a pass rate outside [0, 1], or a `passRate` disagreeing with `correct`); `EMPTY_INPUT` (parameter
 *   `problems`, value the source) when the length rule needs an anchor that is missing (`missingAnchor: 'throw'`,
 *   or no source at all has p = 0 / p = 1); `INVALID_ARGUMENT` / `UNSUPPORTED` for bad options (parameter
 *   `options.<name>`)
 * @remarks
 * ## Numerics
 * Anchors are exact medians of integer lengths (a half-integer for an even count); the target is `targetLength`
 * (exact at p = 0 and 1, monotone in p). Which traces define an anchor is our reading of SPEC §2.7: every candidate
 * trace of every p = 0 (p = 1) problem counts once, so a problem with more candidates weighs more; p must be exactly 0
 * or 1. Sampling is Knuth's selection sampling per bracket in input order with the seeded generator, identical to
 * `curateFile` on the same problems, so the two give the same selection. The vanilla ablation
 * (`lengthRule: false`) draws a candidate uniformly and never throws for missing anchors (targets are then null).
 * Memory is linear in the input; use `curateFile` (`@ares/adacs/node`) for large files.
 * @example
 * ```ts
 * const { selected } = curate(problems, { perBracket: 1000, seed: 1 });
 * ```
 * @see SPEC.md §2.7 (AdaCS), §2.3 (`targetLength`); paper §3.1, §4.1
 */
export function curate(problems: readonly CurationProblem[], options: CurateOptions = {}): CurationResult {
  const settings = resolveCurationSettings(options, 'options');
  const rates = checkProblems(problems);
  const curator = new Curator(settings, 'problems');
  const lengths = problems.map((problem) => candidateLengths(problem, settings.count));
  problems.forEach((problem, index) => curator.observe(problem, rates[index]!, lengths[index]!));
  curator.plan();
  const selected: CuratedProblem[] = [];
  problems.forEach((problem, index) => {
    const item = curator.choose(problem, rates[index]!, index, () => lengths[index]!);
    if (item !== undefined) selected.push(item);
  });
  curator.finish();
  return { selected, diagnostics: curator.diagnostics() };
}
