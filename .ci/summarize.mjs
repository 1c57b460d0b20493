// Sums vitest JSON reports over all workspaces and adds one failure per failed non-test task (build, typecheck,
// publish check) and per test task that failed without a failing test (crash, type error, missing report).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const turboStatus = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
const reportFailures = new Map();

for (const root of ['packages', 'apps']) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (!manifest.scripts?.test) continue;
    const reportPath = join(dir, '.vitest', 'report.json');
    if (!existsSync(reportPath)) {
      console.log(`${manifest.name}: no test report`);
      failed += 1;
      reportFailures.set(manifest.name, 1);
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    reportFailures.set(manifest.name, report.numFailedTests);
    console.log(`${manifest.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}

let accounted = false;
const runsDir = join('.turbo', 'runs');
if (existsSync(runsDir)) {
  for (const file of readdirSync(runsDir)) {
    const summary = JSON.parse(readFileSync(join(runsDir, file), 'utf8'));
    accounted = true;
    for (const task of summary.tasks ?? []) {
      const exitCode = task.execution?.exitCode;
      if (exitCode === undefined || exitCode === null || exitCode === 0) continue;
      if (task.task === 'test' && reportFailures.has(task.package)) {
        if (reportFailures.get(task.package) > 0) continue;
        if (!existsSync(join(task.directory ?? '', '.vitest', 'report.json'))) continue; // counted as missing
      }
      console.log(`task failed: ${task.taskId} (exit ${exitCode})`);
      failed += 1;
    }
  }
}
if (turboStatus !== 0 && failed === 0) {
  console.log(`turbo exited with ${turboStatus}${accounted ? '' : ' and wrote no run summary'}`);
  failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
