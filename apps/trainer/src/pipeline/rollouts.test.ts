import '@ares/testing/setup-tf';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { TFJS_CPU, expectAllClose } from '@ares/testing';
import { disposeParameters, initializeParameters, type ModelParameters } from '../model/parameters';
import { forward, imagePatches } from '../model/transformer';
import { sampleSequences } from '../sampling/sample';
import { generateProblem, type Problem } from '../tasks/problems';
import { Tokenizer } from '../tasks/tokenizer';
import { imageOf, promptIds } from './data';
import { gradeText, packRollouts, responseLogProbs, sampleRollouts, type Policy, type Rollout } from './rollouts';
import { trainerModelConfig } from './run';
import { tinyConfig } from './test-config';

const tokenizer = new Tokenizer();
const config = tinyConfig();
const model = trainerModelConfig(config, tokenizer);
const MAX_NEW_TOKENS = config.maxNewTokens;

/** Problems of every kind, with prompts of different lengths. */
const problems: Problem[] = [
  generateProblem('arithmetic', 2, createRng(1), 'p0'),
  generateProblem('count', 3, createRng(2), 'p1'),
  generateProblem('arithmetic', 1, createRng(3), 'p2'),
  generateProblem('add', 2, createRng(4), 'p3'),
  generateProblem('count', 1, createRng(5), 'p4'),
];

let parameters: ModelParameters;
let policy: Policy;

beforeAll(() => {
  parameters = initializeParameters(model, 5);
  // Larger weights than the default initialisation (as in sampling/sample.test.ts), so that the distributions are
  // far from uniform and responses have different lengths.
  const random = createRng(6);
  for (const variable of Object.values(parameters)) {
    tf.tidy(() => variable.assign(tf.tensor(Float32Array.from({ length: variable.size }, () => random() * 2 - 1), variable.shape)));
  }
  policy = { parameters, config: model };
});

afterAll(() => disposeParameters(parameters));

/** A hand-built rollout (the fields packRollouts reads are problem and tokens). */
function rolloutOf(problem: Problem, tokens: number[]): Rollout {
  return {
    problem,
    prefixLength: 0,
    tokens: Int32Array.from(tokens),
    entropies: new Float64Array(tokens.length),
    logProbs: new Float64Array(tokens.length),
    text: tokenizer.decode(tokens),
    stopped: tokens[tokens.length - 1] === tokenizer.eosId,
    correct: false,
  };
}

/** ln softmax(z)[y] in float64 from one row of logits. */
function logSoftmaxAt(row: readonly number[], token: number): number {
  const top = Math.max(...row);
  return row[token]! - top - Math.log(row.reduce((sum, value) => sum + Math.exp(value - top), 0));
}

describe('packRollouts', () => {
  const ids = (text: string) => Array.from(tokenizer.encode(text));
  const rollouts = [
    rolloutOf(problems[0]!, [...ids('<think>so 12'), tokenizer.eosId]),
    rolloutOf(problems[1]!, ids('3')),
    rolloutOf(problems[2]!, [...ids('<think>1 2 3\nso 4</think>\\boxed{4}'), tokenizer.eosId]),
    rolloutOf(problems[3]!, ids('so')),
  ];
  const { batch, offsets } = packRollouts(tokenizer, rollouts);

  it('predicts response token j of row r at offsets[r] + j, with mask 1 exactly on the response predictions', () => {
    expect(batch.batch).toBe(rollouts.length);
    expect(offsets).toHaveLength(rollouts.length);
    let total = 0;
    rollouts.forEach((rollout, row) => {
      const promptLength = tokenizer.encode(rollout.problem.prompt).length;
      // Row r occupies [r·length, (r + 1)·length); BOS and the prompt take the first 1 + |prompt| inputs.
      expect(offsets[row]).toBe(row * batch.length + promptLength);
      rollout.tokens.forEach((token, j) => {
        const at = offsets[row]! + j;
        expect(at).toBeLessThan((row + 1) * batch.length);
        expect(batch.targets[at]).toBe(token);
        expect(batch.mask[at]).toBe(1);
        // The input at that position is the token before: the last prompt token for j = 0.
        expect(batch.tokens[at]).toBe(j === 0 ? tokenizer.encode(rollout.problem.prompt).at(-1) : rollout.tokens[j - 1]);
      });
      total += rollout.tokens.length;
      expect(batch.tokens[row * batch.length]).toBe(tokenizer.bosId);
    });
    expect(batch.mask.reduce((sum, value) => sum + value, 0)).toBe(total);
  });

  it('is just long enough for the longest row and carries one image per row (blank for arithmetic)', () => {
    const needed = Math.max(...rollouts.map((rollout) => tokenizer.encode(rollout.problem.prompt).length + rollout.tokens.length));
    expect(batch.length).toBe(needed);
    const pixels = model.image!.size ** 2;
    rollouts.forEach((rollout, row) => expect(batch.images!.subarray(row * pixels, (row + 1) * pixels)).toEqual(imageOf(rollout.problem)));
  });
});

