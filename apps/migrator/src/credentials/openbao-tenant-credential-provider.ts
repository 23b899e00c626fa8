import type { DatabaseCredential } from '@sysmanage/openbao';
import { MigratorError, MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import type { ConnectionLease } from '../plan/database-target';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import type { TenantPlacement } from '../plan/tenant-target-source';
import { tenantClientConfig } from './tenant-client-config';

/** The part of OpenBaoClient the provider uses (a seam for unit tests). */
export interface OwnerLeaseClient {
  generateCredentials(mount: string, role: string): Promise<DatabaseCredential>;
  revokeLease(leaseId: string): Promise<void>;
  close(): void;
}

export interface OpenBaoTenantCredentialProviderOptions {
  /** Authenticates once, on the first lease (an all-up-to-date run never talks to OpenBAO). */
  connect: () => Promise<OwnerLeaseClient>;
  /** `vault.database_mount_path`. */
  mount: string;
  /** `vault.url`, for messages. */
  url: string;
}

/**
 * Leases the placement's stored `vault_owner_role` (`tenant-<slug>-owner`)
 * from OpenBAO for each tenant database, connects as that short-lived login
 * (in the owner group's role) and revokes the lease on release, which drops
 * the login. The only way the migrator reaches a tenant database.
 */
export class OpenBaoTenantCredentialProvider implements TenantCredentialProvider {
  private client: Promise<OwnerLeaseClient> | null = null;
  private leases = 0;

  constructor(private readonly options: OpenBaoTenantCredentialProviderOptions) {}

  /** How many owner leases this provider obtained (for the summary and tests). */
  get leaseCount(): number {
    return this.leases;
  }

  async leaseFor(tenant: TenantPlacement): Promise<ConnectionLease> {
    let client: OwnerLeaseClient;
    let credential: DatabaseCredential;
    try {
      client = await this.connected();
      credential = await client.generateCredentials(this.options.mount, tenant.vaultOwnerRole);
    } catch (err) {
      throw new MigratorError(
        MigratorErrorCode.TENANT_CREDENTIALS_UNAVAILABLE,
        `cannot lease ${tenant.vaultOwnerRole} from OpenBAO at ${this.options.url} for ${tenant.databaseName} ` +
          `on ${tenant.server.host}:${tenant.server.port}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    this.leases += 1;
    const revoke = async (): Promise<void> => {
      try {
        await client.revokeLease(credential.leaseId);
      } catch (err) {
        throw new MigratorError(
          MigratorErrorCode.LEASE_REVOKE_FAILED,
          `could not revoke the ${tenant.vaultOwnerRole} lease (its login lives until the lease expires at ` +
            `${credential.expiresAt.toISOString()}): ${errorMessage(err)}`,
          { cause: err },
        );
      }
    };
    try {
      return { clientConfig: tenantClientConfig(tenant, credential), release: revoke };
    } catch (err) {
      await revoke().catch(() => undefined);
      throw err;
    }
  }

  /** Stops the client's token renewal; leases were revoked on release. */
  async close(): Promise<void> {
    const pending = this.client;
    this.client = null;
    if (pending === null) return;
    try {
      (await pending).close();
    } catch {
      // The login failed; there is nothing to stop.
    }
  }

  /**
   * Single flight: concurrent first leases share one login. A failed login
   * fails every lease of this run with the same message, instead of each
   * tenant waiting out its own retries against an unreachable server.
   */
  private connected(): Promise<OwnerLeaseClient> {
    this.client ??= this.options.connect();
    return this.client;
  }
}
