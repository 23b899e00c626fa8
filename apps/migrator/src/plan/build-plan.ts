import type { DatabaseConfig, SysManageConfig } from '@sysmanage/config';
import { TenantStatus } from '@sysmanage/contracts';
import type { ChainName } from '@sysmanage/schema';
import { databaseKey, toClientConfig } from '../db/client-config';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import type { DatabaseTarget } from './database-target';
import type { TenantCredentialProvider } from './tenant-credential-provider';
import type { TenantPlacement, TenantTargetSource } from './tenant-target-source';

export interface PlanOptions {
  noTenants: boolean;
  tenantsOnly: boolean;
  /** Restricts the fan-out; empty = all tenants. */
  tenants: string[];
}

function staticTarget(db: DatabaseConfig, chain: ChainName): DatabaseTarget {
  return {
    key: databaseKey(db.host, db.port, db.name),
    database: db.name,
    server: `${db.host}:${db.port}`,
    tenant: null,
    chains: [chain],
    acquire: async () => ({ clientConfig: toClientConfig(db), release: async () => undefined }),
  };
}

/**
 * The targets applied one after the other before any fan-out, in chain order
 * registry -> shared -> tenant. Consecutive chains on the same database become
 * one target. With multi-tenancy on the tenant chain is never here: it only
 * runs on tenant databases. In collapsed mode the single tenant lives in the
 * bootstrap database, so there the tenant chain is "the tenant part" that
 * `--no-tenants` skips and `--tenants-only` keeps.
 */
export function controlPlaneTargets(config: SysManageConfig, opts: PlanOptions): DatabaseTarget[] {
  const steps: Array<[ChainName, DatabaseConfig]> = [];
  if (!opts.tenantsOnly) {
    steps.push(['registry', config.registry]);
    steps.push(['shared', config.sharedIsSeparate ? config.shared : config.registry]);
  }
  if (!config.multitenancy.enabled && !opts.noTenants) steps.push(['tenant', config.registry]);

  const targets: DatabaseTarget[] = [];
  for (const [chain, db] of steps) {
    const next = staticTarget(db, chain);
    const last = targets.at(-1);
    if (last && last.key === next.key) last.chains.push(chain);
    else targets.push(next);
  }
  return targets;
}

function unknownTenantTarget(slug: string): DatabaseTarget {
  const error = new MigratorError(
    MigratorErrorCode.UNKNOWN_TENANT,
    `tenant "${slug}" has no migratable placement in the registry (unknown slug, or not active/suspended)`,
  );
  return {
    key: `unknown-tenant/${slug}`,
    database: '(unknown)',
    server: '-',
    tenant: slug,
    chains: ['tenant'],
    acquire: async () => {
      throw error;
    },
    planError: error,
  };
}

export const SUSPENDED_SKIP_REASON =
  'tenant suspended: CONNECT is revoked for its roles; it is migrated after it is resumed';

/** One tenant database, reached only through the credential provider. */
export function tenantTarget(
  placement: TenantPlacement,
  credentials: TenantCredentialProvider,
  source: Pick<TenantTargetSource, 'recordVersion'>,
): DatabaseTarget {
  const target: DatabaseTarget = {
    key: databaseKey(placement.server.host, placement.server.port, placement.databaseName),
    database: placement.databaseName,
    server: `${placement.server.host}:${placement.server.port}`,
    tenant: placement.slug,
    chains: ['tenant'],
    acquire: () => credentials.leaseFor(placement),
  };
  if (placement.status === TenantStatus.SUSPENDED) target.skipReason = SUSPENDED_SKIP_REASON;
  const record = source.recordVersion?.bind(source);
  if (record !== undefined) {
    target.registryVersion = {
      recorded: placement.recordedVersion,
      record: (version) => record(placement.tenantId, version),
    };
  }
  return target;
}

/**
 * The tenant databases of the fan-out, one target each, accessed only through
 * the credential provider. Slugs asked for with `--tenant` that the registry
 * does not list become failed targets, so a typo is reported, not ignored.
 */
export async function tenantTargets(
  source: TenantTargetSource,
  credentials: TenantCredentialProvider,
  opts: PlanOptions,
): Promise<DatabaseTarget[]> {
  const placements = await source.listTenants();
  const wanted = opts.tenants.length > 0 ? new Set(opts.tenants) : null;
  const targets: DatabaseTarget[] = placements
    .filter((p) => wanted === null || wanted.has(p.slug))
    .map((placement) => tenantTarget(placement, credentials, source));
  const found = new Set(placements.map((p) => p.slug));
  for (const slug of opts.tenants) if (!found.has(slug)) targets.push(unknownTenantTarget(slug));
  return targets;
}
