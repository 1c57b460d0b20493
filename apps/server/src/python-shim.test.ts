import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllClose, FLOAT64 } from '@ares/testing';
import { createServer, type AresServer } from './server';

const run = promisify(execFile);
const pythonDirectory = fileURLToPath(new URL('../python/', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('python3 not found: skipping the verl shim test');

const SCRIPT = `
import json, sys
sys.path.insert(0, sys.argv[1])
from ares_reward import compute_score
plain = compute_score("math", "so \\\\boxed{4}", "4")
shaped = compute_score("math", "\\\\boxed{3}", "4", {"index": 1, "bucket": "easy", "hwe_count": 20, "target": 10, "alpha": 0.5})
try:
    compute_score("math", "1", "1", {"bucket": "easy"})
    rejected = None
except ValueError as error:
    rejected = str(error)
from ares_easyr1_reward import compute_score as easyr1
batch = easyr1([{"response": "<think>x</think> \\\\boxed{2}", "response_length": 5, "ground_truth": "2", "difficulty": "hard",
                 "high_entropy_token_num": 12, "target_high_entropy_token_num": 10, "alpha_entropy": 0.5}])
print(json.dumps({"plain": plain, "shaped": shaped, "rejected": rejected, "batch": batch}))
`;

describe.skipIf(!hasPython)('python/ares_reward.py (verl custom reward shim)', () => {
  let server: AresServer;
  beforeAll(async () => {
    server = await createServer({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('returns {score, ...metrics} from the service through compute_score', async () => {
    const { stdout } = await run('python3', ['-c', SCRIPT, pythonDirectory], {
      env: { ...process.env, ARES_REWARD_URL: server.url, ARES_REWARD_RETRIES: '1', PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 20_000,
    });
    const result = JSON.parse(stdout) as { plain: Record<string, number>; shaped: Record<string, number>; rejected: string | null; batch: Record<string, number>[] };
    expect(result.plain).toEqual({ score: 1, accuracy: 1, entropy_score: 0, hwe_count: 0, bucket_index: -1 });
    // easy, wrong, Δ = 10, m = 1.5, c = 0.5: e = sig((Δ − m)/2)·c·0.6 (SPEC §2.8).
    expectAllClose([result.shaped['score']!], [(1 / (1 + Math.exp(-8.5 / 2))) * 0.5 * 0.6], FLOAT64);
    expect(result.shaped['bucket_index']).toBe(0);
    expect(result.rejected).toMatch(/400.*extra_info\.hwe_count/);
    // EasyR1 batch shim: hard, correct, Δ = 2, m = 3.5, c = 0.6: overall = 1 + sig((Δ + m)/3)·c.
    expect(result.batch).toHaveLength(1);
    expectAllClose([result.batch[0]!['overall']!], [1 + (1 / (1 + Math.exp(-5.5 / 3))) * 0.6], FLOAT64);
    expect(result.batch[0]!['format']).toBe(1);
  });
});
