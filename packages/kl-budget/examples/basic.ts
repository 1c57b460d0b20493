import { controlStatistic, DualAscentKlController, klEstimate, klLoss } from '@ares/kl-budget';

// Two responses (rows) of two tokens: log-probabilities under the policy and the reference.
const kl = klEstimate([-0.5, -1.2, -0.9, -2.0], [-0.7, -1.0, -0.9, -1.5], 'k3');
const mask = [1, 1, 1, 0]; // the last token is padding
const windowMask = [0, 1, 0, 0]; // a high-window-entropy token: its KL weight is halved (ρ = 0.5)
const buckets = ['easy', 'hard'] as const;
const controller = new DualAscentKlController(); // κ = 1, budgets δ = {easy 0.005, medium 0.01, hard 0.02}

console.log(klLoss({ kl, mask, windowMask, buckets, columns: 2 }, controller).toFixed(5)); // 0.00981
controller.update(controlStatistic(kl, mask, windowMask, buckets, 2)); // easy is over budget, hard under
console.log(controller.coefficient('easy').toFixed(4), controller.coefficient('hard')); // 1.0437 0.95
