import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AresError, assertInteger, assertOneOf } from '@ares/core';
import { curatedRecord } from '../curated-record';
import { candidateLengths, checkProblem, type CurationProblem } from '../curation-problem';
import { Curator, resolveCurationSettings, type CurateOptions, type CurationDiagnostics } from '../curator';
import { isWhitespace } from '../count-tokens';
import { readLines } from './read-lines';

/** What `curateFile` does with a malformed line: skip it (counted and listed) or fail the run before writing. */
export type MalformedPolicy = 'skip' | 'fail';

/** Every {@link MalformedPolicy}. */
export const MALFORMED_POLICIES: readonly MalformedPolicy[] = Object.freeze(['skip', 'fail'] as const);

/** Options of {@link curateFile}: those of `curate` plus the handling of malformed lines. */
export interface CurateFileOptions extends CurateOptions {
  /**
   * `fail`: the first malformed line throws (nothing is written). `skip`: malformed lines are left out, counted and
   * listed (with line numbers and reasons) in the result.
   * @default 'fail'
   */
  readonly onMalformed?: MalformedPolicy;
  /**
   * At most this many malformed lines are listed in the result (all are counted).
   * @default 1000
   */
  readonly maxListedMalformed?: number;
}

/** Defaults of {@link CurateFileOptions} beyond `DEFAULT_CURATE_OPTIONS`. */
export const DEFAULT_CURATE_FILE_OPTIONS: Readonly<{ onMalformed: MalformedPolicy; maxListedMalformed: number }> = Object.freeze({
  onMalformed: 'fail',
  maxListedMalformed: 1000,
});

/** A malformed input line. */
export interface MalformedLine {
  /** 1-based line number. */
  readonly line: number;
  /** Why it was rejected (invalid JSON, or the field that failed and how). */
  readonly reason: string;
}

/** The result of {@link curateFile}. */
export interface CurateFileResult {
  /** Absolute input path. */
  readonly input: string;
  /** Absolute output path. */
  readonly output: string;
  /** Lines in the input, blank ones included. */
  readonly lines: number;
  /** Blank (whitespace-only) lines, which are not problems. */
  readonly blankLines: number;
  /** Malformed lines: how many, the first `maxListedMalformed` of them, and whether the list is truncated. */
  readonly malformed: { readonly count: number; readonly listed: readonly MalformedLine[]; readonly truncated: boolean };
  readonly diagnostics: CurationDiagnostics;
}

/** Chunk size of the buffered output writes. */
const WRITE_CHUNK = 1 << 20;

let temporaryCounter = 0;

/** True when the line holds only whitespace (checked without copying it, unlike `trim`). */
function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index++) if (!isWhitespace(line.charCodeAt(index))) return false;
  return true;
}

/**
 * Streaming AdaCS curation of a JSONL file into a JSONL training set, in two passes over the input and constant
 * memory in the number of problems beyond the per-source anchor lengths.
 *
 * Pass 1 checks every line, keeps the lengths of traces at p = 0 and p = 1 per source (the medians need them) and
 * per-bracket counts and sums; the anchors and the bracket allocation follow. Pass 2 re-reads the file, samples each
 * bracket with Knuth's selection sampling (seeded, uniform without replacement, O(1) state per bracket), chooses the
 * candidate closest to L_target(p) and writes one `CuratedRecord` per line to a temporary file in the output's
 * directory, which is synced and renamed over `output` at the end (atomic: readers see the old file or the whole new
 * one). Same selection as `curate` on the same problems and options.
 *
 * @param input - path of the JSONL input, one `CurationProblem` per line (blank lines ignored)
 * @param output - path of the JSONL output (created or atomically replaced; must differ from `input`)
 * @param options - the options of `curate` (`brackets`, `budget`/`perBracket`, `redistribute`, `lengthRule`,
 *   `missingAnchor`, `tokenizer`/`unit`, `seed`/`random`) plus `onMalformed` (`fail`) and `maxListedMalformed` (1000)
 * @returns paths, line counts, the malformed lines (count, list, truncation flag) and the diagnostics of `curate`
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `input`, value {line, reason}) at the first malformed line under
 *   `onMalformed: 'fail'`; `IO` (parameter `input` or `output`) when a file cannot be read or written;
 *   `INVALID_STATE` (parameter `input`) when the file changed between the passes; `EMPTY_INPUT` (parameter `input`)
 *   for a missing anchor; `INVALID_ARGUMENT` (parameter `output`) when `output` is `input`; option errors as `curate`
 * @remarks
 * ## Numerics
 * As `curate`. Memory: the Float64 lengths of p = 0 and p = 1 traces, O(sources × brackets) counters and the listed
 * malformed lines; problems are never held. Time: two parses of the input and one tokenizer call per candidate in
 * pass 1, plus one per candidate of each selected problem in pass 2. Duplicate ids are not detected (that would
 * need memory linear in the problems).
 * @example
 * ```ts
 * const result = await curateFile('traces.jsonl', 'adacs.jsonl', { perBracket: 20_000, seed: 1, onMalformed: 'skip' });
 * ```
 * @see SPEC.md §2.7 (AdaCS); paper §3.1, §4.1
 */
