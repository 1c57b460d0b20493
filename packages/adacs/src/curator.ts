import { AresError, assertInteger, assertOneOf, createRng } from '@ares/core';
import { targetLength } from '@ares/difficulty';
import { allocate, resolveAllocationSettings, type AllocateBracketsOptions, type AllocationSettings } from './allocate-brackets';
import { closestIndex } from './closest-candidate';
import { resolveTokenCounter, type CountTokensOptions } from './count-tokens';
import type { CurationProblem } from './curation-problem';
import { median } from './median';
import { checkBoolean } from './validate';

/** What to do when a source has no problem with p = 0 (or p = 1): use the pooled median, or throw `EMPTY_INPUT`. */
export type MissingAnchorPolicy = 'pooled' | 'throw';

/** Every {@link MissingAnchorPolicy}. */
export const MISSING_ANCHOR_POLICIES: readonly MissingAnchorPolicy[] = Object.freeze(['pooled', 'throw'] as const);

/** Options of `lengthAnchors`. */
export interface LengthAnchorsOptions extends CountTokensOptions {
  /**
   * A source without traces at p = 0 (or p = 1) takes the median pooled over all sources (`pooled`) or fails
   * (`throw`, `EMPTY_INPUT`).
   * @default 'pooled'
   */
  readonly missingAnchor?: MissingAnchorPolicy;
}

/** Options of `curate` and `curateFile`. */
export interface CurateOptions extends LengthAnchorsOptions, AllocateBracketsOptions {
  /**
   * Number of pass-rate brackets B (the grid {0, 1/(B − 1), …, 1}); k + 1 for pass rates over k attempts.
   * @default 9
   */
  readonly brackets?: number;
  /**
   * Keep the candidate closest to L_target(p). `false` is the ARES-CS-Vanilla ablation: a uniformly random
   * candidate (drawn with `random`), still balanced over pass rates.
   * @default true
   */
  readonly lengthRule?: boolean;
  /**
   * Seed of the default generator (`createRng(seed)`), used when `random` is not given.
   * @default 0
   */
  readonly seed?: number | string;
  /**
   * Uniform generator in [0, 1) for the balanced sampling (and the vanilla candidate draw).
   * @default createRng(seed)
   */
  readonly random?: () => number;
}

/** Defaults of {@link CurateOptions}. */
export const DEFAULT_CURATE_OPTIONS: Readonly<{
  brackets: number;
  lengthRule: boolean;
  missingAnchor: MissingAnchorPolicy;
  seed: number;
  redistribute: boolean;
  unit: 'whitespace';
}> = Object.freeze({ brackets: 9, lengthRule: true, missingAnchor: 'pooled', seed: 0, redistribute: false, unit: 'whitespace' });

/** The anchors of one source and where they come from. */
export interface SourceAnchors {
  readonly source: string;
  /** L_s(0): the median trace length over the source's problems with p = 0 (or the pooled median); null if none. */
  readonly lengthAtZero: number | null;
  /** L_s(1): the median trace length over the source's problems with p = 1 (or the pooled median); null if none. */
  readonly lengthAtOne: number | null;
  /** True when L_s(0) is the pooled median because the source has no trace at p = 0. */
  readonly pooledAtZero: boolean;
  /** True when L_s(1) is the pooled median because the source has no trace at p = 1. */
  readonly pooledAtOne: boolean;
  /** Number of the source's own traces at p = 0 (all candidates of its p = 0 problems). */
  readonly tracesAtZero: number;
  /** Number of the source's own traces at p = 1. */
  readonly tracesAtOne: number;
}

/** The anchors pooled over all sources. */
export interface PooledAnchors {
  readonly lengthAtZero: number | null;
  readonly lengthAtOne: number | null;
  readonly tracesAtZero: number;
  readonly tracesAtOne: number;
}

/** The result of `lengthAnchors`: one entry per source (sorted by name) and the pooled anchors. */
export interface LengthAnchors {
  readonly sources: readonly SourceAnchors[];
  readonly pooled: PooledAnchors;
}

