import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AresError } from '@ares/core';
import type { ModelParameters } from '../model/parameters';
import { exists, syncDirectory, writeDurably } from './files';

/** Version of the on-disk layout written by {@link saveCheckpoint}; {@link loadCheckpoint} accepts only this one. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The value of `manifest.json`'s `format` field. */
export const CHECKPOINT_FORMAT = 'ares-checkpoint';

/** File names inside a checkpoint directory. */
export const CHECKPOINT_FILES = Object.freeze({
  manifest: 'manifest.json',
  weights: 'weights.bin',
  optimizer: 'optimizer.bin',
  state: 'state.json',
});

/** What {@link saveCheckpoint} writes. */
export interface Checkpoint {
  /** The model's variables; their values are written in the record's key order. */
  readonly parameters: ModelParameters;
  /** The Adam optimiser that trains `parameters`, if its state should be kept. */
  readonly optimizer?: tf.AdamOptimizer | undefined;
  /** The caller's state (step, RNG state, data cursor, …); must survive `JSON.stringify`/`JSON.parse`. */
  readonly state: unknown;
}

/** One tensor read back from a checkpoint. */
export interface LoadedTensor {
  /** Shape, outermost extent first. */
  readonly shape: number[];
  /** Row-major float32 values (a new array). */
  readonly values: Float32Array;
}

/** One Adam slot variable read back from a checkpoint. */
export interface LoadedOptimizerVariable extends LoadedTensor {
  /** `<parameter name>/m` (first moment) or `<parameter name>/v` (second moment). */
  readonly name: string;
}

/** Adam's hyper-parameters and state read back from a checkpoint; input of {@link restoreAdam}. */
export interface LoadedAdamState {
  /** Step size α. */
  readonly learningRate: number;
  /** First-moment decay β₁. */
  readonly beta1: number;
  /** Second-moment decay β₂. */
  readonly beta2: number;
  /** ε added to √v̂. */
  readonly epsilon: number;
  /** Number of `applyGradients` calls so far (tfjs `optimizer.iterations`). */
  readonly iterations: number;
  /** tfjs's float32 running product β₁^(t+1) (`accBeta1`), exactly as it was. */
  readonly accumulatedBeta1: number;
  /** tfjs's float32 running product β₂^(t+1) (`accBeta2`), exactly as it was. */
  readonly accumulatedBeta2: number;
  /** First moments of every parameter in tfjs's slot order, then the second moments in the same order. */
  readonly variables: LoadedOptimizerVariable[];
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  /** Parameter values by name, in the saved order. */
  readonly parameters: Record<string, LoadedTensor>;
  /** The Adam state, or `null` when the checkpoint was saved without an optimiser. */
  readonly optimizer: LoadedAdamState | null;
  /** The caller's state as `JSON.parse` returns it. */
  readonly state: unknown;
}

/**
 * Test hooks of {@link saveCheckpointWithHooks}: each runs at one point of the protocol; throwing there leaves the
 * files as a crash at that point would.
 * @internal
 */
export interface SaveCheckpointHooks {
  /** After the temporary directory is complete and synced, before anything is renamed. */
  readonly afterTemporaryWritten?: () => void;
  /** After the old checkpoint was renamed aside, before the new one is renamed into place. */
  readonly afterOldMovedAside?: () => void;
  /** After the new checkpoint is in place, before the old one is removed. */
  readonly afterNewMovedIn?: () => void;
}

interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  readonly byteOffset: number;
  readonly byteLength: number;
}

interface BinaryEntry {
  readonly file: string;
  readonly byteLength: number;
  readonly sha256: string;
  readonly tensors: TensorEntry[];
}

interface OptimizerEntry extends BinaryEntry {
  readonly type: 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly iterations: number;
  readonly accumulatedBeta1: number;
  readonly accumulatedBeta2: number;
}

interface Manifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly weights: BinaryEntry;
  readonly optimizer: OptimizerEntry | null;
  readonly state: { readonly file: string; readonly byteLength: number; readonly sha256: string };
}

/** The private fields of tfjs-core 4.22's `AdamOptimizer` that hold its state (see `optimizers/adam_optimizer.js`). */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  iterations_: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The paths the protocol of {@link saveCheckpoint} uses for `directory`.
 * @internal
 */
export function checkpointPaths(directory: string): { directory: string; parent: string; aside: string; temporaryPrefix: string } {
  const absolute = resolve(directory);
  const parent = dirname(absolute);
  const name = basename(absolute);
  return { directory: absolute, parent, aside: join(parent, `.${name}.old`), temporaryPrefix: `.${name}.tmp-` };
}

