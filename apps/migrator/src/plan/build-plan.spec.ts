import { sysConfig } from '../__fixtures__/sys-config';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import { controlPlaneTargets, SUSPENDED_SKIP_REASON, tenantTargets, type PlanOptions } from './build-plan';
import { UnavailableTenantCredentialProvider } from './tenant-credential-provider';
import type { TenantPlacement } from './tenant-target-source';

const all: PlanOptions = { noTenants: false, tenantsOnly: false, tenants: [] };
const shape = (opts: Parameters<typeof sysConfig>[0], plan: PlanOptions): Array<[string, string[]]> =>
  controlPlaneTargets(sysConfig(opts), plan).map((t) => [t.key, t.chains]);

describe('controlPlaneTargets', () => {
  it('collapsed mode: all three chains on the bootstrap database, in order', () => {
    expect(shape({}, all)).toEqual([['db.local:5432/sysmanage_registry', ['registry', 'shared', 'tenant']]]);
  });

  it('collapsed mode with a shared block: shared goes to its own database, order kept', () => {
    expect(shape({ sharedName: 'sysmanage_shared' }, all)).toEqual([
      ['db.local:5432/sysmanage_registry', ['registry']],
      ['shared.local:6432/sysmanage_shared', ['shared']],
      ['db.local:5432/sysmanage_registry', ['tenant']],
    ]);
  });

  it('collapsed mode: --no-tenants drops the tenant chain, --tenants-only keeps only it', () => {
    expect(shape({}, { ...all, noTenants: true })).toEqual([
      ['db.local:5432/sysmanage_registry', ['registry', 'shared']],
    ]);
    expect(shape({}, { ...all, tenantsOnly: true })).toEqual([
      ['db.local:5432/sysmanage_registry', ['tenant']],
    ]);
  });

  it('multi-tenancy: never the tenant chain on a control-plane database', () => {
    expect(shape({ multitenancy: true }, all)).toEqual([
      ['db.local:5432/sysmanage_registry', ['registry', 'shared']],
    ]);
    expect(shape({ multitenancy: true, sharedName: 's' }, all)).toEqual([
      ['db.local:5432/sysmanage_registry', ['registry']],
      ['shared.local:6432/s', ['shared']],
    ]);
    expect(shape({ multitenancy: true }, { ...all, tenantsOnly: true })).toEqual([]);
  });

  it('connects with the configured database settings', async () => {
    const [target] = controlPlaneTargets(sysConfig(), all);
    const lease = await target!.acquire();
    expect(lease.clientConfig).toMatchObject({
      host: 'db.local',
      port: 5432,
      database: 'sysmanage_registry',
      user: 'sysmanage',
    });
  });
});

describe('tenantTargets', () => {
  const placement = (slug: string): TenantPlacement => ({
    tenantId: `id-${slug}`,
    slug,
    status: 'active',
    server: { host: 'tenants1', port: 5433 },
    databaseName: `tenant_${slug}`,
    ownerRole: `tenant_${slug}_owner`,
    vaultOwnerRole: `tenant-${slug}-owner`,
    recordedVersion: null,
  });
  const source = { listTenants: async () => [placement('acme'), placement('beta')] };

  it('one target per tenant database, tenant chain only', async () => {
    const targets = await tenantTargets(source, new UnavailableTenantCredentialProvider(), all);
    expect(targets.map((t) => [t.key, t.tenant, t.chains])).toEqual([
      ['tenants1:5433/tenant_acme', 'acme', ['tenant']],
      ['tenants1:5433/tenant_beta', 'beta', ['tenant']],
    ]);
  });

  it('--tenant restricts the list and turns an unknown slug into a failing target', async () => {
    const targets = await tenantTargets(source, new UnavailableTenantCredentialProvider(), {
      ...all,
      tenants: ['beta', 'ghost'],
    });
    expect(targets.map((t) => t.tenant)).toEqual(['beta', 'ghost']);
    expect(targets[1]?.planError).toBeInstanceOf(MigratorError);
    expect((targets[1]?.planError as MigratorError).code).toBe(MigratorErrorCode.UNKNOWN_TENANT);
    expect(targets[1]?.planError?.message).toBe(
      'tenant "ghost" has no migratable placement in the registry (unknown slug, or not active/suspended)',
    );
  });

  it('without a credential provider every tenant fails loudly instead of using bootstrap credentials', async () => {
    const [target] = await tenantTargets(source, new UnavailableTenantCredentialProvider(), all);
    const err = await target!.acquire().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MigratorError);
    expect((err as MigratorError).code).toBe(MigratorErrorCode.TENANT_CREDENTIALS_UNAVAILABLE);
    expect((err as MigratorError).message).toContain(
      'cannot lease tenant-acme-owner from OpenBAO for tenant_acme on tenants1:5433',
    );
    expect((err as MigratorError).message).toContain('refusing to fall back to the bootstrap credentials');
  });

  it('a suspended tenant is a skipped target; the registry record and its writer travel with each target', async () => {
    const recorded: Array<[string, string]> = [];
    const withRecord = {
      listTenants: async () => [
        { ...placement('acme'), recordedVersion: 'T1' },
        { ...placement('beta'), status: 'suspended' },
      ],
      recordVersion: async (tenantId: string, version: string) => {
        recorded.push([tenantId, version]);
      },
    };
    const [acme, beta] = await tenantTargets(withRecord, new UnavailableTenantCredentialProvider(), all);
    expect(acme?.skipReason).toBeUndefined();
    expect(beta?.skipReason).toBe(SUSPENDED_SKIP_REASON);
    expect(acme?.registryVersion?.recorded).toBe('T1');
    expect(beta?.registryVersion?.recorded).toBeNull();
    await acme?.registryVersion?.record('T2');
    expect(recorded).toEqual([['id-acme', 'T2']]);
  });

  it('a source that cannot record versions gives targets without a registry record', async () => {
    const [acme] = await tenantTargets(source, new UnavailableTenantCredentialProvider(), all);
    expect(acme?.registryVersion).toBeUndefined();
  });
});
