import { describe, expect, it } from 'vitest';
import { createRng } from '@ares/core';
import { expectAresError } from '@ares/testing';
import { MAX_LEVEL, TASK_KINDS, generateProblem, type TaskKind } from '../tasks/problems';
import { Tokenizer } from '../tasks/tokenizer';
import { IMAGE_PREFIX, PRESETS, PRESET_NAMES, longestPrompt, parseTrainerConfig, presetConfig, type TrainerConfig } from './config';

/** A deep copy of the smoke preset with `edit` applied to it (for one wrong field at a time). */
function smokeWith(edit: (config: Record<string, any>) => void): unknown {
  const config = structuredClone(PRESETS.smoke) as unknown as Record<string, any>;
  edit(config);
  return config;
}

describe('PRESETS', () => {
  it('has one preset per PRESET_NAMES entry, named after its key', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...PRESET_NAMES].sort());
    for (const name of PRESET_NAMES) expect(PRESETS[name].preset).toBe(name);
  });

  it.each(PRESET_NAMES)('%s passes parseTrainerConfig unchanged', (name) => {
    const copy = structuredClone(PRESETS[name]);
    expect(parseTrainerConfig(copy)).toEqual(PRESETS[name]);
    // parsing does not write into its input
    expect(copy).toEqual(PRESETS[name]);
  });
});

describe('presetConfig', () => {
  it('returns the preset itself without overrides, as a copy that does not share objects with PRESETS', () => {
    const config = presetConfig('small');
    expect(config).toEqual(PRESETS.small);
    const steps = PRESETS.small.rl.steps;
    config.rl.steps = steps + 12345;
    (config.tasks.kinds as string[]).push('count');
    expect(PRESETS.small.rl.steps).toBe(steps);
    expect(PRESETS.small.tasks.kinds).toEqual(['arithmetic', 'count', 'add']);
  });

  it('merges nested objects field by field and keeps every other field of the preset', () => {
    const config = presetConfig('smoke', { rl: { steps: 3 }, aepo: { klBudget: { hard: 0.5 } }, seed: 9 });
    const expected: TrainerConfig = structuredClone(PRESETS.smoke);
    expected.rl.steps = 3;
    expected.aepo.klBudget.hard = 0.5;
    expected.seed = 9;
    expect(config).toEqual(expected);
  });

  it('replaces arrays as a whole instead of merging them index by index', () => {
    // An index-wise merge of ['count'] into ['arithmetic', 'count', 'add'] would give ['count', 'count', 'add'].
    const config = presetConfig('smoke', { tasks: { kinds: ['count'], levels: { add: [2, 2] } } });
    expect(config.tasks.kinds).toEqual(['count']);
    expect(config.tasks.levels).toEqual({ arithmetic: PRESETS.smoke.tasks.levels.arithmetic, count: PRESETS.smoke.tasks.levels.count, add: [2, 2] });
  });

  it('does not modify PRESETS', () => {
    const before = structuredClone(PRESETS);
    presetConfig('full', { model: { width: 128 }, tasks: { kinds: ['add'] } });
    expect(PRESETS).toEqual(before);
  });

  it('checks the merged result: an unknown field of an override names its path', () => {
    expectAresError(() => presetConfig('smoke', { rl: { stepz: 3 } }), 'INVALID_ARGUMENT', 'config.rl.stepz');
  });

  it('throws INVALID_ARGUMENT naming --preset for an unknown preset', () => {
    expectAresError(() => presetConfig('huge'), 'INVALID_ARGUMENT', '--preset');
  });
});

