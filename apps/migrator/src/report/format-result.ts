import type { DatabaseTarget } from '../plan/database-target';
import type { TargetResult, TargetStatus } from '../fanout/target-result';
import { formatDuration } from './format-duration';

const LABELS: Record<TargetStatus, string> = {
  'up-to-date': 'up to date',
  migrated: 'migrated',
  pending: 'pending',
  failed: 'FAILED',
  skipped: 'skipped',
};

/** "tenant_acme (tenant acme) @db1:5432": which database, recognisable by name and tenant. */
export function describeTarget(target: Pick<DatabaseTarget, 'database' | 'server' | 'tenant'>): string {
  const tenant = target.tenant === null ? '' : ` (tenant ${target.tenant})`;
  return `${target.database}${tenant} @${target.server}`;
}

function detail(result: TargetResult): string {
  switch (result.status) {
    case 'migrated':
      return `applied ${result.applied.length}: ${result.applied.join(', ')}`;
    case 'pending':
      return `${result.pending.length} pending: ${result.pending.join(', ')}`;
    case 'failed':
    case 'skipped':
      return result.error ?? '';
    default:
      // Says why no connection was made: the registry's record was trusted (see --verify).
      return result.checked === 'registry' ? `registry records ${result.version ?? '?'}` : '';
  }
}

/** One line per finished database, the non-terminal progress format. */
export function formatResultLine(result: TargetResult): string {
  const parts = [
    LABELS[result.status].padEnd(10),
    describeTarget(result),
    `[${result.chains.join(', ')}]`,
    `(${formatDuration(result.durationMs)})`,
  ];
  const more = detail(result);
  return more === '' ? parts.join(' ') : `${parts.join(' ')} ${more}`;
}
