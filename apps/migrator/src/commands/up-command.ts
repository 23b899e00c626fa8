import type { SysManageConfig } from '@sysmanage/config';
import type { MigrateCliArgs } from '../cli/cli-args';
import type { CliIo, MigratorDependencies } from '../cli/cli-io';
import { MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { mergeResults } from '../fanout/merge-results';
import { migrateTarget } from '../fanout/migrate-target';
import { runBounded } from '../fanout/run-bounded';
import { errorFields, targetResult, type TargetResult } from '../fanout/target-result';
import { controlPlaneTargets } from '../plan/build-plan';
import type { DatabaseTarget } from '../plan/database-target';
import { createProgress } from '../report/create-progress';
import type { ProgressReporter } from '../report/progress-reporter';
import { countStatuses, formatSummary } from '../report/summary';
import { assertTenantFlagsFit, listTenantTargets } from './fan-out-sources';
import { fanOutRuns, noteLine, openFanOutSession, type FanOutSession } from './fan-out-session';

/** Why the tenant fan-out did or did not run, for the JSON document. */
interface FanOutReport {
  ran: boolean;
  reason: string | null;
  error: string | null;
}

function skippedResult(target: DatabaseTarget, reason: string): TargetResult {
  return targetResult(target, { status: 'skipped', error: reason, errorCode: MigratorErrorCode.SKIPPED });
}

async function runOne(
  target: DatabaseTarget,
  args: MigrateCliArgs,
  progress: ProgressReporter,
): Promise<TargetResult> {
  progress.started(target);
  const result = await migrateTarget(target, {
    dryRun: args.dryRun,
    trustRecorded: !args.verify,
    onChainDone: (chain) => progress.chainDone(target, chain),
  });
  progress.finished(target, result);
  return result;
}

/**
 * The control-plane targets run one after the other (registry before shared
 * before tenant); a failure there skips what follows, since later chains and
 * the tenant listing depend on it. Then the tenant fan-out, bounded and with
 * the failure budget.
 */
async function runAll(
  config: SysManageConfig,
  args: MigrateCliArgs,
  deps: MigratorDependencies,
  progress: ProgressReporter,
  session: FanOutSession | null,
): Promise<{ results: TargetResult[]; fanOut: FanOutReport }> {
  const results: TargetResult[] = [];
  let halted: string | null = null;
  for (const target of controlPlaneTargets(config, args)) {
    if (halted !== null) {
      const result = skippedResult(target, halted);
      progress.finished(target, result);
      results.push(result);
      continue;
    }
    const result = await runOne(target, args, progress);
    results.push(result);
    if (result.status === 'failed') halted = `${result.database} failed before it`;
  }

  if (session === null) {
    const reason = config.multitenancy.enabled ? '--no-tenants' : 'multitenancy disabled';
    return { results, fanOut: { ran: false, reason, error: null } };
  }
  if (halted !== null) {
    progress.note(`tenant fan-out skipped: ${halted}`);
    return { results, fanOut: { ran: false, reason: halted, error: null } };
  }
  let targets: DatabaseTarget[];
  try {
    targets = await listTenantTargets(config, args, deps, session.credentials);
  } catch (err) {
    progress.note(`tenant fan-out FAILED: ${errorMessage(err)}`);
    return { results, fanOut: { ran: false, reason: null, error: errorMessage(err) } };
  }
  const tenantResults = await runBounded(
    targets,
    { concurrency: args.concurrency, failureBudget: args.failureBudget },
    {
      work: (target) => runOne(target, args, progress),
      isFailure: (result) => result.status === 'failed',
      failed: (target, err) => targetResult(target, { status: 'failed', ...errorFields(err) }),
      skipped: (target, reason) => {
        const result = skippedResult(target, reason);
        progress.finished(target, result);
        return result;
      },
    },
  );
  results.push(...tenantResults);
  return { results, fanOut: { ran: true, reason: null, error: null } };
}

/** `up` (and `up --dry-run`): exit 1 if any database failed or the tenants could not be listed. */
export async function runUpCommand(
  config: SysManageConfig,
  args: MigrateCliArgs,
  io: CliIo,
  deps: MigratorDependencies,
): Promise<number> {
  assertTenantFlagsFit(config, args);
  const started = performance.now();
  const progress = createProgress(io, args.json);
  const session = fanOutRuns(config, args)
    ? await openFanOutSession(config, io, deps, (line) => noteLine(io, args.json, progress, line))
    : null;
  let outcome: Awaited<ReturnType<typeof runAll>>;
  try {
    outcome = await runAll(config, args, deps, progress, session);
  } finally {
    await session?.close();
  }
  const { results: raw, fanOut } = outcome;
  const results = mergeResults(raw);
  const durationMs = Math.round(performance.now() - started);
  const counts = countStatuses(results);
  const exitCode = counts.failed > 0 || fanOut.error !== null ? 1 : 0;
  if (args.json) {
    const document = {
      command: 'up',
      dryRun: args.dryRun,
      multitenancy: config.multitenancy.enabled,
      databases: results,
      fanOut,
      summary: { total: results.length, ...countsForJson(counts), durationMs },
      exitCode,
    };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.stdout.write(`${formatSummary(results, durationMs, args.dryRun)}\n`);
  }
  return exitCode;
}

function countsForJson(counts: ReturnType<typeof countStatuses>): Record<string, number> {
  return {
    migrated: counts.migrated,
    upToDate: counts['up-to-date'],
    pending: counts.pending,
    failed: counts.failed,
    skipped: counts.skipped,
  };
}
