import fc from 'fast-check';

/** Seed of every property test; replay a failure with `FC_SEED=<seed> npx vitest run`. */
export const PROPERTY_SEED = Number(process.env['FC_SEED'] ?? 20_251_009);

fc.configureGlobal({ seed: PROPERTY_SEED, numRuns: 100 });
