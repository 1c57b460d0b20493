// Test helpers shared by the tokenEntropy and logProbabilities tests (not exported from the package).
import { loadFixture } from '@ares/testing';

/** One case of `__fixtures__/token-entropy.json` (scripts/fixtures/token-entropy.py, NumPy float64). */
export interface LogitsCase {
  readonly name: string;
  readonly vocabSize: number;
  readonly logits: number[];
  readonly labels: number[];
  readonly temperatures: number[];
  /** Per temperature, one entropy per row. */
  readonly entropies: number[][];
  /** Per temperature, log p(label) per row. */
  readonly logProbabilities: number[][];
}

/** The NumPy reference for tokenEntropy and logProbabilities. */
export const tokenEntropyFixture = loadFixture<LogitsCase>(new URL('./__fixtures__/token-entropy.json', import.meta.url));
