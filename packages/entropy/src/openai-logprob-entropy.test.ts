import { describe, expect, it } from 'vitest';
import { expectAllClose, expectAresError, REFERENCE } from '@ares/testing';
import { openAiLogprobEntropy } from './openai-logprob-entropy';

const ln = Math.log;

describe('openAiLogprobEntropy', () => {
  it('computes plain, lower, upper and tail mass per position from chat completion log-probs', () => {
    // p = (0.5, 0.3), tail 0.2, V = 10: SPEC §6.1 item 2.
    const result = openAiLogprobEntropy(
      { content: [{ token: 'a', logprob: ln(0.5), top_logprobs: [{ token: 'a', logprob: ln(0.5) }, { token: 'b', logprob: ln(0.3) }] }] },
      { vocabSize: 10 },
    );
    expect(result.tokens).toEqual(['a']);
    expectAllClose(result.plain, [0.7077654316], REFERENCE);
    expectAllClose(result.lower, [1.0296530141], REFERENCE);
    expectAllClose(result.upper, [1.4455413224], REFERENCE);
    expectAllClose(result.tailMass, [0.2], REFERENCE);
    expect(Array.from(result.candidates)).toEqual([2]);
    expect(result.logprobsMode).toBe('raw_logprobs');
  });

  it('deduplicates candidates and adds a sampled token that came back outside the top-k', () => {
    const result = openAiLogprobEntropy({
      content: [
        {
          token: 'c',
          logprob: ln(0.1),
          top_logprobs: [{ token: 'a', logprob: ln(0.6) }, { token: 'a', logprob: ln(0.6) }, { token: 'b', logprob: ln(0.3) }],
        },
      ],
    }, { vocabSize: 3 });
    // Candidates {a: 0.6, b: 0.3, c: 0.1}: the whole vocabulary (V = k), so upper = lower = H up to rounding.
    const exact = -(0.6 * ln(0.6) + 0.3 * ln(0.3) + 0.1 * ln(0.1));
    expect(Array.from(result.candidates)).toEqual([3]);
    expectAllClose(result.lower, [exact], REFERENCE);
    expectAllClose(result.upper, [exact], REFERENCE);
    expect(result.tailMass[0]).toBeLessThan(1e-15);
  });

  it('maps the vLLM −9999 sentinel to −∞ (a zero-probability candidate)', () => {
    const result = openAiLogprobEntropy({
      content: [{ token: 'x', logprob: -9999, top_logprobs: [{ token: 'y', logprob: 0 }, { token: 'x', logprob: -9999 }] }],
    });
    expect(result.logProbs[0]).toBe(-Infinity);
    expect(result.lower[0]).toBe(0);
  });

  it('reads the legacy /v1/completions shape', () => {
    const result = openAiLogprobEntropy({
      tokens: ['a', 'b'],
      token_logprobs: [ln(0.5), 0],
      top_logprobs: [{ a: ln(0.5), z: ln(0.5) }, null],
    });
    expect(result.tokens).toEqual(['a', 'b']);
    expectAllClose(result.lower, [ln(2), 0], REFERENCE);
    expect(Array.from(result.candidates)).toEqual([2, 1]);
  });

  it('returns upper = +∞ without vocabSize when tail mass remains', () => {
    const result = openAiLogprobEntropy({ content: [{ token: 'a', logprob: ln(0.5), top_logprobs: null }] });
    expect(result.upper[0]).toBe(Infinity);
    expectAllClose(result.tailMass, [0.5], REFERENCE);
  });

  it('returns empty arrays for an empty response', () => {
    const result = openAiLogprobEntropy({ content: null });
    expect(result.lower).toBeInstanceOf(Float64Array);
    expect(result.lower.length).toBe(0);
  });

  it('throws typed errors for logit modes, malformed values and bad vocabSize', () => {
    expectAresError(() => openAiLogprobEntropy({ content: [] }, { logprobsMode: 'raw_logits' as never }), 'UNSUPPORTED', 'options.logprobsMode');
    expectAresError(() => openAiLogprobEntropy({ content: [{ token: 'a', logprob: null as never }] }), 'INVALID_ARGUMENT', 'logprobs.content[0].logprob');
    expectAresError(() => openAiLogprobEntropy({ content: [{ token: 'a', logprob: 0.5 }] }), 'INVALID_ARGUMENT');
    expectAresError(() => openAiLogprobEntropy({ content: [] }, { vocabSize: 0 }), 'INVALID_ARGUMENT', 'options.vocabSize');
    expectAresError(() => openAiLogprobEntropy({ text: 'x' } as never), 'INVALID_ARGUMENT', 'logprobs');
    const twoCandidates = { content: [{ token: 'a', logprob: ln(0.5), top_logprobs: [{ token: 'b', logprob: ln(0.3) }] }] };
    expectAresError(() => openAiLogprobEntropy(twoCandidates, { vocabSize: 1 }), 'INVALID_ARGUMENT');
  });

  it('does not modify its input', () => {
    const input = { content: [{ token: 'a', logprob: ln(0.5), top_logprobs: [{ token: 'b', logprob: ln(0.3) }] }] };
    const snapshot = JSON.stringify(input);
    openAiLogprobEntropy(input, { vocabSize: 5 });
    expect(JSON.stringify(input)).toBe(snapshot);
  });
});