/** Length statistics of a set of problems in one pass-rate bracket (means are null when there is nothing to average). */
export interface BracketLengthSummary {
  /** Bracket index b in [0, B − 1]. */
  readonly bracket: number;
  /** The bracket's grid pass rate b/(B − 1). */
  readonly passRate: number;
  /** Problems in the bracket before curation. */
  readonly available: number;
  /** Problems selected. */
  readonly selected: number;
  /** Mean length over all candidate traces of the bracket's problems (before curation). */
  readonly meanCandidateLength: number | null;
  /** Mean length of the chosen traces of the selected problems (after curation). */
  readonly meanChosenLength: number | null;
  /** Mean L_target(p) of the selected problems (null without anchors). */
  readonly meanTargetLength: number | null;
  /** Mean |chosen − target| of the selected problems (null without anchors). */
  readonly meanAbsoluteDeviation: number | null;
}

/** Per-bracket diagnostics of the whole data set. */
export interface BracketDiagnostics extends BracketLengthSummary {
  /** Problems the bracket was asked to give (its allocation). */
  readonly allocated: number;
  /** max(0, quota − available). */
  readonly shortfall: number;
}

/** Per-source diagnostics. */
export interface SourceDiagnostics {
  readonly source: string;
  readonly problems: number;
  readonly selected: number;
  readonly anchors: SourceAnchors;
  readonly perBracket: readonly BracketLengthSummary[];
}

/** Everything `curate` and `curateFile` report about a run. */
export interface CurationDiagnostics {
  /** Valid problems read. */
  readonly problems: number;
  /** Candidate traces over all valid problems. */
  readonly candidates: number;
  /** Problems selected. */
  readonly selected: number;
  readonly lengthRule: boolean;
  readonly brackets: number;
  /** Quota per bracket, or null without a budget. */
  readonly quota: number | null;
  readonly redistribute: boolean;
  /** Requested minus selected (see `allocateBrackets`). */
  readonly shortfall: number;
  /** Selected beyond the quota by redistribution. */
  readonly redistributed: number;
  /** Selected traces not of the form `<think>…</think> … \boxed{…}` (SPEC §2.7 Format). */
  readonly formatMismatches: number;
  readonly pooled: PooledAnchors;
  readonly perBracket: readonly BracketDiagnostics[];
  readonly sources: readonly SourceDiagnostics[];
}

/** One selected problem and its chosen trace. */
export interface CuratedProblem {
  /** The input problem (the same object for `curate`; the parsed line for `curateFile`). */
  readonly problem: CurationProblem;
  /** Its position among the input problems (0-based; for files, among the valid lines). */
  readonly index: number;
  readonly passRate: number;
  readonly bracket: number;
  /** Index of the chosen candidate. */
  readonly candidateIndex: number;
  /** Length of the chosen candidate in tokens. */
  readonly length: number;
  /** L_target(p) for the problem's source, or null without anchors (vanilla without p = 0 / p = 1 data). */
  readonly targetLength: number | null;
}

/** Validated curation settings. @internal */
export interface CurationSettings {
  readonly brackets: number;
  readonly lengthRule: boolean;
  readonly missingAnchor: MissingAnchorPolicy;
  readonly allocation: AllocationSettings;
  readonly random: () => number;
  readonly count: (text: string) => number;
}

/**
 * Validates the options shared by `lengthAnchors`, `curate` and `curateFile`.
 * @internal
 */
export function resolveCurationSettings(options: CurateOptions, prefix: string): CurationSettings {
  const brackets = options.brackets ?? DEFAULT_CURATE_OPTIONS.brackets;
  assertInteger(brackets, `${prefix}.brackets`, 2);
  const lengthRule = checkBoolean(options.lengthRule ?? DEFAULT_CURATE_OPTIONS.lengthRule, `${prefix}.lengthRule`);
  const missingAnchor = options.missingAnchor ?? DEFAULT_CURATE_OPTIONS.missingAnchor;
  assertOneOf(missingAnchor, MISSING_ANCHOR_POLICIES, `${prefix}.missingAnchor`);
  const allocation = resolveAllocationSettings(options, prefix);
  let random = options.random;
  if (random === undefined) {
    const seed = options.seed ?? DEFAULT_CURATE_OPTIONS.seed;
    if (!(typeof seed === 'string' || Number.isInteger(seed))) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `${prefix}.seed`, value: seed, message: `${prefix}.seed: expected an integer or a string, got ${String(seed)}` });
    }
    random = createRng(seed);
  } else if (typeof random !== 'function') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: `${prefix}.random`, value: random, message: `${prefix}.random: expected a function returning numbers in [0, 1)` });
  }
  return { brackets, lengthRule, missingAnchor, allocation, random, count: resolveTokenCounter(options, prefix) };
}

