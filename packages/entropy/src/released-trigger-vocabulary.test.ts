import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeToken } from './normalize-token';
import { RELEASED_TRIGGER_VOCABULARY } from './released-trigger-vocabulary';

describe('RELEASED_TRIGGER_VOCABULARY', () => {
  it('holds 174 unique lowercase ASCII words', () => {
    expect(RELEASED_TRIGGER_VOCABULARY).toHaveLength(174);
    expect(new Set(RELEASED_TRIGGER_VOCABULARY).size).toBe(174);
    for (const word of RELEASED_TRIGGER_VOCABULARY) expect(word).toMatch(/^[a-z]+$/);
  });

  it('includes the triggers the paper and SPEC name', () => {
    for (const word of ['wait', 'hmm', 'conject', 'however', 'but', 'alternatively', 'perhaps']) {
      expect(RELEASED_TRIGGER_VOCABULARY).toContain(word);
    }
  });

  it('is in released order, byte for byte', () => {
    // SHA-256 of Python json.dumps(list, separators=(',', ':')) over the list parsed from SPEC.md §2.2, which
    // equals data/crucial_token_final_version.json of shawn0728/ARES (computed with /usr/bin/python3).
    const digest = createHash('sha256').update(JSON.stringify(RELEASED_TRIGGER_VOCABULARY)).digest('hex');
    expect(digest).toBe('33407e58a04c820b6f098ab87927b1b530a08a9ad7c1931434e353ac30655658');
    expect(RELEASED_TRIGGER_VOCABULARY[0]).toBe('clarify');
    expect(RELEASED_TRIGGER_VOCABULARY[173]).toBe('imagine');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(RELEASED_TRIGGER_VOCABULARY)).toBe(true);
    expect(() => (RELEASED_TRIGGER_VOCABULARY as string[]).push('extra')).toThrow(TypeError);
  });

  it('is a fixed point of normalizeToken and matches decoded, capitalised tokens', () => {
    const vocabulary = new Set(RELEASED_TRIGGER_VOCABULARY);
    for (const word of RELEASED_TRIGGER_VOCABULARY) {
      expect(normalizeToken(word)).toBe(word);
      expect(vocabulary.has(normalizeToken(`Ġ${word[0]!.toUpperCase()}${word.slice(1)}`))).toBe(true);
    }
  });
});
