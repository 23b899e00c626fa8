export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value other than undefined or `deadlineMs`
 * passes; returns undefined on timeout so the caller builds the specific error.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  deadlineMs: number,
  intervalMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}
