export { BENCH_MODEL_CONFIG, DEFAULT_MODEL_CONFIG, modelConfig, prefixLength } from './config';
export type { ImageEncoderConfig, ModelConfig, ModelConfigInput } from './config';
export { ATTENTION_KERNELS, DEFAULT_GATHER_GRADIENT, GATHER_GRADIENTS, gatherRows, matMul } from './ops';
export type { AttentionKernel, GatherGradient } from './ops';
export { INITIAL_STANDARD_DEVIATION, disposeParameters, initializeParameters, parameterCount, parameterShapes } from './parameters';
export type { ModelParameters } from './parameters';
export { KvCache, forward, forwardCached, imagePatches } from './transformer';
export type { ForwardCachedOptions, ForwardOptions, ModelInput } from './transformer';