/**
 * Writes a training checkpoint atomically: after a crash at any moment (kill -9, power loss on a file system
 * that honours fsync) `directory` holds either the previous complete checkpoint or the new complete one.
 *
 * Layout of `directory`:
 * - `weights.bin`: every parameter's float32 values, little-endian, concatenated in the record's key order;
 * - `optimizer.bin` (with an optimiser): Adam's first moments in tfjs's slot order, then the second moments;
 * - `state.json`: `JSON.stringify(checkpoint.state)`;
 * - `manifest.json`: format name and version, each tensor's name, shape, byte offset and length, Adam's
 *   hyper-parameters, iteration count and float32 beta powers, and the sha256 and size of every other file.
 *
 * @param directory - the checkpoint directory (created with its parents when missing; replaced when present)
 * @param checkpoint - the parameters, the optional Adam optimiser and the caller's JSON state
 * @returns a promise that resolves once the new checkpoint is durable
 * @throws {AresError} `INVALID_ARGUMENT` (parameter `checkpoint.parameters`, `checkpoint.parameters.<name>`,
 *   `checkpoint.state` or `checkpoint.optimizer`) for a non-float32 or disposed variable, unserialisable state, or
 *   an optimiser whose slots do not belong to `parameters`; `UNSUPPORTED` (parameter `checkpoint.optimizer`) for
 *   an optimiser that is not tfjs-core 4.22's Adam; `IO` (parameter `directory`) when a file operation fails
 * @remarks
 * ## Protocol
 * With P the parent of `directory` and B its base name:
 * 1. recovery: when B is missing but `.B.old` exists, a previous save crashed between steps 4 and 5, so
 *    `.B.old` is renamed back to B ({@link loadCheckpoint} reads `.B.old` in place in that case); then leftover
 *    `.B.tmp-*` directories and `.B.old` are removed;
 * 2. every file is written into a fresh `P/.B.tmp-<pid>-<random>` and fsynced, then that directory is fsynced;
 * 3. `.B.old` is removed if it still exists;
 * 4. B (if present) is renamed to `.B.old`, and P is fsynced;
 * 5. the temporary directory is renamed to B, and P is fsynced — this rename is the commit point;
 * 6. `.B.old` is removed, and P is fsynced.
 *
 * Renames within one directory are atomic, so B, when it exists, is always a complete checkpoint; when it does
 * not, `.B.old` is the complete previous one. A crash leaves at most some `.B.tmp-*` and `.B.old` litter, which
 * the next save removes. One writer per directory: two concurrent saves to the same `directory` are not supported.
 * Do not change the variables or step the optimiser until the returned promise resolves.
 * @example
 * ```ts
 * await saveCheckpoint('runs/a/checkpoint', { parameters, optimizer, state: { step, rng: random.state() } })
 * ```
 */
export async function saveCheckpoint(directory: string, checkpoint: Checkpoint): Promise<void> {
  await saveCheckpointWithHooks(directory, checkpoint, {});
}

/**
 * {@link saveCheckpoint} with hooks between the protocol's steps, so tests can stop it where a crash would.
 * @internal
 */
