/**
 * Independent float64 references for the SFT loss tests, written from the definitions (no max shift: test logits
 * stay within ±30, where e^z is exact enough), and a small deterministic batch. @internal
 */
import { createRng, type DifficultyBucket } from '@ares/core';

/** softmax(z) of one row, as the textbook e^{z_j} / Σ_k e^{z_k}. */
export function referenceSoftmax(row: ArrayLike<number>): number[] {
  const exps = Array.from(row, (value) => Math.exp(value));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
}

/** KL(softmax(z)‖softmax(u)) = Σ p ln(p/q). */
export function referenceKl(policy: ArrayLike<number>, initial: ArrayLike<number>): number {
  const p = referenceSoftmax(policy);
  const q = referenceSoftmax(initial);
  return p.reduce((sum, pj, j) => sum + (pj > 0 ? pj * Math.log(pj / q[j]!) : 0), 0);
}

/** The per-token loss terms of the AdaCS objective and their token mean. */
export function referenceSftLoss(input: {
  logits: ArrayLike<number>;
  initialLogits?: ArrayLike<number>;
  labels: ArrayLike<number>;
  mask: ArrayLike<number>;
  vocabSize: number;
  columns: number;
  buckets?: readonly DifficultyBucket[];
  klWeights?: Partial<Record<DifficultyBucket, number>>;
  kl?: 'exact' | 'k1' | 'k3' | 'k2';
}): number {
  const { logits, labels, mask, vocabSize, columns } = input;
  let total = 0;
  let count = 0;
  for (let t = 0; t < labels.length; t++) {
    if (mask[t] !== 1) continue;
    count++;
    const row = Array.from({ length: vocabSize }, (_, j) => logits[t * vocabSize + j]!);
    const p = referenceSoftmax(row);
    total -= Math.log(p[labels[t]!]!);
    const beta = input.buckets === undefined ? 0 : (input.klWeights?.[input.buckets[Math.floor(t / columns)]!] ?? 0);
    if (beta === 0) continue;
    const initialRow = Array.from({ length: vocabSize }, (_, j) => input.initialLogits![t * vocabSize + j]!);
    const mode = input.kl ?? 'exact';
    if (mode === 'exact') total += beta * referenceKl(row, initialRow);
    else {
      const lp = Math.log(p[labels[t]!]!);
      const ref = Math.log(referenceSoftmax(initialRow)[labels[t]!]!);
      const delta = ref - lp;
      total += beta * (mode === 'k1' ? lp - ref : mode === 'k2' ? 0.5 * (lp - ref) ** 2 : Math.exp(delta) - delta - 1);
    }
  }
  return count === 0 ? 0 : total / count;
}

/** A deterministic batch: rows × columns positions over a vocabulary, ragged masks, policy near the initial model. */
export function sampleBatch(rows: number, columns: number, vocabSize: number, seed = 'sft') {
  const random = createRng(seed);
  const tokens = rows * columns;
  const logits = new Float64Array(tokens * vocabSize);
  const initialLogits = new Float64Array(tokens * vocabSize);
  for (let index = 0; index < logits.length; index++) {
    initialLogits[index] = (random() - 0.5) * 6;
    logits[index] = initialLogits[index]! + (random() - 0.5) * 2;
  }
  const labels = Array.from({ length: tokens }, () => Math.floor(random() * vocabSize));
  const mask = Array.from({ length: tokens }, (_, t) => ((t % columns) < columns - (Math.floor(t / columns) % columns) ? 1 : 0));
  const order: DifficultyBucket[] = ['easy', 'medium', 'hard'];
  const buckets = Array.from({ length: rows }, (_, row) => order[row % 3]!);
  return { logits, initialLogits, labels, mask, vocabSize, columns, buckets };
}
