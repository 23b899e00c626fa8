/** An opaque timer handle (a Node Timeout, or whatever a test clock hands out). */
export type TimerHandle = object;

/** Time and timers, injectable so renewal schedules are unit-testable without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Real time. Timers are unref'd: a pending renewal must not keep a process
 * alive that has otherwise finished (shutdown closes caches explicitly).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, delayMs);
  });
}