export async function saveCheckpointWithHooks(directory: string, checkpoint: Checkpoint, hooks: SaveCheckpointHooks): Promise<void> {
  const paths = checkpointPaths(directory);
  const stateText = serialiseState(checkpoint.state);
  const weights = await collectWeights(checkpoint.parameters);
  const optimizer = checkpoint.optimizer === undefined ? null : await collectAdam(checkpoint.optimizer, checkpoint.parameters);

  await io(paths.directory, () => mkdir(paths.parent, { recursive: true }));
  await recoverCheckpoint(paths.directory);

  const temporary = join(paths.parent, `${paths.temporaryPrefix}${process.pid}-${randomBytes(6).toString('hex')}`);
  await io(paths.directory, async () => {
    try {
      await mkdir(temporary);
      const stateBytes = Buffer.from(stateText, 'utf8');
      await writeDurably(join(temporary, CHECKPOINT_FILES.weights), weights.bytes);
      if (optimizer !== null) await writeDurably(join(temporary, CHECKPOINT_FILES.optimizer), optimizer.bytes);
      await writeDurably(join(temporary, CHECKPOINT_FILES.state), stateBytes);
      const manifest: Manifest = {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_FORMAT_VERSION,
        weights: { file: CHECKPOINT_FILES.weights, byteLength: weights.bytes.byteLength, sha256: sha256(weights.bytes), tensors: weights.tensors },
        optimizer: optimizer === null ? null : { file: CHECKPOINT_FILES.optimizer, byteLength: optimizer.bytes.byteLength, sha256: sha256(optimizer.bytes), ...optimizer.entry },
        state: { file: CHECKPOINT_FILES.state, byteLength: stateBytes.byteLength, sha256: sha256(stateBytes) },
      };
      await writeDurably(join(temporary, CHECKPOINT_FILES.manifest), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
      await syncDirectory(temporary);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  });
  hooks.afterTemporaryWritten?.();

  await io(paths.directory, async () => {
    await rm(paths.aside, { recursive: true, force: true });
    if (await exists(paths.directory)) {
      await rename(paths.directory, paths.aside);
      await syncDirectory(paths.parent);
    }
  });
  hooks.afterOldMovedAside?.();

  await io(paths.directory, async () => {
    await rename(temporary, paths.directory);
    await syncDirectory(paths.parent);
  });
  hooks.afterNewMovedIn?.();

  await io(paths.directory, async () => {
    await rm(paths.aside, { recursive: true, force: true });
    await syncDirectory(paths.parent);
  });
}

/**
 * Brings `directory` back to a complete checkpoint after an interrupted {@link saveCheckpoint}: restores the
 * renamed-aside old copy when `directory` is missing, and removes leftovers when it exists.
 *
 * @param directory - the checkpoint directory
 * @returns `'intact'` when `directory` exists, `'restored'` when `.B.old` was renamed back, `'missing'` when
 *   neither exists
 * @throws {AresError} `IO` (parameter `directory`) when a file operation fails
 * @remarks
 * Only {@link saveCheckpoint} calls this (it deletes other writers' temporary directories); {@link loadCheckpoint}
 * reads the old copy in place instead, so that readers never change the files.
 * @internal
 */
export async function recoverCheckpoint(directory: string): Promise<'intact' | 'restored' | 'missing'> {
  const paths = checkpointPaths(directory);
  return io(paths.directory, async () => {
    let outcome: 'intact' | 'restored' | 'missing' = 'intact';
    if (!(await exists(paths.directory))) {
      if (!(await exists(paths.aside))) return 'missing';
      await rename(paths.aside, paths.directory);
      await syncDirectory(paths.parent);
      outcome = 'restored';
    }
    const entries = await readdir(paths.parent).catch(() => [] as string[]);
    const leftovers = entries.filter((entry) => entry.startsWith(paths.temporaryPrefix) || join(paths.parent, entry) === paths.aside);
    for (const entry of leftovers) await rm(join(paths.parent, entry), { recursive: true, force: true });
    if (leftovers.length > 0) await syncDirectory(paths.parent);
    return outcome;
  });
}

/**
 * Reads and validates a checkpoint written by {@link saveCheckpoint}.
 *
 * @param directory - the checkpoint directory; when it is missing but the renamed-aside old copy (`.B.old`, see
 *   {@link saveCheckpoint}) exists, a save crashed between its renames and that complete copy is read in place
 *   (the next save renames it back)
 * @returns the parameter values by name, the Adam state (or `null`) and the caller's state; no tensors are created
 * @throws {AresError} `IO` (parameter `directory`) when neither `directory` nor its old copy exists, (parameter
 *   the file's path) when a file cannot be read; `INVALID_STATE` with parameter the file name (`manifest.json`,
 *   `weights.bin`, `optimizer.bin`, `state.json`) when a file is missing, malformed, of another format version,
 *   of the wrong size or fails its sha256 check (the message says which)
 * @remarks
 * Loading never changes the files, so a reader (an evaluator) may run beside the trainer; a load that overlaps
 * a save to the same directory can mix files of two checkpoints and then fails its sha256 check
 * (`INVALID_STATE`), in which case reading again gives the new checkpoint.
 * @example
 * ```ts
 * const loaded = await loadCheckpoint('runs/a/checkpoint')
 * restoreParameters(parameters, loaded)
 * const optimizer = restoreAdam(loaded.optimizer!, parameters)
 * ```
 */
export async function loadCheckpoint(directory: string): Promise<LoadedCheckpoint> {
  const paths = checkpointPaths(directory);
  let source: string;
  try {
    if (await exists(paths.directory)) source = paths.directory;
    else if (await exists(paths.aside)) source = paths.aside;
    else throw new AresError({ code: 'IO', parameter: 'directory', value: directory, message: `loadCheckpoint: no checkpoint at ${paths.directory}` });
  } catch (error) {
    if (AresError.isInstance(error)) throw error;
    throw new AresError({ code: 'IO', parameter: 'directory', value: directory, message: `loadCheckpoint: ${(error as Error).message}`, cause: error });
  }

  const manifestBytes = await readPart(source, CHECKPOINT_FILES.manifest);
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestBytes.toString('utf8'));
  } catch (error) {
    throw invalid(CHECKPOINT_FILES.manifest, 'not valid JSON', undefined, error);
  }
  const manifest = validateManifest(parsed);

  const weightBytes = await readPart(source, CHECKPOINT_FILES.weights);
  checkBinary(CHECKPOINT_FILES.weights, weightBytes, manifest.weights);
  const parameters: Record<string, LoadedTensor> = {};
  for (const entry of manifest.weights.tensors) {
    parameters[entry.name] = { shape: [...entry.shape], values: decodeFloat32(weightBytes, entry.byteOffset, entry.byteLength / 4) };
  }

  let optimizer: LoadedAdamState | null = null;
  if (manifest.optimizer !== null) {
    const entry = manifest.optimizer;
    const bytes = await readPart(source, CHECKPOINT_FILES.optimizer);
    checkBinary(CHECKPOINT_FILES.optimizer, bytes, entry);
    optimizer = {
      learningRate: entry.learningRate,
      beta1: entry.beta1,
      beta2: entry.beta2,
      epsilon: entry.epsilon,
      iterations: entry.iterations,
      accumulatedBeta1: entry.accumulatedBeta1,
      accumulatedBeta2: entry.accumulatedBeta2,
      variables: entry.tensors.map((tensor) => ({ name: tensor.name, shape: [...tensor.shape], values: decodeFloat32(bytes, tensor.byteOffset, tensor.byteLength / 4) })),
    };
  }

  const stateBytes = await readPart(source, CHECKPOINT_FILES.state);
  if (stateBytes.byteLength !== manifest.state.byteLength) {
    throw invalid(CHECKPOINT_FILES.state, `size ${stateBytes.byteLength} bytes, the manifest says ${manifest.state.byteLength}`, stateBytes.byteLength);
  }
  const stateHash = sha256(stateBytes);
  if (stateHash !== manifest.state.sha256) throw invalid(CHECKPOINT_FILES.state, 'sha256 mismatch', { expected: manifest.state.sha256, actual: stateHash });
  let state: unknown;
  try {
    state = JSON.parse(stateBytes.toString('utf8'));
  } catch (error) {
    throw invalid(CHECKPOINT_FILES.state, 'not valid JSON', undefined, error);
  }
  return { parameters, optimizer, state };
}

