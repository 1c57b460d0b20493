/**
 * CPU time (user + system, ms) this process spends in `fn`. Vitest runs each test file in its own fork, so this
 * measures the code under test and, unlike wall-clock time, does not grow when CI runs every suite at once.
 */
export function cpuMilliseconds(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
