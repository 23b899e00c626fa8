import type { ChainName } from '@sysmanage/schema';
import { chainHead } from '@sysmanage/schema';
import { migrateChain } from '../chain/chain-runner';
import { MigratorError, MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import type { DatabaseTarget } from '../plan/database-target';
import { errorFields, targetResult, type TargetResult } from './target-result';

export interface MigrateTargetOptions {
  dryRun: boolean;
  /**
   * Trust the registry's recorded version: a tenant recorded at head is up to
   * date without leasing a credential or connecting (one query for the whole
   * listing). False for `--verify` and the provisioner's request, which read
   * the database itself.
   */
  trustRecorded: boolean;
  onChainDone?: (chain: ChainName) => void;
}

/** Recorded at the head of the target's (single) chain: nothing to do. */
function recordedAtHead(target: DatabaseTarget): boolean {
  const last = target.chains.at(-1);
  return (
    target.registryVersion !== undefined &&
    target.chains.length === 1 &&
    last !== undefined &&
    target.registryVersion.recorded === chainHead(last)
  );
}

async function recordVersion(target: DatabaseTarget, version: string | null): Promise<void> {
  if (target.registryVersion === undefined || version === null || version === target.registryVersion.recorded)
    return;
  try {
    await target.registryVersion.record(version);
  } catch (err) {
    throw new MigratorError(
      MigratorErrorCode.VERSION_NOT_RECORDED,
      `migrated to ${version}, but recording it in registry_tenant_db_versions failed: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/**
 * Applies the target's chains in order on one connection lease. A failing
 * chain stops the target's later chains (they build on it); what was applied
 * before the failure stays listed. A tenant database's resulting version is
 * recorded in the registry (not for a dry run).
 */
export async function migrateTarget(
  target: DatabaseTarget,
  opts: MigrateTargetOptions,
): Promise<TargetResult> {
  const started = performance.now();
  const applied: string[] = [];
  const pending: string[] = [];
  let version: string | null = null;
  const elapsed = (): number => Math.round(performance.now() - started);
  if (target.planError) return targetResult(target, { status: 'failed', ...errorFields(target.planError) });
  if (opts.trustRecorded && recordedAtHead(target)) {
    return targetResult(target, {
      status: 'up-to-date',
      version: target.registryVersion?.recorded ?? null,
      checked: 'registry',
    });
  }
  if (target.skipReason !== undefined) {
    return targetResult(target, {
      status: 'skipped',
      error: target.skipReason,
      errorCode: MigratorErrorCode.SKIPPED,
    });
  }
  try {
    const lease = await target.acquire();
    try {
      for (const chain of target.chains) {
        const outcome = await migrateChain(lease.clientConfig, chain, { dryRun: opts.dryRun });
        applied.push(...outcome.applied);
        pending.push(...outcome.pending);
        version = outcome.current;
        opts.onChainDone?.(chain);
      }
    } finally {
      await lease.release();
    }
    if (!opts.dryRun) await recordVersion(target, version);
  } catch (err) {
    return targetResult(target, {
      status: 'failed',
      applied,
      pending,
      version,
      checked: 'database',
      durationMs: elapsed(),
      ...errorFields(err),
    });
  }
  const status = applied.length > 0 ? 'migrated' : pending.length > 0 ? 'pending' : 'up-to-date';
  return targetResult(target, {
    status,
    applied,
    pending,
    version,
    checked: 'database',
    durationMs: elapsed(),
  });
}