/**
 * Assigns a loaded checkpoint's values into existing variables (for example fresh ones from
 * `initializeParameters`), after checking that names and shapes match exactly.
 *
 * @param parameters - the variables to overwrite; every one must be in the checkpoint and vice versa
 * @param loaded - a checkpoint from {@link loadCheckpoint} (only `parameters` is read)
 * @returns nothing; nothing is assigned when a check fails
 * @throws {AresError} `SHAPE_MISMATCH` (parameter the parameter's name) when a variable is missing from the
 *   checkpoint, a saved parameter has no variable, or the shapes differ
 */
export function restoreParameters(parameters: ModelParameters, loaded: Pick<LoadedCheckpoint, 'parameters'>): void {
  for (const [name, variable] of Object.entries(parameters)) {
    const saved = loaded.parameters[name];
    if (saved === undefined) {
      throw new AresError({ code: 'SHAPE_MISMATCH', parameter: name, value: variable.shape, message: `restoreParameters: parameter ${name} is not in the checkpoint` });
    }
    if (!sameShape(saved.shape, variable.shape)) {
      throw new AresError({ code: 'SHAPE_MISMATCH', parameter: name, value: saved.shape, message: `restoreParameters: ${name} has shape [${saved.shape.join(', ')}] in the checkpoint and [${variable.shape.join(', ')}] in the model` });
    }
  }
  for (const name of Object.keys(loaded.parameters)) {
    if (parameters[name] === undefined) {
      throw new AresError({ code: 'SHAPE_MISMATCH', parameter: name, value: loaded.parameters[name]!.shape, message: `restoreParameters: the checkpoint has parameter ${name}, the model does not` });
    }
  }
  for (const [name, variable] of Object.entries(parameters)) {
    const saved = loaded.parameters[name]!;
    tf.tidy(() => variable.assign(tf.tensor(saved.values, saved.shape, 'float32')));
  }
}

