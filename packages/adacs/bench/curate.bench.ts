/**
 * Streaming AdaCS curation of a generated JSONL file (100k problems by default, `PROBLEMS=n` to change), next to a
 * baseline measured in the same run: reading the same file line by line and JSON-parsing every line, which is the
 * least any curation must do (curateFile does it twice). Reports throughput and peak memory of each phase: peak RSS
 * and peak V8 heap (process.memoryUsage(), sampled every 5 ms, after a forced GC between phases), plus the in-memory
 * `curate` on the parsed array for contrast. Run with `npm run bench` (bundled by esbuild, run by node --expose-gc).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { curate, type CurationProblem } from '../src/index';
import { curateFile } from '../src/node/index';
import { readLines } from '../src/node/read-lines';
import { generateProblems } from '../src/curation-test-utils';

const PROBLEMS = Number(process.env['PROBLEMS'] ?? 100_000);
const OPTIONS = { perBracket: 5_000, seed: 1 } as const;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function measure<T>(label: string, run: () => Promise<T>): Promise<{ seconds: number; peakRss: number; peakHeap: number; value: T }> {
  collect();
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 5);
  const start = performance.now();
  const value = await run();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
  console.log(
    `${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s  ${(PROBLEMS / seconds / 1000).toFixed(1).padStart(6)} k problems/s  peak RSS ${(peakRss / 2 ** 20).toFixed(0).padStart(5)} MiB  peak heap ${(peakHeap / 2 ** 20).toFixed(0).padStart(5)} MiB`,
  );
  return { seconds, peakRss, peakHeap, value };
}

const work = mkdtempSync(join(tmpdir(), 'ares-adacs-bench-'));
try {
  const input = join(work, 'problems.jsonl');
  const stream = createWriteStream(input);
  let chunk = '';
  for (const problem of generateProblems(PROBLEMS, 'bench')) {
    chunk += `${JSON.stringify(problem)}\n`;
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      chunk = '';
    }
  }
  stream.end(chunk);
  await once(stream, 'finish');
  const bytes = statSync(input).size;
  console.log(`${PROBLEMS} problems, 4 candidates each, ${(bytes / 2 ** 20).toFixed(1)} MiB of JSONL (Node ${process.version}, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed'})`);
  const baseline = await measure('baseline: read + JSON.parse', async () => {
    let checksum = 0;
    await readLines(input, 'input', (line) => {
      checksum += (JSON.parse(line) as { candidates: unknown[] }).candidates.length;
    });
    return checksum;
  });
  const streaming = await measure('curateFile (2 passes, write)', () => curateFile(input, join(work, 'curated.jsonl'), OPTIONS));
  const d = streaming.value.diagnostics;
  console.log(`  selected ${d.selected} of ${d.problems} (quota ${d.quota}); anchors ${d.sources.map((s) => `${s.source} ${s.anchors.lengthAtZero}/${s.anchors.lengthAtOne}`).join(', ')}`);
  const inMemory = await measure('in-memory: parse all + curate', async () => {
    const problems: CurationProblem[] = [];
    await readLines(input, 'input', (line) => {
      problems.push(JSON.parse(line) as CurationProblem);
    });
    return curate(problems, OPTIONS).selected.length;
  });
  console.log(
    `curateFile / baseline: time ${(streaming.seconds / baseline.seconds).toFixed(2)}×, MB/s ${((2 * bytes) / 2 ** 20 / streaming.seconds).toFixed(0)} (two passes) vs ${(bytes / 2 ** 20 / baseline.seconds).toFixed(0)}; ` +
      `peak heap ${(streaming.peakHeap / 2 ** 20).toFixed(0)} vs ${(baseline.peakHeap / 2 ** 20).toFixed(0)} MiB (in-memory ${(inMemory.peakHeap / 2 ** 20).toFixed(0)} MiB)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
