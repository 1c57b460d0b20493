import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * tfjs-core's Node entry registers no gradients: `@tensorflow/tfjs` (and tfjs-node) import
 * `@tensorflow/tfjs-core/dist/register_all_gradients`, an ES module with extension-less imports that Node cannot
 * load directly. Tests need them (a user's pipeline has them through `@tensorflow/tfjs`), so we bundle that module
 * once with esbuild into node_modules/.cache and import it. The bundled copy registers into tfjs's global gradient
 * registry and uses the global engine, so it serves the tfjs-core instance that the packages import.
 */
async function registerAllGradients(): Promise<void> {
  const require = createRequire(import.meta.url);
  const corePackage = require.resolve('@tensorflow/tfjs-core/package.json');
  const version = (require(corePackage) as { version: string }).version;
  const root = dirname(dirname(dirname(corePackage))); // …/node_modules
  const cacheFile = join(root, '.cache', 'ares-testing', `tfjs-core-gradients-${version}.mjs`);
  if (!existsSync(cacheFile)) {
    const { buildSync } = await import('esbuild');
    mkdirSync(dirname(cacheFile), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    buildSync({
      entryPoints: [join(dirname(corePackage), 'dist', 'register_all_gradients.js')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: temporary,
      logLevel: 'silent',
    });
    renameSync(temporary, cacheFile);
  }
  await import(pathToFileURL(cacheFile).href);
}

await registerAllGradients();
await tf.setBackend('cpu');
await tf.ready();