/**
 * Creates an Adam optimiser in exactly the saved state, so that continuing training gives bit-identical results
 * to never having stopped.
 *
 * @param optimizer - `loaded.optimizer` from {@link loadCheckpoint}
 * @param parameters - the variables the optimiser will train (recommended): slot variables are then named after
 *   these variables and ordered as `tf.variableGrads` over `Object.values(parameters)` lists their gradients, as
 *   `sftStep` passes them; without it the saved slot order and names are kept
 * @returns a new `tf.AdamOptimizer` owned by the caller (dispose it)
 * @throws {AresError} `SHAPE_MISMATCH` (parameter `optimizer.variables`, or the parameter's name) when `parameters`
 *   is given and the slots do not cover it exactly or a shape differs
 * @remarks
 * tfjs-core 4.22's Adam keeps, besides its hyper-parameters, the running float32 products accBeta1 = β₁^(t+1)
 * and accBeta2 = β₂^(t+1) (updated by one float32 multiplication per step) and one m and one v slot per
 * variable, matched to gradients by position in `applyGradients`, not by name. Its own `setWeights` recomputes
 * the products as `pow(β, t + 1)`, which differs from the running product in the last bits (for β₂ = 0.999
 * already at t = 2), so this function writes the saved float32 products into the private `accBeta1`/`accBeta2`
 * variables and sets the slots and the iteration count directly. It depends on those private fields
 * (`accBeta1`, `accBeta2`, `accumulatedFirstMoment`, `accumulatedSecondMoment`, `iterations_`).
 * @example
 * ```ts
 * const optimizer = restoreAdam(loaded.optimizer!, parameters)
 * await sftStep(parameters, config, optimizer, batch)
 * ```
 */
export function restoreAdam(optimizer: LoadedAdamState, parameters?: ModelParameters): tf.AdamOptimizer {
  const half = optimizer.variables.length / 2;
  let first = optimizer.variables.slice(0, half).map((variable) => ({ name: variable.name, tensor: variable }));
  let second = optimizer.variables.slice(half).map((variable) => ({ name: variable.name, tensor: variable }));
  if (parameters !== undefined && optimizer.variables.length > 0) {
    const byVariableName = new Map(Object.entries(parameters).map(([name, variable]) => [variable.name, name] as const));
    // The order in which tf.variableGrads (and so applyGradients) will list the gradients.
    const gradientOrder = Object.keys(Object.fromEntries(Object.values(parameters).map((variable) => [variable.name, true])));
    if (half !== gradientOrder.length) {
      throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'optimizer.variables', value: half, message: `restoreAdam: the checkpoint has moments of ${half} parameters, the model has ${gradientOrder.length}` });
    }
    const firstByName = new Map(first.map((slot) => [slot.name, slot]));
    const secondByName = new Map(second.map((slot) => [slot.name, slot]));
    const reorderedFirst: typeof first = [];
    const reorderedSecond: typeof second = [];
    for (const variableName of gradientOrder) {
      const name = byVariableName.get(variableName)!;
      const shape = parameters[name]!.shape;
      const m = firstByName.get(`${name}/m`);
      const v = secondByName.get(`${name}/v`);
      if (m === undefined || v === undefined) {
        throw new AresError({ code: 'SHAPE_MISMATCH', parameter: name, value: null, message: `restoreAdam: the checkpoint has no Adam moments of parameter ${name}` });
      }
      for (const slot of [m, v]) {
        if (!sameShape(slot.tensor.shape, shape)) {
          throw new AresError({ code: 'SHAPE_MISMATCH', parameter: name, value: slot.tensor.shape, message: `restoreAdam: ${slot.name} has shape [${slot.tensor.shape.join(', ')}], the parameter [${shape.join(', ')}]` });
        }
      }
      reorderedFirst.push({ name: `${variableName}/m`, tensor: m.tensor });
      reorderedSecond.push({ name: `${variableName}/v`, tensor: v.tensor });
    }
    first = reorderedFirst;
    second = reorderedSecond;
  }
  const adam = tf.train.adam(optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon);
  const internals = adam as unknown as AdamInternals;
  tf.tidy(() => {
    internals.accBeta1.assign(tf.scalar(optimizer.accumulatedBeta1, 'float32'));
    internals.accBeta2.assign(tf.scalar(optimizer.accumulatedBeta2, 'float32'));
  });
  const slot = ({ name, tensor }: { name: string; tensor: LoadedTensor }): { originalName: string; variable: tf.Variable } => {
    const initial = tf.tensor(tensor.values, tensor.shape, 'float32');
    const variable = tf.variable(initial, false);
    initial.dispose();
    return { originalName: name, variable };
  };
  internals.accumulatedFirstMoment = first.map(slot);
  internals.accumulatedSecondMoment = second.map(slot);
  internals.iterations_ = optimizer.iterations;
  return adam;
}

