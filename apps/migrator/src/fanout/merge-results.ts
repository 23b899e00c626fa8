import type { TargetResult, TargetStatus } from './target-result';

/** Which status a database shows when several of its steps ended differently: the worst one. */
const SEVERITY: Record<TargetStatus, number> = {
  'up-to-date': 0,
  migrated: 1,
  pending: 2,
  skipped: 3,
  failed: 4,
};

/**
 * One result per database. A database can appear twice only in collapsed mode
 * with a separate shared database (bootstrap: registry, then shared elsewhere,
 * then bootstrap: tenant), and the operator counts databases, not steps.
 */
export function mergeResults(results: readonly TargetResult[]): TargetResult[] {
  const merged = new Map<string, TargetResult>();
  for (const result of results) {
    const key = `${result.server}/${result.database}/${result.tenant ?? ''}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, {
        ...result,
        chains: [...result.chains],
        applied: [...result.applied],
        pending: [...result.pending],
      });
      continue;
    }
    seen.chains.push(...result.chains);
    seen.applied.push(...result.applied);
    seen.pending.push(...result.pending);
    seen.durationMs += result.durationMs;
    if (SEVERITY[result.status] > SEVERITY[seen.status]) seen.status = result.status;
    if (seen.error === null && result.error !== null) {
      seen.error = result.error;
      seen.errorCode = result.errorCode;
    }
  }
  return [...merged.values()];
}
