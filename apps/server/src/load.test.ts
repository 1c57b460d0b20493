import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestRank, runLoad } from './load';
import { createServer, type AresServer } from './server';

describe('runLoad (loopback load test)', () => {
  let server: AresServer;
  beforeAll(async () => {
    server = await createServer({ port: 0, maxConcurrent: 4 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('takes the nearest-rank percentile', () => {
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
    expect(nearestRank([], 0.5)).toBeNaN();
  });

  it('serves a bounded concurrent load: every request answered 200 or 503, counts and percentiles consistent', async () => {
    const body = JSON.stringify([{ data_source: 'm', solution_str: '\\boxed{2}', ground_truth: '2' }]);
    const result = await runLoad({ url: `${server.url}/v1/verl/reward`, body, requests: 60, concurrency: 4, maxMs: 10_000 });
    expect(result.sent).toBe(60);
    expect(result.ok + (result.statuses['503'] ?? 0)).toBe(60);
    expect(result.ok).toBeGreaterThan(0);
    expect(result.p50).toBeLessThanOrEqual(result.p99);
    expect(result.p99).toBeLessThanOrEqual(result.max);
    const metrics = (await (await fetch(`${server.url}/metrics`)).json()) as { requests: number };
    expect(metrics.requests).toBe(60);
  });

  it('stops at the time bound', async () => {
    const body = JSON.stringify([{ data_source: 'm', solution_str: '1', ground_truth: '1' }]);
    const result = await runLoad({ url: `${server.url}/v1/verl/reward`, body, requests: 1_000_000, concurrency: 2, maxMs: 200 });
    expect(result.sent).toBeLessThan(1_000_000);
    expect(result.seconds).toBeLessThan(5);
  });
});
