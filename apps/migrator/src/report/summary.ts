import type { TargetResult, TargetStatus } from '../fanout/target-result';
import { formatDuration } from './format-duration';

export type StatusCounts = Record<TargetStatus, number>;

export function countStatuses(results: readonly TargetResult[]): StatusCounts {
  const counts: StatusCounts = { 'up-to-date': 0, migrated: 0, pending: 0, failed: 0, skipped: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

/** "3 databases: 1 migrated, 2 up to date, 0 failed in 1.2 s" (pending/skipped only when they occur). */
export function formatSummary(results: readonly TargetResult[], durationMs: number, dryRun: boolean): string {
  const counts = countStatuses(results);
  const noun = results.length === 1 ? 'database' : 'databases';
  const parts = [dryRun ? `${counts.pending} with pending migrations` : `${counts.migrated} migrated`];
  parts.push(`${counts['up-to-date']} up to date`, `${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  const tail = dryRun ? ' (dry run: nothing applied)' : '';
  return `${results.length} ${noun}: ${parts.join(', ')} in ${formatDuration(durationMs)}${tail}`;
}
