export { expectAllClose, FLOAT32, FLOAT64, REFERENCE, TFJS_CPU } from './expect-all-close';
export type { Tolerance } from './expect-all-close';
export { loadFixture } from './fixtures';
export type { Fixture } from './fixtures';
export { entropySequence, finiteFloat32Array, logitsMatrix } from './arbitraries';
export { expectAresError } from './expect-ares-error';
export { README_EXAMPLE_MAX_LINES, runReadmeExample } from './readme-example';
