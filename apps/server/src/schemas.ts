import { z } from 'zod';

/** A finite JSON number. */
const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const nonNegative = finite.refine((value) => value >= 0, { message: 'expected a finite number ≥ 0' });
const bucket = z.enum(['easy', 'medium', 'hard']);

/** OpenRLHF remote reward request (SPEC §4.1). */
export const openRlhfRequestSchema = z
  .object({
    query: z.array(z.string()),
    prompts: z.array(z.string()),
    labels: z.array(z.string()),
  })
  .superRefine((body, context) => {
    for (const field of ['prompts', 'labels'] as const) {
      if (body[field].length !== body.query.length) {
        context.addIssue({ code: 'custom', path: [field], message: `length ${body[field].length} differs from query length ${body.query.length}` });
      }
    }
  });

/**
 * The optional shaping information of an OpenRLHF label given as JSON:
 * `{"answer": "42", "bucket": "hard", "hwe_count": 12, "target": 10, "alpha": 0.5}`.
 */
export const shapingLabelSchema = z.object({
  answer: z.string(),
  bucket,
  hwe_count: nonNegative,
  target: nonNegative,
  alpha: nonNegative,
});

/** Shaping fields verl may pass in `extra_info` (all four or none). */
const verlExtraInfoSchema = z
  .object({
    bucket: bucket.optional(),
    hwe_count: nonNegative.optional(),
    target: nonNegative.optional(),
    alpha: nonNegative.optional(),
  })
  .loose()
  .superRefine((info, context) => {
    const present = (['bucket', 'hwe_count', 'target', 'alpha'] as const).filter((key) => info[key] !== undefined);
    if (present.length !== 0 && present.length !== 4) {
      const missing = (['bucket', 'hwe_count', 'target', 'alpha'] as const).find((key) => info[key] === undefined)!;
      context.addIssue({ code: 'custom', path: [missing], message: 'bucket, hwe_count, target and alpha come together' });
    }
  });

/** verl custom reward item (SPEC §4.2). */
export const verlItemSchema = z.object({
  data_source: z.string(),
  solution_str: z.string(),
  ground_truth: z.string(),
  extra_info: verlExtraInfoSchema.nullable().optional(),
});

/** verl batch: an array of items. */
export const verlRequestSchema = z.array(verlItemSchema).min(1);

/** EasyR1 / released ARES batch reward item (SPEC §4.3); `difficulty` is required, never defaulted. */
export const easyR1ItemSchema = z
  .object({
    response: z.string(),
    response_length: z.number().int().nonnegative().optional(),
    ground_truth: z.string(),
    difficulty: bucket,
    high_entropy_token_num: nonNegative,
    target_high_entropy_token_num: nonNegative,
    alpha_entropy: nonNegative,
  })
  .loose();

/** EasyR1 batch: an array of items. */
export const easyR1RequestSchema = z.array(easyR1ItemSchema).min(1);

const numbers = z.array(finite);

/** One rollout of `/v1/aepo/step` (an `AepoRollout` in JSON). */
export const aepoRolloutSchema = z.object({
  promptId: z.union([z.string(), finite]),
  correct: z.union([z.boolean(), z.literal(0), z.literal(1)]),
  entropies: z.array(nonNegative).optional(),
  topLogProbs: z.array(z.array(z.number())).optional(),
  tokens: z.array(z.string()).optional(),
  logProbs: numbers.optional(),
  referenceLogProbs: numbers.optional(),
});

/** `/v1/aepo/step` request: `{rollouts: [...]}`. */
export const aepoStepRequestSchema = z.object({ rollouts: z.array(aepoRolloutSchema).min(1) });

/** The field a zod error names, as `a.b[0].c`; `body` for the root. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = 'body';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}
