import type { ChainName } from '@sysmanage/schema';
import { migrateChain } from '../chain/chain-runner';
import type { DatabaseTarget } from '../plan/database-target';
import { errorFields, targetResult, type TargetResult } from './target-result';

/**
 * Applies the target's chains in order on one connection lease. A failing
 * chain stops the target's later chains (they build on it); what was applied
 * before the failure stays listed.
 */
export async function migrateTarget(
  target: DatabaseTarget,
  opts: { dryRun: boolean; onChainDone?: (chain: ChainName) => void },
): Promise<TargetResult> {
  const started = performance.now();
  const applied: string[] = [];
  const pending: string[] = [];
  const elapsed = (): number => Math.round(performance.now() - started);
  if (target.planError) return targetResult(target, { status: 'failed', ...errorFields(target.planError) });
  try {
    const lease = await target.acquire();
    try {
      for (const chain of target.chains) {
        const outcome = await migrateChain(lease.clientConfig, chain, { dryRun: opts.dryRun });
        applied.push(...outcome.applied);
        pending.push(...outcome.pending);
        opts.onChainDone?.(chain);
      }
    } finally {
      await lease.release();
    }
  } catch (err) {
    return targetResult(target, {
      status: 'failed',
      applied,
      pending,
      durationMs: elapsed(),
      ...errorFields(err),
    });
  }
  const status = applied.length > 0 ? 'migrated' : pending.length > 0 ? 'pending' : 'up-to-date';
  return targetResult(target, { status, applied, pending, durationMs: elapsed() });
}