// ---------------------------------------------------------------------------------------------------------------
// Saving helpers

function serialiseState(state: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(state);
  } catch (error) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'checkpoint.state', value: undefined, message: 'saveCheckpoint: the state cannot be serialised to JSON', cause: error });
  }
  if (text === undefined) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'checkpoint.state', value: state, message: 'saveCheckpoint: JSON.stringify(state) gives nothing (undefined or a function)' });
  }
  return text;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((extent, index) => extent === b[index]);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, extent) => product * extent, 1);
}

async function readFloat32(variable: tf.Variable, parameter: string): Promise<Float32Array> {
  if (variable.isDisposed) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: null, message: `saveCheckpoint: ${parameter} is disposed` });
  }
  if (variable.dtype !== 'float32') {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter, value: variable.dtype, message: `saveCheckpoint: ${parameter} is ${variable.dtype}, not float32` });
  }
  return (await variable.data()) as Float32Array;
}

function pack(tensors: { name: string; shape: number[]; values: Float32Array }[]): { bytes: Uint8Array; tensors: TensorEntry[] } {
  const total = tensors.reduce((sum, tensor) => sum + tensor.values.byteLength, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    if (LITTLE_ENDIAN) bytes.set(new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength), offset);
    else for (let index = 0; index < tensor.values.length; index++) view.setFloat32(offset + 4 * index, tensor.values[index]!, true);
    entries.push({ name: tensor.name, shape: tensor.shape, byteOffset: offset, byteLength: tensor.values.byteLength });
    offset += tensor.values.byteLength;
  }
  return { bytes, tensors: entries };
}

async function collectWeights(parameters: ModelParameters): Promise<{ bytes: Uint8Array; tensors: TensorEntry[] }> {
  const names = Object.keys(parameters);
  if (names.length === 0) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'checkpoint.parameters', value: 0, message: 'saveCheckpoint: no parameters' });
  }
  const values = await Promise.all(names.map((name) => readFloat32(parameters[name]!, `checkpoint.parameters.${name}`)));
  return pack(names.map((name, index) => ({ name, shape: [...parameters[name]!.shape], values: values[index]! })));
}

