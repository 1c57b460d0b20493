/**
 * Registers every gradient of tfjs-core (side effect only).
 *
 * tfjs-core's Node entry registers no gradients: `@tensorflow/tfjs` imports this module for its users. It is an ES
 * module with extension-less imports that Node cannot load on its own, so the tsup bundle inlines it
 * (`noExternal` in `tsup.config.ts`) and vitest transforms it. Both copies register into tfjs's global gradient
 * registry and use the global engine, so they serve the tfjs-core instance the rest of the app imports.
 *
 * @internal
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