describe('responseLogProbs', () => {
  let sampled: Rollout[];
  beforeAll(async () => {
    sampled = await sampleRollouts(policy, tokenizer, [...problems, ...problems].map((problem) => ({ problem })), { maxNewTokens: MAX_NEW_TOKENS, temperature: 1, random: createRng(7) });
  });

  it('equals the KV-cached sampler log-probabilities at temperature 1', async () => {
    const lengths = sampled.map((rollout) => rollout.tokens.length);
    // Responses of different lengths, some stopped, some at the limit: the packing is exercised.
    expect(new Set(lengths).size).toBeGreaterThan(1);
    const values = await responseLogProbs(policy, packRollouts(tokenizer, sampled), lengths);
    expect(values).toHaveLength(sampled.length);
    sampled.forEach((rollout, row) => {
      expect(values[row]).toHaveLength(rollout.tokens.length);
      expectAllClose(values[row]!, rollout.logProbs, TFJS_CPU);
    });
  });

  it('equals a float64 log-softmax of the full forward logits, row by row', async () => {
    const rows = [0, 3];
    const chosen = rows.map((row) => sampled[row]!);
    const values = await responseLogProbs(policy, packRollouts(tokenizer, chosen), chosen.map((rollout) => rollout.tokens.length));
    chosen.forEach((rollout, index) => {
      const prompt = Array.from(promptIds(tokenizer, rollout.problem));
      const sequence = [...prompt, ...Array.from(rollout.tokens)];
      const logits = tf.tidy(() => forward(parameters, model, { tokens: tf.tensor2d(sequence, [1, sequence.length], 'int32'), patches: imagePatches(imageOf(rollout.problem), 1, model) }).arraySync() as number[][][]);
      // Text position t predicts token t + 1: response token j (at sequence index |prompt| + j) is predicted at |prompt| + j − 1.
      const expected = Array.from(rollout.tokens, (token, j) => logSoftmaxAt(logits[0]![prompt.length + j - 1]!, token));
      expectAllClose(values[index]!, expected, TFJS_CPU);
    });
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await responseLogProbs(policy, packRollouts(tokenizer, sampled), sampled.map((rollout) => rollout.tokens.length));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sampleRollouts', () => {
  it('samples i.i.d. rollouts within maxNewTokens: stopped ones end with their only EOS, the others fill the limit', async () => {
    const rollouts = await sampleRollouts(policy, tokenizer, problems.map((problem) => ({ problem })), { maxNewTokens: 12, temperature: 1, random: createRng(8), chunk: 2 });
    expect(rollouts.map((rollout) => rollout.problem)).toEqual(problems);
    for (const rollout of rollouts) {
      expect(rollout.prefixLength).toBe(0);
      expect(rollout.entropies).toHaveLength(rollout.tokens.length);
      expect(rollout.logProbs).toHaveLength(rollout.tokens.length);
      const eos = Array.from(rollout.tokens).indexOf(tokenizer.eosId);
      if (rollout.stopped) {
        expect(eos).toBe(rollout.tokens.length - 1);
        expect(rollout.tokens.length).toBeLessThanOrEqual(12);
        expect(rollout.text).toBe(tokenizer.decode(rollout.tokens.subarray(0, -1)));
      } else {
        expect(eos).toBe(-1);
        expect(rollout.tokens.length).toBe(12);
        expect(rollout.text).toBe(tokenizer.decode(rollout.tokens));
      }
      for (const logProb of rollout.logProbs) expect(logProb).toBeLessThanOrEqual(0);
      for (const entropy of rollout.entropies) expect(entropy >= 0 && entropy <= Math.log(tokenizer.size) + 1e-9).toBe(true);
    }
  });

  it('continues a prefix: the first tokens, entropies and log-probs are exactly the prefix, and the total fits maxNewTokens', async () => {
    const parents = await sampleRollouts(policy, tokenizer, problems.map((problem) => ({ problem })), { maxNewTokens: MAX_NEW_TOKENS, temperature: 1, random: createRng(9) });
    const cuts = [1, 3, 0, 5, 2];
    const requests = problems.map((problem, index) => {
      const parent = parents[index]!;
      const cut = Math.min(cuts[index]!, parent.tokens.length - 1);
      // Made-up recorded values, so that an exact copy is distinguishable from a recomputation.
      return {
        problem,
        prefix: {
          tokens: parent.tokens.subarray(0, cut),
          entropies: Float64Array.from({ length: cut }, (_, t) => 0.125 + t),
          logProbs: Float64Array.from({ length: cut }, (_, t) => -0.375 - t),
        },
      };
    });
    const limit = 20;
    const branches = await sampleRollouts(policy, tokenizer, requests, { maxNewTokens: limit, temperature: 1, random: createRng(10) });
    branches.forEach((branch, index) => {
      const prefix = requests[index]!.prefix;
      const cut = prefix.tokens.length;
      expect(branch.prefixLength).toBe(cut);
      expect(Array.from(branch.tokens.subarray(0, cut))).toEqual(Array.from(prefix.tokens));
      expect(Array.from(branch.entropies.subarray(0, cut))).toEqual(Array.from(prefix.entropies));
      expect(Array.from(branch.logProbs.subarray(0, cut))).toEqual(Array.from(prefix.logProbs));
      expect(branch.tokens.length).toBeGreaterThan(cut);
      expect(branch.tokens.length).toBeLessThanOrEqual(limit);
      if (!branch.stopped) expect(branch.tokens.length).toBe(limit);
      expect(branch.entropies).toHaveLength(branch.tokens.length);
      expect(branch.logProbs).toHaveLength(branch.tokens.length);
    });
    // The sampled continuation is sampled given prompt + prefix: its log-probs are those of the full sequence.
    const values = await responseLogProbs(policy, packRollouts(tokenizer, branches), branches.map((branch) => branch.tokens.length));
    branches.forEach((branch, index) => expectAllClose(values[index]!.subarray(branch.prefixLength), branch.logProbs.subarray(branch.prefixLength), TFJS_CPU));
  });

  it('with the parent’s own recorded values, a branch’s log-probs all equal a recomputation', async () => {
    const [parent] = await sampleRollouts(policy, tokenizer, [{ problem: problems[1]! }], { maxNewTokens: 16, temperature: 1, random: createRng(11) });
    const cut = Math.min(4, parent!.tokens.length - 1);
    const [branch] = await sampleRollouts(
      policy,
      tokenizer,
      [{ problem: problems[1]!, prefix: { tokens: parent!.tokens.subarray(0, cut), entropies: parent!.entropies.subarray(0, cut), logProbs: parent!.logProbs.subarray(0, cut) } }],
      { maxNewTokens: 16, temperature: 1, random: createRng(12) },
    );
    const [values] = await responseLogProbs(policy, packRollouts(tokenizer, [branch!]), [branch!.tokens.length]);
    expectAllClose(values!, branch!.logProbs, TFJS_CPU);
  });

  describe('grading', () => {
    let answering: ModelParameters;
    beforeAll(() => {
      // A model whose next-token distribution is the same everywhere: final norm scale 0 and bias 1 make every
      // hidden state the all-ones vector, so the logits are the column sums of head.weight. '}' is likely,
      // digits and EOS less so, everything else never.
      answering = initializeParameters(model, 13);
      const logits = new Float32Array(tokenizer.size).fill(-30);
      logits[tokenizer.id('}')] = 3;
      logits[tokenizer.eosId] = 2;
      for (let digit = 0; digit <= 9; digit++) logits[tokenizer.id(String(digit))] = 1;
      const head = new Float32Array(model.width * tokenizer.size);
      for (let row = 0; row < model.width; row++) for (let token = 0; token < tokenizer.size; token++) head[row * tokenizer.size + token] = logits[token]! / model.width;
      tf.tidy(() => {
        answering['final.norm.scale']!.assign(tf.zeros([model.width]));
        answering['final.norm.bias']!.assign(tf.ones([model.width]));
        answering['head.weight']!.assign(tf.tensor2d(head, [model.width, tokenizer.size]));
      });
    });
    afterAll(() => disposeParameters(answering));

    /** `<think>…</think>\boxed{N}` exactly, nothing after: N, else undefined. */
    function boxedAnswer(text: string): string | undefined {
      return /^<think>(?:(?!<\/think>)[\s\S])*<\/think>\\boxed\{(\d+)\}$/.exec(text)?.[1];
    }

    it('grades a hand-written correct and a wrong response', () => {
      const problem = generateProblem('count', 4, createRng(14));
      expect(problem.answer).toBe('4');
      expect(gradeText(problem, '<think>1 2 3 4\nso 4</think>\\boxed{4}')).toBe(true);
      expect(gradeText(problem, '<think>1 2 3\nso 3</think>\\boxed{3}')).toBe(false);
      expect(gradeText(problem, '<think>so 44</think>\\boxed{44}')).toBe(false);
      const chain = generateProblem('arithmetic', 3, createRng(15));
      expect(gradeText(chain, `<think>so ${chain.answer}</think>\\boxed{${chain.answer}}`)).toBe(true);
      expect(gradeText(chain, `<think>so ${Number(chain.answer) + 1}</think>\\boxed{${Number(chain.answer) + 1}}`)).toBe(false);
    });

    it('marks correct exactly the sampled responses whose boxed answer is the gold answer', async () => {
      const random = createRng(16);
      const pool = Array.from({ length: 40 }, (_, index) => generateProblem(index % 2 === 0 ? 'count' : 'add', 1 + (index % 3), random, `g${index}`)).filter((problem) => problem.answer !== '0');
      // Each problem twice: the prefix opens the box with the gold answer's first digit, or with another non-zero
      // digit; the model then writes one or two more tokens.
      const requests = pool.flatMap((problem) => {
        const first = Number(problem.answer[0]);
        const other = 1 + ((first + 3) % 9);
        return [String(first), String(other)].map((digit) => {
          const tokens = tokenizer.encode(`<think>so ${problem.answer}</think>\\boxed{${digit}`);
          return { problem, prefix: { tokens, entropies: new Float64Array(tokens.length), logProbs: new Float64Array(tokens.length) } };
        });
      });
      const rollouts: Rollout[] = [];
      for (const extra of [1, 2]) {
        // maxNewTokens counts the prefix, and the prefixes differ in length: one call per request.
        for (const request of requests) {
          const [rollout] = await sampleRollouts({ parameters: answering, config: model }, tokenizer, [request], { maxNewTokens: request.prefix.tokens.length + extra, temperature: 1, random: createRng(`${request.problem.id}:${extra}:${request.prefix.tokens.at(-1)}`) });
          rollouts.push(rollout!);
        }
      }
      let checked = 0;
      let correct = 0;
      for (const rollout of rollouts) {
        const answer = boxedAnswer(rollout.text);
        if (answer === undefined) continue;
        checked++;
        if (Number(answer) === Number(rollout.problem.answer)) correct++;
        expect(rollout.correct, rollout.text).toBe(Number(answer) === Number(rollout.problem.answer));
      }
      // Both verdicts occur among the checked responses.
      expect(checked).toBeGreaterThan(20);
      expect(correct).toBeGreaterThan(3);
      expect(checked - correct).toBeGreaterThan(3);
    });
  });
});

describe('sampleSequences per-row maxNewTokens', () => {
  const prompts = [[1, 8, 17, 9], [1, 10], [1, 11, 12], [1, 7]];

  it('stops every row at its own limit', async () => {
    const limits = [3, 7, 1, 5];
    const result = await sampleSequences(parameters, model, { prompts }, { maxNewTokens: limits, stopToken: null, random: createRng(20) });
    expect(result.tokens.map((row) => row.length)).toEqual(limits);
    expect(result.entropies.map((row) => row.length)).toEqual(limits);
    expect(result.logProbabilities.map((row) => row.length)).toEqual(limits);
    expect(result.stopped).toEqual([false, false, false, false]);
  });

  it('throws SHAPE_MISMATCH naming options.maxNewTokens for a limits array of the wrong length', async () => {
    await expect(sampleSequences(parameters, model, { prompts }, { maxNewTokens: [3, 7, 1] })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', parameter: 'options.maxNewTokens' });
    await expect(sampleSequences(parameters, model, { prompts }, { maxNewTokens: [3, 7, 1, 5, 2] })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', parameter: 'options.maxNewTokens' });
  });

  it('throws INVALID_ARGUMENT naming options.maxNewTokens for a limit below 1 in the array', async () => {
    await expect(sampleSequences(parameters, model, { prompts }, { maxNewTokens: [3, 0, 1, 5] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'options.maxNewTokens' });
  });
});
