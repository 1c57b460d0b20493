import { curate, curatedRecord, type CurationProblem } from '@ares/adacs';

// Candidate teacher traces (token counts given) and the reference model's pass rate over 8 attempts.
const trace = (tokens: number) => ({ text: '<think>…</think> \\boxed{4}', tokens });
const problems: CurationProblem[] = [
  { id: 1, source: 'math', question: 'q1', answer: '4', passRate: 0, candidates: [trace(900), trace(1500)] },
  { id: 2, source: 'math', question: 'q2', answer: '4', passRate: 1, candidates: [trace(150), trace(300)] },
  { id: 3, source: 'math', question: 'q3', answer: '4', correct: [1, 1, 1, 1, 0, 0, 0, 0], candidates: [trace(400), trace(700), trace(1000)] },
];
const { selected, diagnostics } = curate(problems, { perBracket: 1, seed: 1 });
const { lengthAtZero, lengthAtOne } = diagnostics.sources[0]!.anchors;
console.log(lengthAtZero, lengthAtOne); // 1200 225: medians of the traces at p = 0 and p = 1
console.log(selected.map((item) => curatedRecord(item).tokens)); // [900, 150, 700]: closest to L_target(p)
