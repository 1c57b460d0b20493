import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ares/core';
import type { ModelConfig } from './config';

/** The model's trainable parameters by name (see {@link parameterShapes}). */
export type ModelParameters = Record<string, tf.Variable>;

/** Standard deviation of the normal initialisation of weight matrices and embeddings (GPT-2). */
export const INITIAL_STANDARD_DEVIATION = 0.02;

interface ParameterSpec {
  readonly shape: readonly number[];
  /** `zeros`, `ones`, or the standard deviation of a zero-mean normal. */
  readonly init: 'zeros' | 'ones' | number;
}

/**
 * Names and shapes of every parameter, in a fixed order: `token.embedding` [V, D], `position.embedding` [C, D],
 * with an image encoder `image.patch.weight` [p², D] and `image.patch.bias` [D]; per block l
 * `layer{l}.attention.norm.scale|bias` [D], `layer{l}.attention.qkv.weight` [D, 3D] (columns q | k | v, heads
 * contiguous inside each), `layer{l}.attention.output.weight` [D, D], `layer{l}.mlp.norm.scale|bias` [D],
 * `layer{l}.mlp.input.weight` [D, rD], `layer{l}.mlp.input.bias` [rD], `layer{l}.mlp.output.weight` [rD, D],
 * `layer{l}.mlp.output.bias` [D]; then `final.norm.scale|bias` [D] and `head.weight` [D, V].
 */
export function parameterShapes(config: ModelConfig): Map<string, readonly number[]> {
  return new Map([...parameterSpecs(config)].map(([name, spec]) => [name, spec.shape]));
}

function parameterSpecs(config: ModelConfig): Map<string, ParameterSpec> {
  const { vocabSize, width, layers, context, mlpRatio } = config;
  const hidden = mlpRatio * width;
  const residual = INITIAL_STANDARD_DEVIATION / Math.sqrt(2 * layers);
  const specs = new Map<string, ParameterSpec>();
  specs.set('token.embedding', { shape: [vocabSize, width], init: INITIAL_STANDARD_DEVIATION });
  specs.set('position.embedding', { shape: [context, width], init: INITIAL_STANDARD_DEVIATION });
  if (config.image !== null) {
    specs.set('image.patch.weight', { shape: [config.image.patch ** 2, width], init: INITIAL_STANDARD_DEVIATION });
    specs.set('image.patch.bias', { shape: [width], init: 'zeros' });
  }
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `layer${layer}`;
    specs.set(`${prefix}.attention.norm.scale`, { shape: [width], init: 'ones' });
    specs.set(`${prefix}.attention.norm.bias`, { shape: [width], init: 'zeros' });
    specs.set(`${prefix}.attention.qkv.weight`, { shape: [width, 3 * width], init: INITIAL_STANDARD_DEVIATION });
    specs.set(`${prefix}.attention.output.weight`, { shape: [width, width], init: residual });
    specs.set(`${prefix}.mlp.norm.scale`, { shape: [width], init: 'ones' });
    specs.set(`${prefix}.mlp.norm.bias`, { shape: [width], init: 'zeros' });
    specs.set(`${prefix}.mlp.input.weight`, { shape: [width, hidden], init: INITIAL_STANDARD_DEVIATION });
    specs.set(`${prefix}.mlp.input.bias`, { shape: [hidden], init: 'zeros' });
    specs.set(`${prefix}.mlp.output.weight`, { shape: [hidden, width], init: residual });
    specs.set(`${prefix}.mlp.output.bias`, { shape: [width], init: 'zeros' });
  }
  specs.set('final.norm.scale', { shape: [width], init: 'ones' });
  specs.set('final.norm.bias', { shape: [width], init: 'zeros' });
  specs.set('head.weight', { shape: [width, vocabSize], init: INITIAL_STANDARD_DEVIATION });
  return specs;
}

/**
 * Freshly initialised parameters: weights and embeddings ~ N(0, 0.02²), residual output projections
 * ~ N(0, (0.02/√(2·layers))²), norm scales 1, biases 0. The normal draws come from the seeded `@ares/core`
 * generator (Box–Muller), so the same seed gives the same model on every backend.
 *
 * @param config - a checked model configuration
 * @param seed - integer or string seed
 * @returns new trainable variables, owned by the caller (dispose them with {@link disposeParameters})
 */
export function initializeParameters(config: ModelConfig, seed: number | string): ModelParameters {
  const random = createRng(seed);
  const parameters: ModelParameters = {};
  for (const [name, spec] of parameterSpecs(config)) {
    const size = spec.shape.reduce((product, extent) => product * extent, 1);
    const values = new Float32Array(size);
    if (spec.init === 'ones') values.fill(1);
    else if (typeof spec.init === 'number') {
      for (let index = 0; index < size; index += 2) {
        // Box–Muller: two independent standard normals from two uniforms in (0, 1].
        const radius = Math.sqrt(-2 * Math.log(1 - random()));
        const angle = 2 * Math.PI * random();
        values[index] = spec.init * radius * Math.cos(angle);
        if (index + 1 < size) values[index + 1] = spec.init * radius * Math.sin(angle);
      }
    }
    const initial = tf.tensor(values, [...spec.shape], 'float32');
    parameters[name] = tf.variable(initial, true);
    initial.dispose();
  }
  return parameters;
}

/** Total number of scalar parameters. */
export function parameterCount(parameters: ModelParameters): number {
  return Object.values(parameters).reduce((total, variable) => total + variable.size, 0);
}

/** Disposes every variable of a parameter record. */
export function disposeParameters(parameters: ModelParameters): void {
  for (const variable of Object.values(parameters)) variable.dispose();
}
