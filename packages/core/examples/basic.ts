import { AresError, createRng, neumaierSum } from '@ares/core';

console.log(neumaierSum([1, 1e100, 1, -1e100])); // 2 (a plain loop gives 0)
const random = createRng(42);
console.log(random() === createRng(42)()); // true: seeded, reproducible
try {
  createRng(1.5);
} catch (error) {
  if (AresError.isInstance(error)) console.log(error.code, error.parameter); // INVALID_ARGUMENT seed
}