export async function curateFile(input: string, output: string, options: CurateFileOptions = {}): Promise<CurateFileResult> {
  const settings = resolveCurationSettings(options, 'options');
  const onMalformed = options.onMalformed ?? DEFAULT_CURATE_FILE_OPTIONS.onMalformed;
  assertOneOf(onMalformed, MALFORMED_POLICIES, 'options.onMalformed');
  const maxListed = options.maxListedMalformed ?? DEFAULT_CURATE_FILE_OPTIONS.maxListedMalformed;
  assertInteger(maxListed, 'options.maxListedMalformed', 0);
  for (const [value, name] of [[input, 'input'], [output, 'output']] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: name, value, message: `${name}: expected a file path` });
    }
  }
  const inputPath = resolve(input);
  const outputPath = resolve(output);
  if (inputPath === outputPath) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'output', value: output, message: 'output: must differ from input (the input is read twice)' });
  }

  /** Parses and checks one line: the problem and its pass rate, or the reason it is malformed. */
  const parse = (line: string, lineNumber: number): { problem: CurationProblem; passRate: number } | string => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      return `not valid JSON (${(cause as Error).message})`;
    }
    try {
      return { problem: value as CurationProblem, passRate: checkProblem(value, `line ${lineNumber}`) };
    } catch (cause) {
      if (AresError.isInstance(cause)) return cause.message;
      throw cause;
    }
  };

  const directory = dirname(outputPath);
  const temporary = join(directory, `.${basename(outputPath)}.${process.pid}.${++temporaryCounter}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // Opened first, so that an unwritable output fails before the first pass.
    handle = await open(temporary, 'w');
  } catch (cause) {
    throw new AresError({ code: 'IO', parameter: 'output', value: output, message: `output: cannot create ${temporary}: ${(cause as Error).message}`, cause });
  }
  const curator = new Curator(settings, 'input');
  const listed: MalformedLine[] = [];
  let malformedCount = 0;
  let blankLines = 0;
  let lines = 0;
  try {
    lines = await readLines(inputPath, 'input', (line, lineNumber) => {
      if (isBlank(line)) {
        blankLines++;
        return;
      }
      const parsed = parse(line, lineNumber);
      if (typeof parsed === 'string') {
        if (onMalformed === 'fail') {
          throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'input', value: { line: lineNumber, reason: parsed }, message: `${inputPath}:${lineNumber}: ${parsed}` });
        }
        malformedCount++;
        if (listed.length < maxListed) listed.push({ line: lineNumber, reason: parsed });
        return;
      }
      curator.observe(parsed.problem, parsed.passRate, candidateLengths(parsed.problem, settings.count));
    });
    curator.plan();
    let buffer = '';
    let index = 0;
    const file = handle;
    const secondLines = await readLines(inputPath, 'input', (line, lineNumber) => {
      if (isBlank(line)) return undefined;
      const parsed = parse(line, lineNumber);
      if (typeof parsed === 'string') return undefined;
      const item = curator.choose(parsed.problem, parsed.passRate, index++, () => candidateLengths(parsed.problem, settings.count));
      if (item === undefined) return undefined;
      buffer += `${JSON.stringify(curatedRecord(item))}\n`;
      if (buffer.length < WRITE_CHUNK) return undefined;
      const chunk = buffer;
      buffer = '';
      return file.write(chunk).then(() => undefined);
    });
    if (secondLines !== lines) throw new AresError({ code: 'INVALID_STATE', parameter: 'input', value: secondLines, message: `input: the input changed between the two passes (${lines} then ${secondLines} lines)` });
    curator.finish();
    if (buffer !== '') await file.write(buffer);
    await file.sync();
    await file.close();
    handle = undefined;
    await rename(temporary, outputPath);
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    if (AresError.isInstance(cause)) throw cause;
    throw new AresError({ code: 'IO', parameter: 'output', value: output, message: `output: cannot write ${outputPath}: ${(cause as Error).message}`, cause });
  }
  return {
    input: inputPath,
    output: outputPath,
    lines,
    blankLines,
    malformed: { count: malformedCount, listed, truncated: malformedCount > listed.length },
    diagnostics: curator.diagnostics(),
  };
}
