/**
 * Runs `fn` and asserts it throws an AresError (recognised by its `Symbol.for('ares.error')` marker, so this
 * helper needs no dependency on `@ares/core`) with the given code and, when given, parameter.
 * Returns the error for further checks.
 */
export function expectAresError(
  fn: () => unknown,
  code: string,
  parameter?: string,
): Error & { code: string; parameter?: string; value?: unknown } {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`expected an AresError with code ${code}, but nothing was thrown`);
  const marked =
    typeof thrown === 'object' && thrown !== null && (thrown as Record<symbol, unknown>)[Symbol.for('ares.error')] === true;
  if (!marked) throw new Error(`expected an AresError with code ${code}, got ${String(thrown)}`);
  const error = thrown as Error & { code: string; parameter?: string; value?: unknown };
  if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
  if (parameter !== undefined && error.parameter !== parameter) {
    throw new Error(`expected parameter ${parameter}, got ${String(error.parameter)}: ${error.message}`);
  }
  return error;
}
