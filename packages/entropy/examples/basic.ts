import { hweMask, paperThreshold, tokenEntropy, topKEntropy, windowEntropy } from '@ares/entropy';

// Softmax entropy (nats) of two rows of a 4-token vocabulary: uniform, then nearly certain.
const rows = tokenEntropy(new Float32Array([0, 0, 0, 0, 9, 0, 0, 0]), 4);
console.log(rows[0]!.toFixed(4), rows[1]!.toFixed(4)); // 1.3863 0.0037
// From an API's top-k log-probs (p = 0.5, 0.3 of V = 10): plain ≤ lower ≤ H ≤ upper.
const bounds = topKEntropy([Math.log(0.5), Math.log(0.3)], { vocabSize: 10 });
console.log(bounds.lower.toFixed(4), bounds.upper.toFixed(4), bounds.tailMass.toFixed(1)); // 1.0297 1.4455 0.2
// Window entropy (w = 4) marks sustained uncertainty; τ from the paper's estimator.
const entropies = [0.25, 0.5, 1.5, 2, 1.5, 1.75, 0.25, 0];
console.log(windowEntropy(entropies, { window: 4 })); // [1.0625, 1.375, 1.6875, 1.375, 0.875]
console.log(paperThreshold([entropies]).toFixed(4)); // 1.9125 (mean of per-sequence 0.95-quantiles)
console.log(hweMask(entropies, 1.2, { window: 4 })); // [0, 1, 1, 1, 0, 0, 0, 0]
