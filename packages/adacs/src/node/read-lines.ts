import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { AresError } from '@ares/core';

/**
 * Reads a text file line by line (LF or CRLF, a leading BOM removed) and calls `onLine` with each line and its
 * 1-based number, awaiting it when it returns a promise (backpressure); I/O errors become `IO` errors naming `parameter`.
 * @internal
 */
export async function readLines(path: string, parameter: string, onLine: (line: string, lineNumber: number) => void | Promise<void>): Promise<number> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      const pending = onLine(lineNumber === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line, lineNumber);
      if (pending !== undefined) await pending;
    }
  } catch (cause) {
    if (AresError.isInstance(cause)) throw cause;
    throw new AresError({ code: 'IO', parameter, value: path, message: `${parameter}: cannot read ${path}: ${(cause as Error).message}`, cause });
  } finally {
    lines.close();
    stream.destroy();
  }
  return lineNumber;
}
