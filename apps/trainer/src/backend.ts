import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AresError, assertInteger, assertOneOf } from '@ares/core';
import './register-gradients';

/** A compute backend the trainer can run on. */
export type BackendName = 'wasm' | 'cpu' | 'webgpu' | 'tensorflow' | 'tensorflow-gpu';

/** Every {@link BackendName}, the default first. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['wasm', 'cpu', 'webgpu', 'tensorflow', 'tensorflow-gpu']);

/** Loads a module by specifier (a dynamic `import()` by default). */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /**
   * Threads of the wasm backend. tfjs enables its threaded build only where the runtime supports it (browsers with
   * cross-origin isolation); under Node tfjs always runs single-threaded (tensorflow/tfjs#3830), so the value is a
   * request and {@link BackendInfo.threads} reports what was granted. `undefined` lets tfjs choose.
   * @default undefined
   */
  readonly threads?: number;
  /**
   * Arguments of the `webgpu` package's `create()` (Dawn toggles), e.g. `['backend=opengles']` for Mesa.
   * @default []
   */
  readonly dawnOptions?: readonly string[];
  /**
   * The WebGPU adapter feature level; `'compatibility'` reaches OpenGL ES software renderers.
   * @default 'core'
   */
  readonly webgpuFeatureLevel?: 'core' | 'compatibility';
  /**
   * How optional backends (`webgpu`, `@tensorflow/tfjs-backend-webgpu`, `@tensorflow/tfjs-node`,
   * `@tensorflow/tfjs-node-gpu`) are loaded. They are never dependencies of the trainer: the user installs them.
   * @default specifier => import(specifier)
   */
  readonly importModule?: ModuleLoader;
}

/** Defaults of {@link SetupBackendOptions}. */
export const DEFAULT_SETUP_BACKEND_OPTIONS: Readonly<{
  dawnOptions: readonly string[];
  webgpuFeatureLevel: 'core' | 'compatibility';
  importModule: ModuleLoader;
}> = Object.freeze({
  dawnOptions: Object.freeze([]) as readonly string[],
  webgpuFeatureLevel: 'core',
  importModule: (specifier: string) => import(/* @vite-ignore */ specifier) as Promise<unknown>,
});

/** What {@link setupBackend} activated. */
export interface BackendInfo {
  /** The requested backend. */
  readonly name: BackendName;
  /** `tf.getBackend()` afterwards (`tensorflow` for both tfjs-node flavours). */
  readonly tfBackend: string;
  /** Threads in use (1 except for a threaded wasm build). */
  readonly threads: number;
  /** One line for the start of a run, e.g. `wasm (SIMD, 1 thread)`. */
  readonly description: string;
}

/** The tfjs backend name behind each trainer backend. */
const TF_BACKEND: Readonly<Record<BackendName, string>> = Object.freeze({
  wasm: 'wasm',
  cpu: 'cpu',
  webgpu: 'webgpu',
  tensorflow: 'tensorflow',
  'tensorflow-gpu': 'tensorflow',
});

/**
 * Activates a tfjs backend for the trainer and checks that tfjs really switched to it.
 *
 * `wasm` (the default on CPU) loads `@tensorflow/tfjs-backend-wasm` with its `.wasm` binaries located in
 * `node_modules`; `cpu` is the plain-JavaScript reference; `webgpu` loads Dawn from the npm package `webgpu` and
 * `@tensorflow/tfjs-backend-webgpu`; `tensorflow` / `tensorflow-gpu` load `@tensorflow/tfjs-node` /
 * `@tensorflow/tfjs-node-gpu`. The last three are optional and loaded only on request.
 *
 * @param name - the backend; one of {@link BACKEND_NAMES}
 * @param options - wasm threads, Dawn options, the module loader
 * @returns what was activated
 * @throws {AresError} `UNSUPPORTED` (parameter `backend`) for an unknown name, an optional backend that is not
 *   installed or fails to load, a WebGPU runtime without an adapter, or when tfjs does not end up on the requested
 *   backend (tfjs falls back silently); `INVALID_ARGUMENT` when `options.threads` is not a positive integer
 * @remarks
 * The app's gradient registrations (tfjs-core's Node entry has none) are imported with this module.
 * @example
 * ```ts
 * const info = await setupBackend('wasm');
 * console.log(info.description); // wasm (SIMD, 1 thread)
 * ```
 * @see SPEC.md §2.9; shared/gpu/README.md for WebGPU under Node
 */
export async function setupBackend(name: BackendName = 'wasm', options: SetupBackendOptions = {}): Promise<BackendInfo> {
  assertOneOf(name, BACKEND_NAMES, 'backend');
  if (options.threads !== undefined) assertInteger(options.threads, 'options.threads');
  const importModule = options.importModule ?? DEFAULT_SETUP_BACKEND_OPTIONS.importModule;
  switch (name) {
    case 'cpu':
      // A dynamic import: bundlers drop a bare `import '@tensorflow/tfjs-backend-cpu'` (its package.json lists no
      // side effects for the Node entry).
      await import('@tensorflow/tfjs-backend-cpu');
      await activateBackend('cpu', name);
      return { name, tfBackend: 'cpu', threads: 1, description: 'cpu (JavaScript reference)' };
    case 'wasm':
      return setupWasm(options.threads);
    case 'webgpu':
      return setupWebgpu(options, importModule);
    case 'tensorflow':
    case 'tensorflow-gpu':
      return setupTensorflow(name, importModule);
  }
}

