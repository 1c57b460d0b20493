import { filterGroups, groupAdvantages, policyLoss, tokenAdvantages } from '@ares/grpo';

// Two prompts with two rollouts each, rewarded 1 (correct) or 0; three tokens per rollout.
const rewards = [1, 0, 1, 1];
const prompts = ['p1', 'p1', 'p2', 'p2'];
console.log(filterGroups(rewards, prompts).keptGroupIds); // [ 'p1' ]: p2 has no learning signal
const advantages = groupAdvantages(rewards, prompts);
console.log(Array.from(advantages, (a) => a.toFixed(4))); // [ '0.7071', '-0.7071', '0.0000', '0.0000' ]
const mask = [1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1];
const logProbs = [-1.2, -0.3, 0, -2.0, 0, 0, -0.5, -0.7, -0.1, -0.9, -1.1, -0.4];
const oldLogProbs = logProbs.map((lp, k) => (k === 1 ? lp - 0.5 : lp)); // token 1: ratio e^0.5 ≈ 1.65
const input = { logProbs, oldLogProbs, advantages: tokenAdvantages(advantages, mask, 3), mask, columns: 3 };
const { loss, clipFraction } = policyLoss(input); // clipLow 0.2, clipHigh 0.28, token-mean
console.log(loss.toFixed(4), clipFraction.toFixed(4)); // -0.1006 0.1111: token 1 is clipped at 1.28
