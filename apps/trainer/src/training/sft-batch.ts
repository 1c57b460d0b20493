import { AresError, assertInteger, assertNonEmpty } from '@ares/core';

/** One supervised example: a prompt, the response to imitate and, for visual problems, the image. */
export interface SftExample {
  /** Prompt token ids (without the beginning-of-sequence token). */
  readonly prompt: ArrayLike<number>;
  /** Response token ids, usually ending with the end-of-sequence token. */
  readonly response: ArrayLike<number>;
  /** Row-major grayscale pixels, for a model with an image encoder. */
  readonly image?: Float32Array;
}

/** A padded, masked batch for next-token training. */
export interface SftBatch {
  /** Rows in the batch. */
  readonly batch: number;
  /** Text positions per row. */
  readonly length: number;
  /** `[batch·length]` input ids: BOS, prompt, response, then padding. */
  readonly tokens: Int32Array;
  /** `[batch·length]` the id each position must predict (the next input id; padding where none). */
  readonly targets: Int32Array;
  /** `[batch·length]` 1 where the target is a response token (the loss counts these only), else 0. */
  readonly mask: Float32Array;
  /** `[batch·size²]` images in row order, when the examples have them. */
  readonly images?: Float32Array;
}

/** Token ids the batch builder needs. */
export interface SftBatchTokens {
  /** Beginning-of-sequence id, prepended to every row. */
  readonly bosId: number;
  /** Padding id. */
  readonly padId: number;
}

/**
 * Packs examples into one right-padded batch: row r holds [BOS, prompt…, response…, PAD…]; position t predicts
 * token t + 1, and only predictions of response tokens count (mask 1).
 *
 * @param examples - the rows; either all with images of one size or none
 * @param length - text positions per row; every example must fit: 1 + |prompt| + |response| − 1 ≤ length
 * @param tokens - BOS and PAD ids
 * @returns the batch (new arrays)
 * @throws {AresError} `EMPTY_INPUT` (parameter `examples`) for no examples; `INVALID_ARGUMENT` (parameter
 *   `length`) when an example does not fit or `length` is not a positive integer; `SHAPE_MISMATCH` (parameter
 *   `examples`) when only some examples have images or their sizes differ
 */
export function buildSftBatch(examples: readonly SftExample[], length: number, tokens: SftBatchTokens): SftBatch {
  assertNonEmpty(examples.length, 'examples');
  assertInteger(length, 'length');
  const batch = examples.length;
  const withImages = examples.filter((example) => example.image !== undefined).length;
  const imageSize = examples[0]!.image?.length ?? 0;
  if ((withImages !== 0 && withImages !== batch) || examples.some((example) => (example.image?.length ?? 0) !== imageSize)) {
    throw new AresError({ code: 'SHAPE_MISMATCH', parameter: 'examples', value: withImages, message: `buildSftBatch: ${withImages} of ${batch} examples have images; a batch needs all (of one size) or none` });
  }
  const ids = new Int32Array(batch * length).fill(tokens.padId);
  const targets = new Int32Array(batch * length).fill(tokens.padId);
  const mask = new Float32Array(batch * length);
  const images = withImages === 0 ? undefined : new Float32Array(batch * imageSize);
  examples.forEach((example, row) => {
    const sequence = [tokens.bosId, ...Array.from(example.prompt), ...Array.from(example.response)];
    if (sequence.length - 1 > length) {
      throw new AresError({ code: 'INVALID_ARGUMENT', parameter: 'length', value: length, message: `buildSftBatch: example ${row} needs ${sequence.length - 1} positions, more than length ${length}` });
    }
    const base = row * length;
    const responseStart = 1 + example.prompt.length;
    for (let position = 0; position < sequence.length - 1; position++) {
      ids[base + position] = sequence[position]!;
      targets[base + position] = sequence[position + 1]!;
      if (position + 1 >= responseStart) mask[base + position] = 1;
    }
    if (images !== undefined) images.set(example.image!, row * imageSize);
  });
  return images === undefined ? { batch, length, tokens: ids, targets, mask } : { batch, length, tokens: ids, targets, mask, images };
}
