import { type Clock, sleep } from './clock';

export interface RetryOptions {
  /** Total tries including the first; 1 disables retrying. */
  attempts: number;
  /** Delay before the second try; doubles on each further try. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * Exponential backoff with "equal jitter": half the exponential delay is kept,
 * the other half is random, so a fleet of clients that failed together does
 * not retry together, yet no client retries immediately.
 * `retry` is 1 for the delay before the second try.
 */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

export interface RetryContext {
  clock: Clock;
  random: () => number;
  options: RetryOptions;
  /** Whether this failure may be tried again. */
  shouldRetry(err: unknown): boolean;
  /** Called before each wait, e.g. to log; gets the failed try's number and the delay. */
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
  /** The error to reject with once giving up (default: the last failure as is). */
  finalError?(err: unknown, attempts: number): unknown;
}

/** Runs `fn` until it succeeds, a failure is not retryable, or attempts run out. */
export async function withRetry<T>(fn: () => Promise<T>, ctx: RetryContext): Promise<T> {
  const attempts = Math.max(1, Math.floor(ctx.options.attempts));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !ctx.shouldRetry(error)) {
        throw ctx.finalError ? ctx.finalError(error, attempt) : error;
      }
      const delayMs = backoffDelay(attempt, ctx.options, ctx.random);
      ctx.onRetry?.(error, attempt, delayMs);
      await sleep(ctx.clock, delayMs);
    }
  }
}
