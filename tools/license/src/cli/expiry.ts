import { UsageError } from './cli-io';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--expires`: a date means "valid through that day" (until 23:59:59.999 UTC);
 * a timestamp must carry its time zone, so the same command gives the same
 * license on every machine.
 */
export function parseExpiry(raw: string, now: Date): Date {
  let expires: Date | undefined;
  const date = DATE_ONLY.exec(raw);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const start = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC rolls 2027-02-30 over into March; a round trip catches it.
    if (start.getUTCFullYear() === year && start.getUTCMonth() === month - 1 && start.getUTCDate() === day) {
      expires = new Date(Date.UTC(year, month - 1, day + 1) - 1);
    }
  } else if (DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw))) {
    expires = new Date(raw);
  }
  if (expires === undefined) {
    throw new UsageError(
      `--expires: expected YYYY-MM-DD or an ISO 8601 timestamp with a time zone, got "${raw}"`,
    );
  }
  if (expires.getTime() <= now.getTime()) {
    throw new UsageError(`--expires: ${expires.toISOString()} is not in the future`);
  }
  return expires;
}
