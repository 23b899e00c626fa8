export interface BoundedRunOptions {
  /** How many items run at once (>= 1). */
  concurrency: number;
  /** Once this many items failed, no further item starts; null = never halt. */
  failureBudget: number | null;
}

export interface BoundedRunHandlers<T, R> {
  work(item: T): Promise<R>;
  isFailure(result: R): boolean;
  /** The result for an item `work` threw on (work should not throw; this is the safety net). */
  failed(item: T, err: unknown): R;
  /** The result for an item that never started because the failure budget was spent. */
  skipped(item: T, reason: string): R;
  onStart?(item: T): void;
  onFinish?(result: R, item: T): void;
}

/**
 * Runs `work` over `items` with at most `concurrency` in flight. One item's
 * failure never stops the others; only the failure budget does, and then the
 * items not yet started are reported as skipped (those in flight finish).
 * Results come back in the order of `items`.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  options: BoundedRunOptions,
  handlers: BoundedRunHandlers<T, R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failures = 0;
  const budgetSpent = (): boolean => options.failureBudget !== null && failures >= options.failureBudget;

  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const item = items[index] as T;
      let result: R;
      if (budgetSpent()) {
        result = handlers.skipped(item, `failure budget of ${options.failureBudget} reached`);
      } else {
        handlers.onStart?.(item);
        try {
          result = await handlers.work(item);
        } catch (err) {
          result = handlers.failed(item, err);
        }
        if (handlers.isFailure(result)) failures += 1;
      }
      results[index] = result;
      handlers.onFinish?.(result, item);
    }
  };

  const lanes = Math.max(1, Math.min(options.concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, () => lane()));
  return results;
}