describe('parseTrainerConfig errors', () => {
  const cases: [title: string, edit: (config: Record<string, any>) => void, parameter: string][] = [
    ['a wrong type', (c) => (c.model.width = '48'), 'config.model.width'],
    ['a non-integer where an integer is expected', (c) => (c.rl.groupSize = 4.5), 'config.rl.groupSize'],
    ['an unknown field', (c) => (c.rl.stepz = 3), 'config.rl.stepz'],
    ['an unknown top-level field', (c) => (c.extra = true), 'config.extra'],
    ['a missing field', (c) => delete c.eval.samples, 'config.eval.samples'],
    ['an out-of-range value (clip > 1)', (c) => (c.rl.clip = 1.5), 'config.rl.clip'],
    ['an out-of-range value (groupSize < 2)', (c) => (c.rl.groupSize = 1), 'config.rl.groupSize'],
    ['an out-of-range value (rho = 0)', (c) => (c.aepo.rho = 0), 'config.aepo.rho'],
    ['an out-of-range value (negative budget)', (c) => (c.aepo.budget.easy = -1), 'config.aepo.budget.easy'],
    ['a wrong version', (c) => (c.version = 2), 'config.version'],
    ['an unknown task kind', (c) => (c.tasks.kinds = ['count', 'read']), 'config.tasks.kinds[1]'],
    ['a level range above MAX_LEVEL', (c) => (c.tasks.levels.count = [1, MAX_LEVEL.count + 1]), 'config.tasks.levels.count[1]'],
    ['an arithmetic level above MAX_LEVEL', (c) => (c.tasks.levels.arithmetic = [2, MAX_LEVEL.arithmetic + 1]), 'config.tasks.levels.arithmetic[1]'],
    ['a level range with low > high', (c) => (c.tasks.levels.add = [3, 2]), 'config.tasks.levels.add'],
    ['a level 0', (c) => (c.tasks.levels.count = [0, 2]), 'config.tasks.levels.count[0]'],
    ['a branch budget equal to groupSize', (c) => (c.aepo.budget.hard = c.rl.groupSize), 'config.aepo.budget.hard'],
    ['a branch budget above groupSize', (c) => (c.aepo.budget.medium = c.rl.groupSize + 3), 'config.aepo.budget.medium'],
    ['an all-zero verbosity mix', (c) => (c.base.verbosityMix = { terse: 0, steps: 0, recheck: 0 }), 'config.base.verbosityMix'],
    ['a width not divisible by heads', (c) => (c.model.width = 50), 'config.model.width'],
    ['a maxNewTokens that does not fit the context', (c) => (c.maxNewTokens = 200), 'config.maxNewTokens'],
  ];

  it.each(cases)('names the offending field for %s', (_title, edit, parameter) => {
    const error = expectAresError(() => parseTrainerConfig(smokeWith(edit)), 'INVALID_ARGUMENT', parameter);
    expect(error.parameter).toBe(parameter);
  });

  it('reports the offending value', () => {
    expect(expectAresError(() => parseTrainerConfig(smokeWith((c) => (c.model.width = '48'))), 'INVALID_ARGUMENT').value).toBe('48');
    expect(expectAresError(() => parseTrainerConfig(smokeWith((c) => (c.aepo.budget.hard = 6))), 'INVALID_ARGUMENT').value).toBe(6);
    expect(expectAresError(() => parseTrainerConfig(smokeWith((c) => (c.maxNewTokens = 200))), 'INVALID_ARGUMENT').value).toBe(200);
  });

  it('accepts a branch budget of groupSize − 1 and a mix with a single positive weight', () => {
    const config = smokeWith((c) => {
      c.aepo.budget = { easy: c.rl.groupSize - 1, medium: 0, hard: c.rl.groupSize - 1 };
      c.base.verbosityMix = { terse: 0, steps: 0, recheck: 0.1 };
    });
    expect(() => parseTrainerConfig(config)).not.toThrow();
  });

  it('accepts maxNewTokens exactly up to the context and rejects one more', () => {
    // smoke: context 96, arithmetic up to level 4 → BOS + 11 prompt tokens, 16 image positions.
    const fits = PRESETS.smoke.model.context - IMAGE_PREFIX - 12;
    expect(fits).toBe(68);
    expect(parseTrainerConfig(smokeWith((c) => (c.maxNewTokens = fits))).maxNewTokens).toBe(fits);
    expectAresError(() => parseTrainerConfig(smokeWith((c) => (c.maxNewTokens = fits + 1))), 'INVALID_ARGUMENT', 'config.maxNewTokens');
  });

  it('throws INVALID_ARGUMENT naming config for a value that is not an object', () => {
    expectAresError(() => parseTrainerConfig(null), 'INVALID_ARGUMENT', 'config');
    expectAresError(() => parseTrainerConfig([]), 'INVALID_ARGUMENT', 'config');
  });
});

describe('longestPrompt', () => {
  const tokenizer = new Tokenizer();

  /** The longest BOS-prefixed prompt of many generated problems of every configured kind and level. */
  function measuredLongest(tasks: TrainerConfig['tasks']): number {
    const random = createRng('longest-prompt');
    let longest = 0;
    for (const kind of tasks.kinds) {
      const [low, high] = tasks.levels[kind];
      for (let level = low; level <= high; level++) {
        for (let draw = 0; draw < 40; draw++) longest = Math.max(longest, 1 + tokenizer.encode(generateProblem(kind, level, random).prompt).length);
      }
    }
    return longest;
  }

  it('counts BOS + 1+2+3+4=? as 10 tokens for arithmetic levels [1, 3]', () => {
    // A worst-case prompt at level 3 spelled out: start digit, three operator–digit pairs, '=' and '?'.
    expect(1 + tokenizer.encode('1+2+3+4=?').length).toBe(10);
    const tasks: TrainerConfig['tasks'] = { kinds: ['arithmetic'], levels: { arithmetic: [1, 3], count: [1, 1], add: [1, 1] } };
    expect(longestPrompt({ tasks })).toBe(10);
    expect(measuredLongest(tasks)).toBe(10);
  });

  it('counts a visual prompt (count ?, add ?) as BOS + 3 tokens', () => {
    expect(1 + tokenizer.encode('count ?').length).toBe(4);
    expect(1 + tokenizer.encode('add ?').length).toBe(4);
    const tasks: TrainerConfig['tasks'] = { kinds: ['count', 'add'], levels: { arithmetic: [1, 8], count: [1, 9], add: [1, 6] } };
    expect(longestPrompt({ tasks })).toBe(4);
    expect(measuredLongest(tasks)).toBe(4);
  });

  const configurations: [string, TrainerConfig['tasks']][] = [
    ...(Object.keys(PRESETS) as (keyof typeof PRESETS)[]).map((name) => [`preset ${name}`, PRESETS[name].tasks] as [string, TrainerConfig['tasks']]),
    ['arithmetic at level 1 only', { kinds: ['arithmetic', 'count'], levels: { arithmetic: [1, 1], count: [1, 2], add: [1, 1] } }],
    ['every kind at its maximum', { kinds: [...TASK_KINDS] as TaskKind[], levels: { arithmetic: [MAX_LEVEL.arithmetic, MAX_LEVEL.arithmetic], count: [MAX_LEVEL.count, MAX_LEVEL.count], add: [MAX_LEVEL.add, MAX_LEVEL.add] } }],
  ];

  it.each(configurations)('equals the longest encoded prompt of generated problems for %s', (_name, tasks) => {
    expect(longestPrompt({ tasks })).toBe(measuredLongest(tasks));
  });
});