async function setupWasm(threads: number | undefined): Promise<BackendInfo> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (tf.engine().registryFactory['wasm'] === undefined) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'backend', value: 'wasm', message: 'setupBackend: @tensorflow/tfjs-backend-wasm did not register a "wasm" backend' });
  }
  if (tf.findBackend('wasm') === null) {
    // Before the first initialisation only: point Emscripten at the binaries inside node_modules (a file-system
    // prefix under Node), wherever the importing code was bundled to.
    const require = createRequire(import.meta.url);
    const binary = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
    wasm.setWasmPaths(`${dirname(binary)}/`);
    if (threads !== undefined) wasm.setThreadsCount(threads);
  }
  await activateBackend('wasm', 'wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const granted = wasm.getThreadsCount();
  return {
    name: 'wasm',
    tfBackend: 'wasm',
    threads: granted,
    description: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${granted} thread${granted === 1 ? '' : 's'})`,
  };
}

async function setupWebgpu(options: SetupBackendOptions, importModule: ModuleLoader): Promise<BackendInfo> {
  const dawn = (await loadOptional(importModule, 'webgpu', 'webgpu', 'npm install webgpu @tensorflow/tfjs-backend-webgpu')) as {
    create?: (flags: string[]) => GpuLike;
    globals?: Record<string, unknown>;
  };
  if (typeof dawn.create !== 'function') {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'backend', value: 'webgpu', message: 'setupBackend: the "webgpu" package has no create() export' });
  }
  const featureLevel = options.webgpuFeatureLevel ?? DEFAULT_SETUP_BACKEND_OPTIONS.webgpuFeatureLevel;
  assertOneOf(featureLevel, ['core', 'compatibility'], 'options.webgpuFeatureLevel');
  const gpu = dawn.create([...(options.dawnOptions ?? DEFAULT_SETUP_BACKEND_OPTIONS.dawnOptions)]);
  const navigatorGpu: GpuLike =
    featureLevel === 'compatibility'
      ? {
          requestAdapter: (request: Record<string, unknown> = {}) => gpu.requestAdapter({ ...request, featureLevel }),
          wgslLanguageFeatures: gpu.wgslLanguageFeatures,
        }
      : gpu;
  const adapter = (await navigatorGpu.requestAdapter({ powerPreference: 'high-performance' })) as AdapterLike | null;
  if (adapter === null || adapter === undefined) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'backend', value: 'webgpu', message: 'setupBackend: WebGPU found no adapter (no GPU or driver; try dawnOptions ["backend=opengles"] with webgpuFeatureLevel "compatibility")' });
  }
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals ?? {});
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: navigatorGpu }, configurable: true, writable: true });
  await loadOptional(importModule, '@tensorflow/tfjs-backend-webgpu', 'webgpu', 'npm install @tensorflow/tfjs-backend-webgpu');
  await activateBackend('webgpu', 'webgpu');
  const info = adapter.info ?? {};
  const device = [info.vendor, info.architecture, info.description].filter((part) => typeof part === 'string' && part.length > 0).join(' ');
  return { name: 'webgpu', tfBackend: 'webgpu', threads: 1, description: `webgpu (${device.length > 0 ? device : 'unknown adapter'})` };
}

async function setupTensorflow(name: 'tensorflow' | 'tensorflow-gpu', importModule: ModuleLoader): Promise<BackendInfo> {
  const specifier = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  await loadOptional(importModule, specifier, name, `npm install ${specifier}@4.22.0 (it downloads libtensorflow at install time)`);
  await activateBackend('tensorflow', name);
  return { name, tfBackend: 'tensorflow', threads: 1, description: `${name} (${specifier}, libtensorflow)` };
}

interface GpuLike {
  requestAdapter(request?: Record<string, unknown>): Promise<unknown>;
  readonly wgslLanguageFeatures?: unknown;
}

interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string };
}

async function loadOptional(importModule: ModuleLoader, specifier: string, backend: BackendName, install: string): Promise<unknown> {
  try {
    return await importModule(specifier);
  } catch (error) {
    const missing = isModuleNotFound(error, specifier);
    throw new AresError({
      code: 'UNSUPPORTED',
      parameter: 'backend',
      value: backend,
      cause: error,
      message: missing
        ? `setupBackend: backend "${backend}" needs the optional package ${specifier}, which is not installed (${install})`
        : `setupBackend: backend "${backend}" could not load ${specifier}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier.split('/')[0]!);
}

/**
 * `tf.setBackend(tfName)` and a check that tfjs really uses it afterwards (it falls back silently when a backend
 * fails to initialise).
 *
 * @internal
 */
export async function activateBackend(tfName: string, requested: string): Promise<void> {
  if (tf.engine().registryFactory[tfName] === undefined) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'backend', value: requested, message: `setupBackend: no tfjs backend "${tfName}" is registered` });
  }
  let switched: boolean;
  try {
    switched = await tf.setBackend(tfName);
    await tf.ready();
  } catch (error) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'backend', value: requested, cause: error, message: `setupBackend: tfjs backend "${tfName}" failed to initialise: ${String(error)}` });
  }
  const active = tf.getBackend();
  if (!switched || active !== tfName) {
    throw new AresError({
      code: 'UNSUPPORTED',
      parameter: 'backend',
      value: requested,
      message: `setupBackend: asked tfjs for "${tfName}" but it is running on "${active}" (the backend failed to initialise)`,
    });
  }
}
