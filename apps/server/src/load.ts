/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Full URL to POST to. */
  readonly url: string;
  /** Request body (JSON text). */
  readonly body: string;
  /** Requests to send at most. */
  readonly requests: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Stop issuing new requests after this many ms. */
  readonly maxMs: number;
}

/** Result of {@link runLoad}; latencies in ms. */
export interface LoadResult {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The q-quantile of sorted values by the nearest-rank rule (NaN when empty). */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Drives one endpoint with a fixed number of concurrent workers, bounded in count (`requests`) and time (`maxMs`),
 * and reports throughput and latency percentiles (nearest rank).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < options.requests && performance.now() - started < options.maxMs) {
      sent++;
      const begin = performance.now();
      let status = 'error';
      try {
        const response = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: options.body });
        await response.arrayBuffer();
        status = String(response.status);
      } catch {
        // counted as 'error'
      }
      latencies.push(performance.now() - begin);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ok = statuses['200'] ?? 0;
  return {
    sent,
    ok,
    failed: sent - ok,
    statuses,
    seconds,
    requestsPerSecond: sent / seconds,
    p50: nearestRank(latencies, 0.5),
    p99: nearestRank(latencies, 0.99),
    max: latencies.length === 0 ? Number.NaN : latencies[latencies.length - 1]!,
  };
}
