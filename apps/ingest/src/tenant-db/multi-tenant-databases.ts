import type { CredentialRotation, LeaseCache } from '@sysmanage/openbao';
import type { TenantPoolManager } from '@sysmanage/tenancy';
import type { ClientBase, ClientConfig } from 'pg';
import type { Logger } from 'pino';
import { isLoginRefused, tenantUnavailable } from './budget-error-mapping';
import type { TenantDatabases } from './tenant-databases';
import type { TenantPlacement, TenantPlacements } from './tenant-placement';
import { TenantUnavailableError, TenantUnavailableErrorCode } from './tenant-unavailable-error';

export interface MultiTenantDatabasesOptions {
  placements: TenantPlacements;
  /** Shared per process: one app lease per tenant role, renewed and replaced before expiry. */
  leases: LeaseCache;
  pools: TenantPoolManager;
  /** `vault.database_mount_path`. */
  databaseMount: string;
  /** TLS for tenant connections (the deployment's choice, as for the registry). */
  ssl?: ClientConfig['ssl'];
  logger: Logger;
}

/** A connection attempt to a dead server fails fast, so the writer backs off instead of hanging. */
const CONNECT_TIMEOUT_MS = 5_000;
/** A runaway statement (a lock held by an operator) fails the batch; the stream redelivers it. */
const STATEMENT_TIMEOUT_MS = 30_000;

/**
 * Tenant databases in multi-tenant mode: placement from the registry, an
 * OpenBAO `tenant-<slug>-app` lease per tenant (LeaseCache: cached, renewed,
 * replaced before expiry), connections inside the per-server budget.
 */
export class MultiTenantDatabases implements TenantDatabases {
  /** vault role -> tenant id, so a rotated lease drains the right pool. */
  private readonly roles = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: MultiTenantDatabasesOptions) {
    this.unsubscribe = options.leases.onRotated((rotation) => this.onRotated(rotation));
  }

  async withTenantClient<T>(tenantId: string, work: (client: ClientBase) => Promise<T>): Promise<T> {
    const placement = await this.options.placements.resolve(tenantId);
    this.roles.set(placement.vaultAppRole, tenantId);
    // Leased (or taken from the cache) before a budget slot is held, and failing with its own code.
    await this.credential(placement);
    const server = `${placement.host}:${placement.port}`;
    try {
      return await this.options.pools.withClient(
        { tenantId, serverKey: server, connection: () => this.clientConfig(placement) },
        work,
      );
    } catch (error) {
      if (isLoginRefused(error)) await this.dropLease(placement);
      throw tenantUnavailable(tenantId, server, error);
    }
  }

  async forget(tenantId: string): Promise<void> {
    const { placements, pools, leases, databaseMount, logger } = this.options;
    placements.forget(tenantId);
    await pools.evict(tenantId);
    for (const [role, owner] of this.roles) {
      if (owner !== tenantId) continue;
      this.roles.delete(role);
      await leases
        .invalidate(databaseMount, role)
        .catch((error: unknown) =>
          logger.warn(
            { tenantId, role, error: error instanceof Error ? error.message : String(error) },
            'could not revoke the tenant app lease; it expires on its own',
          ),
        );
    }
  }

  /** Stops listening for rotations (the LeaseCache and the pools are closed by their owner). */
  close(): void {
    this.unsubscribe();
  }

  private async credential(placement: TenantPlacement): Promise<{ username: string; password: string }> {
    try {
      return await this.options.leases.get(this.options.databaseMount, placement.vaultAppRole);
    } catch (error) {
      throw new TenantUnavailableError(
        TenantUnavailableErrorCode.CREDENTIALS_UNAVAILABLE,
        placement.tenantId,
        `No app credential for tenant ${placement.tenantId} (${this.options.databaseMount}/creds/${placement.vaultAppRole}): ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
  }

  /** Called for every new connection, so a rotated lease is picked up by the next one. */
  private async clientConfig(placement: TenantPlacement): Promise<ClientConfig> {
    const { username, password } = await this.credential(placement);
    return {
      host: placement.host,
      port: placement.port,
      database: placement.databaseName,
      user: username,
      password,
      ssl: this.options.ssl,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      application_name: 'sysmanage-ingest',
    };
  }

  /** The login was refused (its role was dropped, e.g. the lease revoked from outside): lease anew next time. */
  private async dropLease(placement: TenantPlacement): Promise<void> {
    const { leases, databaseMount, logger } = this.options;
    logger.warn(
      { tenantId: placement.tenantId, role: placement.vaultAppRole },
      'PostgreSQL refused the tenant app login; dropping the cached lease',
    );
    await leases.invalidate(databaseMount, placement.vaultAppRole).catch(() => undefined);
  }

  private onRotated(rotation: CredentialRotation): void {
    const tenantId = this.roles.get(rotation.role);
    if (tenantId === undefined || rotation.mount !== this.options.databaseMount) return;
    void this.options.pools.rotateCredentials(tenantId);
  }
}
