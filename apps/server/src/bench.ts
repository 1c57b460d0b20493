import { createServer } from './server';
import { runLoad } from './load';

/** Standard batches: 64 verl items; an AEPO step of 16 prompts × 8 rollouts × 512 tokens. */
function verlBatch(): string {
  return JSON.stringify(
    Array.from({ length: 64 }, (_, index) => ({
      data_source: 'math',
      solution_str: `Reasoning ... so the answer is \\boxed{\\frac{${index}}{${index + 1}}}`,
      ground_truth: index % 2 === 0 ? `\\frac{${index}}{${index + 1}}` : '7',
      extra_info: { bucket: 'medium', hwe_count: index % 30, target: 12, alpha: 0.5 },
    })),
  );
}

function aepoBatch(): string {
  const rollouts = [];
  for (let index = 0; index < 128; index++) {
    const entropies = Array.from({ length: 512 }, (_, t) => ((t * 7919 + index * 104729) % 1000) / 400);
    rollouts.push({ promptId: `p${index % 16}`, correct: index % 3 === 0, entropies });
  }
  return JSON.stringify({ rollouts });
}

const server = await createServer({ port: 0 });
try {
  for (const [name, path, body, concurrency] of [
    ['verl 64 items', '/v1/verl/reward', verlBatch(), 8],
    ['aepo 128 × 512', '/v1/aepo/step', aepoBatch(), 4],
  ] as const) {
    const result = await runLoad({ url: `${server.url}${path}`, body, requests: 400, concurrency, maxMs: 15_000 });
    console.log(
      `${name}: ${result.sent} requests (${result.failed} failed) in ${result.seconds.toFixed(2)} s, ` +
        `${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
    );
  }
} finally {
  await server.close();
}
