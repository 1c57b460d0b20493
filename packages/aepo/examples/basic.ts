import { createBucketTargetState, planBranches, shapedReward, updateBucketTargets } from '@ares/aepo';

// Targets from the batch's per-prompt mean HWE counts: easy mean 27.5 → T = 28, α 0.5 → 0.475.
const state = updateBucketTargets(createBucketTargetState(), [{ bucket: 'easy', meanHweCount: 27.5 }]);
console.log(state.easy); // { target: 28, alpha: 0.475 }

// A correct easy answer far above its target loses up to α of its reward.
const { target, alpha } = state.easy;
console.log(shapedReward({ bucket: 'easy', correct: true, hweCount: 51, target, alpha })); // 0.525

// Two branches for a medium prompt, from the window entropies of its 6 i.i.d. rollouts (τ = 1).
const windows = [[0.2, 1.4, 0.3], [2.1, 0.5], [], [0.9], [1.2, 0.1, 0.1, 0.1, 1.3], [0.4]];
const plan = planBranches({ bucket: 'medium', windowEntropies: windows, threshold: 1 });
console.log(plan.map((branch) => [branch.rolloutIndex, branch.branchPoint])); // [[1, 0], [0, 1]]
