import { createInProcessPolicy, extractBoxed, isEquivalent, parseDataset, passAtK, runEvaluation, verifyAnswer } from '@ares/eval';

const response = 'Adding the fractions gives $\\boxed{\\frac{3}{4}}$.';
console.log(extractBoxed(response)); // \frac{3}{4}
console.log(isEquivalent('0.75', response)); // true
console.log(isEquivalent('[0, 1)', '(0, 1)')); // false: the interval ends differ
console.log(isEquivalent('1/2', '\\boxed{2/4}', { profile: 'mathruler' })); // false: unreduced fraction
console.log(verifyAnswer('x = 2', 'So the answer is 2.').reason); // equivalent
console.log(passAtK(10, 3, 5).toFixed(4)); // 0.9167
const items = parseDataset('{"id": "1", "benchmark": "gsm8k", "question": "2 + 3?", "answer": "5"}');
const policy = createInProcessPolicy('echo', () => ({ text: 'Two plus three is five.\n#### 5' }));
const { results } = await runEvaluation({ items, policy });
console.log(results[0]?.correct, results[0]?.method); // true gsm8k
