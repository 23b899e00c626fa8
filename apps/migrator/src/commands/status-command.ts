import type { SysManageConfig } from '@sysmanage/config';
import { readChainState } from '../chain/chain-runner';
import type { MigrateCliArgs } from '../cli/cli-args';
import type { CliIo, MigratorDependencies } from '../cli/cli-io';
import { MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { runBounded } from '../fanout/run-bounded';
import { errorFields } from '../fanout/target-result';
import { controlPlaneTargets } from '../plan/build-plan';
import type { DatabaseTarget } from '../plan/database-target';
import { assertTenantFlagsFit, listTenantTargets } from './fan-out-sources';
import { fanOutRuns, openFanOutSession } from './fan-out-session';
import { formatStatusTable, type DatabaseStatus } from './status-report';

function base(target: DatabaseTarget): Pick<DatabaseStatus, 'database' | 'server' | 'tenant'> {
  return { database: target.database, server: target.server, tenant: target.tenant };
}

function failedStatus(target: DatabaseTarget, err: unknown): DatabaseStatus {
  return { ...base(target), status: 'failed', chains: [], ...errorFields(err) };
}

/** Reads every chain of one database: one query per chain, nothing written, no lock. */
async function readTarget(target: DatabaseTarget): Promise<DatabaseStatus> {
  if (target.planError) return failedStatus(target, target.planError);
  if (target.skipReason !== undefined) {
    return {
      ...base(target),
      status: 'skipped',
      chains: [],
      error: target.skipReason,
      errorCode: MigratorErrorCode.SKIPPED,
    };
  }
  try {
    const lease = await target.acquire();
    try {
      const chains: DatabaseStatus['chains'] = [];
      for (const chain of target.chains) {
        const state = await readChainState(lease.clientConfig, chain);
        chains.push({ ...state, pendingCount: state.pending.length });
      }
      return { ...base(target), status: 'ok', chains, error: null, errorCode: null };
    } finally {
      await lease.release();
    }
  } catch (err) {
    return failedStatus(target, err);
  }
}

/** `status` / `--status`: exit 0 when every database could be read (pending migrations are not an error). */
export async function runStatusCommand(
  config: SysManageConfig,
  args: MigrateCliArgs,
  io: CliIo,
  deps: MigratorDependencies,
): Promise<number> {
  assertTenantFlagsFit(config, args);
  const statuses: DatabaseStatus[] = [];
  for (const target of controlPlaneTargets(config, args)) statuses.push(await readTarget(target));
  let fanOutError: string | null = null;
  if (fanOutRuns(config, args)) {
    // status reads the databases themselves (not the registry's record), so it leases a credential per tenant.
    const session = await openFanOutSession(config, io, deps, (line) => io.stderr.write(`${line}\n`));
    try {
      const targets = await listTenantTargets(config, args, deps, session.credentials);
      const options = { concurrency: args.concurrency, failureBudget: null };
      statuses.push(
        ...(await runBounded(targets, options, {
          work: readTarget,
          isFailure: (s) => s.status === 'failed',
          failed: failedStatus,
          skipped: (target, reason) => failedStatus(target, new Error(reason)),
        })),
      );
    } catch (err) {
      fanOutError = errorMessage(err);
    } finally {
      await session.close();
    }
  }
  const exitCode = statuses.some((s) => s.status === 'failed') || fanOutError !== null ? 1 : 0;
  if (args.json) {
    const document = {
      command: 'status',
      multitenancy: config.multitenancy.enabled,
      databases: statuses,
      fanOutError,
      exitCode,
    };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.stdout.write(`${formatStatusTable(statuses)}\n`);
    if (fanOutError !== null) io.stdout.write(`tenant databases: ${fanOutError}\n`);
  }
  return exitCode;
}
