/**
 * Thrown inside a grader when its cooperative time budget is spent; caught by `verifyAnswer`.
 * @internal
 */
export class BudgetExceeded extends Error {
  constructor() {
    super('grader time budget exceeded');
    this.name = 'BudgetExceeded';
  }
}

/**
 * A cooperative time budget: long loops call `tick()`, which reads the clock every 256 calls and throws
 * {@link BudgetExceeded} once the deadline has passed. No worker, no signal: the grader stops itself.
 * @internal
 */
export class Budget {
  private readonly deadline: number;
  private counter = 0;

  constructor(milliseconds: number, private readonly now: () => number = defaultNow) {
    this.deadline = now() + milliseconds;
  }

  /** Counts one unit of work; every 256 units compares the clock with the deadline. */
  tick(units = 1): void {
    this.counter += units;
    if (this.counter >= 256) {
      this.counter = 0;
      if (this.now() > this.deadline) throw new BudgetExceeded();
    }
  }

  /** Compares the clock with the deadline now. */
  check(): void {
    if (this.now() > this.deadline) throw new BudgetExceeded();
  }
}

function defaultNow(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** A budget that never runs out (for internal callers that bound their own work). @internal */
export const UNLIMITED_BUDGET: Budget = new Budget(Number.POSITIVE_INFINITY);