async function collectAdam(optimizer: tf.AdamOptimizer, parameters: ModelParameters): Promise<{ bytes: Uint8Array; entry: Omit<OptimizerEntry, 'file' | 'byteLength' | 'sha256'> }> {
  const internals = optimizer as unknown as Partial<AdamInternals>;
  if (
    typeof optimizer.getClassName !== 'function' ||
    optimizer.getClassName() !== 'Adam' ||
    !Array.isArray(internals.accumulatedFirstMoment) ||
    !Array.isArray(internals.accumulatedSecondMoment) ||
    internals.accBeta1 === undefined ||
    internals.accBeta2 === undefined
  ) {
    throw new AresError({ code: 'UNSUPPORTED', parameter: 'checkpoint.optimizer', value: typeof optimizer.getClassName === 'function' ? optimizer.getClassName() : null, message: 'saveCheckpoint: only tfjs-core 4.22 Adam optimisers can be saved' });
  }
  const config = optimizer.getConfig() as { learningRate: number; beta1: number; beta2: number; epsilon: number };
  // A slot's originalName is `<tfjs variable name>/m`; restoreAdam without parameters leaves `<parameter name>/m`.
  const byVariableName = new Map(Object.entries(parameters).map(([name, variable]) => [variable.name, name] as const));
  const parameterOf = (slotName: string, suffix: '/m' | '/v'): string => {
    const base = slotName.endsWith(suffix) ? slotName.slice(0, -suffix.length) : undefined;
    const name = base === undefined ? undefined : (byVariableName.get(base) ?? (parameters[base] !== undefined ? base : undefined));
    if (name === undefined) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'checkpoint.optimizer', value: slotName, message: `saveCheckpoint: the optimiser's slot ${slotName} belongs to no variable of checkpoint.parameters` });
    }
    return name;
  };
  const firstSlots = internals.accumulatedFirstMoment;
  const secondSlots = internals.accumulatedSecondMoment;
  if (firstSlots.length !== secondSlots.length) {
    throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'checkpoint.optimizer', value: [firstSlots.length, secondSlots.length], message: 'saveCheckpoint: the optimiser has different numbers of first and second moments' });
  }
  const slots = [
    ...firstSlots.map((slot) => ({ slot, name: `${parameterOf(slot.originalName, '/m')}/m` })),
    ...secondSlots.map((slot) => ({ slot, name: `${parameterOf(slot.originalName, '/v')}/v` })),
  ];
  const values = await Promise.all(slots.map(({ slot, name }) => readFloat32(slot.variable, `checkpoint.optimizer.${name}`)));
  const [accumulatedBeta1, accumulatedBeta2] = await Promise.all([internals.accBeta1.data(), internals.accBeta2.data()]);
  const packed = pack(slots.map(({ slot, name }, index) => ({ name, shape: [...slot.variable.shape], values: values[index]! })));
  return {
    bytes: packed.bytes,
    entry: {
      type: 'adam',
      learningRate: config.learningRate,
      beta1: config.beta1,
      beta2: config.beta2,
      epsilon: config.epsilon,
      iterations: optimizer.iterations,
      accumulatedBeta1: accumulatedBeta1[0]!,
      accumulatedBeta2: accumulatedBeta2[0]!,
      tensors: packed.tensors,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// File-system helpers

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function io<T>(directory: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (AresError.isInstance(error)) throw error;
    throw new AresError({ code: 'IO', parameter: 'directory', value: directory, message: `checkpoint ${directory}: ${(error as Error).message}`, cause: error });
  }
}

async function readPart(directory: string, file: string): Promise<Buffer> {
  try {
    return await readFile(join(directory, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw invalid(file, 'missing', join(directory, file), error);
    throw new AresError({ code: 'IO', parameter: join(directory, file), value: undefined, message: `loadCheckpoint: cannot read ${join(directory, file)}: ${(error as Error).message}`, cause: error });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading helpers

function invalid(file: string, problem: string, value?: unknown, cause?: unknown): AresError {
  return new AresError({ code: 'INVALID_STATE', parameter: file, value, message: `loadCheckpoint: ${file}: ${problem}`, ...(cause === undefined ? {} : { cause }) });
}

function decodeFloat32(bytes: Uint8Array, byteOffset: number, count: number): Float32Array {
  const values = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer).set(bytes.subarray(byteOffset, byteOffset + 4 * count));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, 4 * count);
    for (let index = 0; index < count; index++) values[index] = view.getFloat32(4 * index, true);
  }
  return values;
}

function checkBinary(file: string, bytes: Uint8Array, entry: BinaryEntry): void {
  if (bytes.byteLength !== entry.byteLength) throw invalid(file, `size ${bytes.byteLength} bytes, the manifest says ${entry.byteLength}`, bytes.byteLength);
  const actual = sha256(bytes);
  if (actual !== entry.sha256) throw invalid(file, 'sha256 mismatch', { expected: entry.sha256, actual });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateManifest(value: unknown): Manifest {
  const file = CHECKPOINT_FILES.manifest;
  const fail = (problem: string, received?: unknown): never => {
    throw invalid(file, problem, received);
  };
  if (!isRecord(value)) return fail('not a JSON object');
  if (value['format'] !== CHECKPOINT_FORMAT) fail(`format is ${JSON.stringify(value['format'])}, not "${CHECKPOINT_FORMAT}"`, value['format']);
  if (value['version'] !== CHECKPOINT_FORMAT_VERSION) fail(`format version ${JSON.stringify(value['version'])}, this reader knows ${CHECKPOINT_FORMAT_VERSION}`, value['version']);
  const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const isHash = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);

  const binary = (key: 'weights' | 'optimizer', expectedFile: string, suffixes: readonly string[] | null): BinaryEntry => {
    const entry = value[key];
    if (!isRecord(entry)) return fail(`${key} is not an object`);
    if (entry['file'] !== expectedFile) fail(`${key}.file is ${JSON.stringify(entry['file'])}, not "${expectedFile}"`);
    if (!isCount(entry['byteLength'])) fail(`${key}.byteLength is not a byte count`, entry['byteLength']);
    if (!isHash(entry['sha256'])) fail(`${key}.sha256 is not a hex sha256`, entry['sha256']);
    if (!Array.isArray(entry['tensors'])) return fail(`${key}.tensors is not an array`);
    const names = new Set<string>();
    let offset = 0;
    const tensors = entry['tensors'].map((tensor: unknown, index): TensorEntry => {
      const where = `${key}.tensors[${index}]`;
      if (!isRecord(tensor)) return fail(`${where} is not an object`);
      const { name, shape, byteOffset, byteLength } = tensor;
      if (typeof name !== 'string' || name.length === 0 || names.has(name)) fail(`${where}.name is empty, not a string or repeated`, name);
      if (suffixes !== null && !suffixes.some((suffix) => (name as string).endsWith(suffix))) fail(`${where}.name ${String(name)} is not a moment (…/m or …/v)`, name);
      names.add(name as string);
      if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`${where}.shape is not a list of extents`, shape);
      if (byteOffset !== offset) fail(`${where}.byteOffset is ${String(byteOffset)}, expected ${offset} (tensors are contiguous)`, byteOffset);
      if (byteLength !== 4 * elementCount(shape)) fail(`${where}.byteLength is ${String(byteLength)}, the shape needs ${4 * elementCount(shape)}`, byteLength);
      offset += byteLength as number;
      return { name: name as string, shape: shape as number[], byteOffset: byteOffset as number, byteLength: byteLength as number };
    });
    if (offset !== entry['byteLength']) fail(`${key}: the tensors take ${offset} bytes, byteLength says ${String(entry['byteLength'])}`);
    return { file: expectedFile, byteLength: entry['byteLength'] as number, sha256: entry['sha256'] as string, tensors };
  };

  const weights = binary('weights', CHECKPOINT_FILES.weights, null);
  if (weights.tensors.length === 0) fail('weights has no tensors');
  let optimizer: OptimizerEntry | null = null;
  if (value['optimizer'] !== null) {
    const base = binary('optimizer', CHECKPOINT_FILES.optimizer, ['/m', '/v']);
    const entry = value['optimizer'] as Record<string, unknown>;
    if (entry['type'] !== 'adam') fail(`optimizer.type is ${JSON.stringify(entry['type'])}, not "adam"`, entry['type']);
    const number = (field: string): number => {
      const x = entry[field];
      if (typeof x !== 'number' || !Number.isFinite(x)) return fail(`optimizer.${field} is not a finite number`, x);
      return x;
    };
    const float32 = (field: string): number => {
      const x = number(field);
      if (Math.fround(x) !== x) fail(`optimizer.${field} is not a float32 value`, x);
      return x;
    };
    if (!isCount(entry['iterations'])) fail('optimizer.iterations is not a count', entry['iterations']);
    if (base.tensors.length % 2 !== 0) fail(`optimizer has ${base.tensors.length} tensors; first and second moments come in pairs`);
    const half = base.tensors.length / 2;
    base.tensors.forEach((tensor, index) => {
      const suffix = index < half ? '/m' : '/v';
      if (!tensor.name.endsWith(suffix)) fail(`optimizer.tensors[${index}].name ${tensor.name}: first moments (…/m) must come first, then as many second moments (…/v)`, tensor.name);
    });
    optimizer = {
      ...base,
      type: 'adam',
      learningRate: number('learningRate'),
      beta1: number('beta1'),
      beta2: number('beta2'),
      epsilon: number('epsilon'),
      iterations: entry['iterations'] as number,
      accumulatedBeta1: float32('accumulatedBeta1'),
      accumulatedBeta2: float32('accumulatedBeta2'),
    };
  }
  const state = value['state'];
  if (!isRecord(state)) return fail('state is not an object');
  if (state['file'] !== CHECKPOINT_FILES.state) fail(`state.file is ${JSON.stringify(state['file'])}, not "${CHECKPOINT_FILES.state}"`);
  if (!isCount(state['byteLength'])) fail('state.byteLength is not a byte count', state['byteLength']);
  if (!isHash(state['sha256'])) fail('state.sha256 is not a hex sha256', state['sha256']);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_FORMAT_VERSION,
    weights,
    optimizer,
    state: { file: CHECKPOINT_FILES.state, byteLength: state['byteLength'] as number, sha256: state['sha256'] as string },
  };
}
