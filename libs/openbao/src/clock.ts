/** An opaque timer handle (a Node Timeout, or whatever a test clock hands out). */
export type TimerHandle = object;

/** Time and timers, injectable so renewal schedules are unit-testable without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** `keepAlive`: the timer holds the process open (someone awaits it), unlike a background schedule. */
  setTimeout(callback: () => void, delayMs: number, options?: { keepAlive?: boolean }): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Real time. Background timers are unref'd: a pending renewal must not keep a
 * process alive that has otherwise finished (shutdown closes caches
 * explicitly). An awaited wait (a retry's backoff) is kept: unref'd, a CLI
 * whose only pending work is that retry would exit 0 in the middle of it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs, options) => {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    if (options?.keepAlive !== true) timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, delayMs, { keepAlive: true });
  });
}
