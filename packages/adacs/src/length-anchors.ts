import { candidateLengths, type CurationProblem } from './curation-problem';
import { checkProblems } from './curate';
import { Curator, resolveCurationSettings, type LengthAnchors, type LengthAnchorsOptions } from './curator';

/**
 * The AdaCS length anchors of each source: the median trace lengths at pass rate 0 and 1.
 *
 * L_s(0) = np.median({len(trace) : trace a candidate of a problem of source s with p = 0}); L_s(1) likewise with
 * p = 1. A source without such problems takes the median pooled over all sources (`missingAnchor: 'pooled'`).
 *
 * @param problems - the problems (see `CurationProblem`); not modified
 * @param options - `missingAnchor` (`pooled`), `tokenizer` or `unit` (`whitespace`) for traces without `tokens`
 * @returns one {@link SourceAnchors} per source (sorted by name, flags telling which anchors are pooled, the trace
 *   counts behind them) and the pooled anchors
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `problems[i].<field>`) for a malformed problem; `EMPTY_INPUT`
 *   (parameter `problems`, value the source) when a source lacks p = 0 or p = 1 traces under `missingAnchor:
 *   'throw'`, or when no source has any (nothing to pool); option errors as `curate`
 * @remarks
 * ## Numerics
 * Exact medians (numpy semantics: the mean of the two middle values for an even count) of integer lengths; only
 * problems with p exactly 0 or exactly 1 contribute, each of their candidate traces once. The pooled median is taken
 * over all those traces of all sources (not a median of medians).
 * @example
 * ```ts
 * lengthAnchors(problems).sources[0] // { source: 'mathvista', lengthAtZero: 1840, lengthAtOne: 420, … }
 * ```
 * @see SPEC.md §2.7 (Anchors per source); paper §3.1
 */
export function lengthAnchors(problems: readonly CurationProblem[], options: LengthAnchorsOptions = {}): LengthAnchors {
  const settings = resolveCurationSettings(options, 'options');
  const rates = checkProblems(problems);
  const curator = new Curator(settings, 'problems');
  problems.forEach((problem, index) => curator.observe(problem, rates[index]!, candidateLengths(problem, settings.count)));
  curator.plan();
  return curator.anchors();
}