/** Running sums of one (source, bracket) cell. */
class Cell {
  available = 0;
  candidateLengthSum = 0;
  candidateCount = 0;
  selected = 0;
  chosenLengthSum = 0;
  targetSum = 0;
  deviationSum = 0;
  targeted = 0;
}

class SourceState {
  problems = 0;
  selected = 0;
  readonly zeroLengths: number[] = [];
  readonly oneLengths: number[] = [];
  readonly cells: Cell[];
  anchors: SourceAnchors | undefined;
  constructor(
    readonly source: string,
    brackets: number,
  ) {
    this.cells = Array.from({ length: brackets }, () => new Cell());
  }
}

const mean = (sum: number, count: number): number | null => (count > 0 ? sum / count : null);
const THINK_FORMAT = /<think>[\s\S]*<\/think>[\s\S]*\\boxed\{/;

/**
 * The two-pass AdaCS curation state shared by the in-memory `curate` and the streaming `curateFile`, so that both
 * give the same selection for the same input and seed. Pass 1 (`observe`) keeps per-source trace lengths at p = 0
 * and p = 1 (for the medians) and per-bracket counts and sums; `plan` resolves the anchors and the allocation; pass 2
 * (`choose`, problems in the same order) samples each bracket with Knuth's selection sampling (Algorithm S: keep
 * the item with probability (a − kept)/(n − seen)), a uniform draw without replacement in O(1) memory, and picks
 * the candidate. Random draws happen only where the outcome is not already determined.
 * @internal
 */
export class Curator {
  private readonly sources = new Map<string, SourceState>();
  private readonly seen: Float64Array;
  private readonly kept: Float64Array;
  private allocation: number[] | undefined;
  private available: number[] | undefined;
  private quota: number | null = null;
  private shortfall = 0;
  private redistributed = 0;
  private pooled: PooledAnchors | undefined;
  private candidates = 0;
  private problems = 0;
  private chosenProblems = 0;
  private formatMismatches = 0;

  constructor(
    private readonly settings: CurationSettings,
    private readonly parameter: string,
  ) {
    this.seen = new Float64Array(settings.brackets);
    this.kept = new Float64Array(settings.brackets);
  }

  bracketOf(passRate: number): number {
    return Math.round(passRate * (this.settings.brackets - 1));
  }

  /** Pass 1: records a checked problem with its candidate lengths. */
  observe(problem: CurationProblem, passRate: number, lengths: Float64Array): void {
    let state = this.sources.get(problem.source);
    if (state === undefined) {
      state = new SourceState(problem.source, this.settings.brackets);
      this.sources.set(problem.source, state);
    }
    state.problems++;
    this.problems++;
    this.candidates += lengths.length;
    const cell = state.cells[this.bracketOf(passRate)]!;
    cell.available++;
    cell.candidateCount += lengths.length;
    for (let index = 0; index < lengths.length; index++) {
      const length = lengths[index]!;
      cell.candidateLengthSum += length;
      if (passRate === 0) state.zeroLengths.push(length);
      else if (passRate === 1) state.oneLengths.push(length);
    }
  }

  /** Resolves the anchors and the allocation; throws `EMPTY_INPUT` for a missing anchor under the policy. */
  plan(): void {
    const { lengthRule, missingAnchor } = this.settings;
    let tracesAtZero = 0;
    let tracesAtOne = 0;
    for (const state of this.sources.values()) {
      tracesAtZero += state.zeroLengths.length;
      tracesAtOne += state.oneLengths.length;
    }
    const allZero = new Float64Array(tracesAtZero);
    const allOne = new Float64Array(tracesAtOne);
    let zeroOffset = 0;
    let oneOffset = 0;
    for (const state of this.sources.values()) {
      allZero.set(state.zeroLengths, zeroOffset);
      zeroOffset += state.zeroLengths.length;
      allOne.set(state.oneLengths, oneOffset);
      oneOffset += state.oneLengths.length;
    }
    const pooledZero = median(allZero);
    const pooledOne = median(allOne);
    this.pooled = {
      lengthAtZero: Number.isNaN(pooledZero) ? null : pooledZero,
      lengthAtOne: Number.isNaN(pooledOne) ? null : pooledOne,
      tracesAtZero,
      tracesAtOne,
    };
    for (const state of [...this.sources.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
      const own = { zero: median(state.zeroLengths), one: median(state.oneLengths) };
      const missing = (which: 'zero' | 'one'): number | null => {
        const pooled = which === 'zero' ? this.pooled!.lengthAtZero : this.pooled!.lengthAtOne;
        if (lengthRule && (missingAnchor === 'throw' || pooled === null)) {
          const p = which === 'zero' ? 0 : 1;
          throw new AresError({
            code: 'EMPTY_INPUT',
            parameter: this.parameter,
            value: state.source,
            message:
              missingAnchor === 'throw'
                ? `${this.parameter}: source ${JSON.stringify(state.source)} has no problem with pass rate ${p}, so L(${p}) is undefined (missingAnchor: 'throw')`
                : `${this.parameter}: no source has a problem with pass rate ${p}, so L(${p}) is undefined even pooled`,
          });
        }
        return missingAnchor === 'pooled' ? pooled : null;
      };
      state.anchors = {
        source: state.source,
        lengthAtZero: Number.isNaN(own.zero) ? missing('zero') : own.zero,
        lengthAtOne: Number.isNaN(own.one) ? missing('one') : own.one,
        pooledAtZero: Number.isNaN(own.zero) && missingAnchor === 'pooled' && this.pooled.lengthAtZero !== null,
        pooledAtOne: Number.isNaN(own.one) && missingAnchor === 'pooled' && this.pooled.lengthAtOne !== null,
        tracesAtZero: state.zeroLengths.length,
        tracesAtOne: state.oneLengths.length,
      };
    }
    const available = new Array<number>(this.settings.brackets).fill(0);
    for (const state of this.sources.values()) state.cells.forEach((cell, bracket) => (available[bracket]! += cell.available));
    const result = allocate(available, this.settings.allocation);
    this.available = available;
    this.allocation = [...result.allocation];
    this.quota = result.quota;
    this.shortfall = result.shortfall;
    this.redistributed = result.redistributed;
  }

  /** The resolved anchors (after `plan`). */
  anchors(): LengthAnchors {
    const sources = [...this.sources.values()].map((state) => state.anchors!).sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    return { sources, pooled: this.pooled! };
  }

  private inputChanged(detail: string): AresError {
    return new AresError({ code: 'INVALID_STATE', parameter: this.parameter, value: detail, message: `${this.parameter}: the input changed between the two passes (${detail})` });
  }

  /**
   * Pass 2: decides whether a checked problem is kept (problems must come in pass-1 order) and, if so, chooses its
   * candidate. `lengths` is called only for kept problems.
   */
  choose(problem: CurationProblem, passRate: number, index: number, lengths: () => Float64Array): CuratedProblem | undefined {
    const state = this.sources.get(problem.source);
    const bracket = this.bracketOf(passRate);
    const cell = state?.cells[bracket];
    if (state === undefined || cell === undefined || this.allocation === undefined) throw this.inputChanged(`unexpected source ${JSON.stringify(problem.source)}`);
    const available = this.available![bracket]!;
    const seen = this.seen[bracket]!;
    if (seen >= available) throw this.inputChanged(`more problems in bracket ${bracket} than in pass 1`);
    const wanted = this.allocation[bracket]! - this.kept[bracket]!;
    const remaining = available - seen;
    this.seen[bracket] = seen + 1;
    const keep = wanted <= 0 ? false : wanted >= remaining ? true : this.settings.random() * remaining < wanted;
    if (!keep) return undefined;
    this.kept[bracket]!++;
    const candidateLengths = lengths();
    if (candidateLengths.length !== problem.candidates.length) throw this.inputChanged('candidate count');
    const anchors = state.anchors!;
    const target =
      anchors.lengthAtZero === null || anchors.lengthAtOne === null ? null : targetLength(passRate, anchors.lengthAtZero, anchors.lengthAtOne);
    let candidateIndex: number;
    if (this.settings.lengthRule) candidateIndex = closestIndex(candidateLengths, target!);
    else candidateIndex = candidateLengths.length > 1 ? Math.min(candidateLengths.length - 1, Math.floor(this.settings.random() * candidateLengths.length)) : 0;
    const length = candidateLengths[candidateIndex]!;
    state.selected++;
    this.chosenProblems++;
    cell.selected++;
    cell.chosenLengthSum += length;
    if (target !== null) {
      cell.targetSum += target;
      cell.deviationSum += Math.abs(length - target);
      cell.targeted++;
    }
    if (!THINK_FORMAT.test(problem.candidates[candidateIndex]!.text)) this.formatMismatches++;
    return { problem, index, passRate, bracket, candidateIndex, length, targetLength: target };
  }

  /** Checks that pass 2 saw every problem of pass 1. */
  finish(): void {
    for (let bracket = 0; bracket < this.settings.brackets; bracket++) {
      if (this.seen[bracket] !== (this.available?.[bracket] ?? 0)) throw this.inputChanged(`fewer problems in bracket ${bracket} than in pass 1`);
    }
  }

  diagnostics(): CurationDiagnostics {
    const { brackets } = this.settings;
    const gridRate = (bracket: number) => bracket / (brackets - 1);
    const summary = (bracket: number, cells: readonly Cell[]): BracketLengthSummary => {
      const total = new Cell();
      for (const cell of cells) {
        total.available += cell.available;
        total.candidateLengthSum += cell.candidateLengthSum;
        total.candidateCount += cell.candidateCount;
        total.selected += cell.selected;
        total.chosenLengthSum += cell.chosenLengthSum;
        total.targetSum += cell.targetSum;
        total.deviationSum += cell.deviationSum;
        total.targeted += cell.targeted;
      }
      return {
        bracket,
        passRate: gridRate(bracket),
        available: total.available,
        selected: total.selected,
        meanCandidateLength: mean(total.candidateLengthSum, total.candidateCount),
        meanChosenLength: mean(total.chosenLengthSum, total.selected),
        meanTargetLength: mean(total.targetSum, total.targeted),
        meanAbsoluteDeviation: mean(total.deviationSum, total.targeted),
      };
    };
    const states = [...this.sources.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    const quota = this.quota;
    const perBracket: BracketDiagnostics[] = [];
    for (let bracket = 0; bracket < brackets; bracket++) {
      const base = summary(bracket, states.map((state) => state.cells[bracket]!));
      perBracket.push({ ...base, allocated: this.allocation?.[bracket] ?? 0, shortfall: quota === null ? 0 : Math.max(0, quota - base.available) });
    }
    return {
      problems: this.problems,
      candidates: this.candidates,
      selected: this.chosenProblems,
      lengthRule: this.settings.lengthRule,
      brackets,
      quota,
      redistribute: this.settings.allocation.redistribute,
      shortfall: this.shortfall,
      redistributed: this.redistributed,
      formatMismatches: this.formatMismatches,
      pooled: this.pooled ?? { lengthAtZero: null, lengthAtOne: null, tracesAtZero: 0, tracesAtOne: 0 },
      perBracket,
      sources: states.map((state) => ({
        source: state.source,
        problems: state.problems,
        selected: state.selected,
        anchors: state.anchors!,
        perBracket: state.cells.map((cell, bracket) => summary(bracket, [cell])),
      })),
    };
  }
}
