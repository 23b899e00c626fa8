import { ObservabilityError, ObservabilityErrorCode } from '../observability.error';
import type { CheckOutcome, HealthCheck, ReadinessReport } from './health-check';

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

// A probe answer must stay short and single-line; the full error goes to the log.
const MAX_REASON_LENGTH = 200;

export interface CheckFailure {
  name: string;
  error: unknown;
}

function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const firstLine = text.split('\n', 1)[0]?.trim() || 'unknown error';
  return firstLine.length > MAX_REASON_LENGTH ? `${firstLine.slice(0, MAX_REASON_LENGTH - 3)}...` : firstLine;
}

async function withTimeout(check: HealthCheck, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ObservabilityError(ObservabilityErrorCode.CHECK_TIMEOUT, `timed out after ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    // check() is called inside the try so a synchronous throw counts as a failure too.
    await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check concurrently, each bounded by `timeoutMs`, and aggregates:
 * ready only when all pass. `onFailure` sees each failure's full error (for the
 * log); the report carries only a short reason.
 */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
  onFailure?: (failure: CheckFailure) => void,
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map(async (check): Promise<[string, CheckOutcome]> => {
      try {
        await withTimeout(check, timeoutMs);
        return [check.name, 'ok'];
      } catch (error) {
        onFailure?.({ name: check.name, error });
        return [check.name, `error: ${shortReason(error)}`];
      }
    }),
  );
  const status = outcomes.every(([, outcome]) => outcome === 'ok') ? 'ok' : 'error';
  return { status, checks: Object.fromEntries(outcomes) };
}
