import type { DatabaseCredential } from '@sysmanage/openbao';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import type { TenantPlacement } from '../plan/tenant-target-source';
import { OpenBaoTenantCredentialProvider, type OwnerLeaseClient } from './openbao-tenant-credential-provider';

const placement = (slug: string): TenantPlacement => ({
  tenantId: `id-${slug}`,
  slug,
  status: 'active',
  server: { host: 'pg1', port: 5433 },
  databaseName: `tenant_${slug}`,
  ownerRole: `tenant_${slug}_owner`,
  vaultOwnerRole: `tenant-${slug}-owner`,
  recordedVersion: null,
});

function fakeClient(opts: { revokeFails?: boolean } = {}): OwnerLeaseClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async generateCredentials(mount, role) {
      calls.push(`lease ${mount}/${role}`);
      const now = new Date('2026-01-01T00:00:00Z');
      const credential: DatabaseCredential = {
        leaseId: `${mount}/creds/${role}/L1`,
        leaseDuration: 600,
        renewable: true,
        username: `v-${role}`,
        password: 'secret-password',
        obtainedAt: now,
        expiresAt: new Date(now.getTime() + 600_000),
      };
      return credential;
    },
    async revokeLease(leaseId) {
      calls.push(`revoke ${leaseId}`);
      if (opts.revokeFails) throw new Error('permission denied');
    },
    close() {
      calls.push('close');
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<MigratorError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MigratorError);
  return err as MigratorError;
}

describe('OpenBaoTenantCredentialProvider', () => {
  it('leases the stored owner role, connects in the owner group role, and revokes on release', async () => {
    const client = fakeClient();
    let logins = 0;
    const provider = new OpenBaoTenantCredentialProvider({
      connect: async () => {
        logins += 1;
        return client;
      },
      mount: 'database',
      url: 'http://bao:8200',
    });
    const [a, b] = await Promise.all([
      provider.leaseFor(placement('acme')),
      provider.leaseFor(placement('beta')),
    ]);
    expect(logins).toBe(1);
    expect(a?.clientConfig).toMatchObject({
      host: 'pg1',
      port: 5433,
      database: 'tenant_acme',
      user: 'v-tenant-acme-owner',
      password: 'secret-password',
      options: '-c role=tenant_acme_owner',
    });
    await a?.release();
    await b?.release();
    await provider.close();
    expect(client.calls).toEqual([
      'lease database/tenant-acme-owner',
      'lease database/tenant-beta-owner',
      'revoke database/creds/tenant-acme-owner/L1',
      'revoke database/creds/tenant-beta-owner/L1',
      'close',
    ]);
    expect(provider.leaseCount).toBe(2);
  });

  it('an unreachable OpenBAO fails each lease with TENANT_CREDENTIALS_UNAVAILABLE naming role, server and database; one login attempt per run', async () => {
    let logins = 0;
    const provider = new OpenBaoTenantCredentialProvider({
      connect: async () => {
        logins += 1;
        throw new Error('connect ECONNREFUSED 127.0.0.1:8200');
      },
      mount: 'database',
      url: 'http://127.0.0.1:8200',
    });
    const first = await rejection(provider.leaseFor(placement('acme')));
    const second = await rejection(provider.leaseFor(placement('beta')));
    expect(first.code).toBe(MigratorErrorCode.TENANT_CREDENTIALS_UNAVAILABLE);
    expect(first.message).toBe(
      'cannot lease tenant-acme-owner from OpenBAO at http://127.0.0.1:8200 for tenant_acme on pg1:5433: connect ECONNREFUSED 127.0.0.1:8200',
    );
    expect(second.message).toContain('cannot lease tenant-beta-owner');
    expect(logins).toBe(1);
    expect(provider.leaseCount).toBe(0);
  });

  it('a failed revocation is reported (LEASE_REVOKE_FAILED, with the expiry), never silently dropped', async () => {
    const provider = new OpenBaoTenantCredentialProvider({
      connect: async () => fakeClient({ revokeFails: true }),
      mount: 'database',
      url: 'u',
    });
    const lease = await provider.leaseFor(placement('acme'));
    const err = await rejection(lease.release());
    expect(err.code).toBe(MigratorErrorCode.LEASE_REVOKE_FAILED);
    expect(err.message).toBe(
      'could not revoke the tenant-acme-owner lease (its login lives until the lease expires at 2026-01-01T00:10:00.000Z): permission denied',
    );
  });

  it('refuses an owner role name that cannot be passed as a startup option, and revokes what it leased', async () => {
    const client = fakeClient();
    const provider = new OpenBaoTenantCredentialProvider({
      connect: async () => client,
      mount: 'database',
      url: 'u',
    });
    await expect(provider.leaseFor({ ...placement('acme'), ownerRole: 'x -c evil=1' })).rejects.toThrow(
      'placement of acme stores an invalid owner role name "x -c evil=1"',
    );
    expect(client.calls).toEqual([
      'lease database/tenant-acme-owner',
      'revoke database/creds/tenant-acme-owner/L1',
    ]);
  });
});
