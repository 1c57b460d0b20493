import { bucketOf, DifficultyTracker, passRate, targetLength } from '@ares/difficulty';

const p = passRate([true, true, false, true, true, true, true, false]); // 6 of 8 rollouts correct
console.log(p, bucketOf(p)); // 0.75 easy
console.log(targetLength(p, 2048, 512)); // 896: AdaCS target length in tokens
const tracker = new DifficultyTracker({ mode: 'cumulative' });
tracker.update('q1', [1, 0, 0, 0]);
console.log(tracker.update('q1', [1, 1, 1, 1])); // medium: 5 of 8 pooled
const saved = JSON.stringify(tracker.toJSON()); // store it with the checkpoint
console.log(DifficultyTracker.fromJSON(JSON.parse(saved)).passRate('q1')); // 0.625
