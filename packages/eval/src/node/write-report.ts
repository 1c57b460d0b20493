import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AresError } from '@ares/core';
import { type EvaluationReport, renderHtml, renderMarkdown } from '../report';

/**
 * Writes `report.json`, `report.md` and the self-contained `report.html` into a directory (created if needed).
 *
 * @param directory - output directory
 * @param report - from `buildReport`
 * @returns the three paths
 * @throws {AresError} `IO` when a file cannot be written
 * @example
 * ```ts
 * await writeReport('out', buildReport(run.results))
 * ```
 * @see SPEC.md §5.5
 */
export async function writeReport(directory: string, report: EvaluationReport): Promise<{ json: string; markdown: string; html: string }> {
  const paths = { json: join(directory, 'report.json'), markdown: join(directory, 'report.md'), html: join(directory, 'report.html') };
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(paths.json, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(paths.markdown, renderMarkdown(report));
    await writeFile(paths.html, renderHtml(report));
  } catch (error) {
    throw new AresError({ code: 'IO', parameter: 'directory', value: directory, message: `cannot write the report to ${directory}`, cause: error });
  }
  return paths;
}
