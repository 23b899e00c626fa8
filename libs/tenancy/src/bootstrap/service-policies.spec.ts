import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';
import {
  BOOTSTRAP_SERVICES,
  renderIngestPolicy,
  renderIngestTenantsPolicy,
  renderMigratorPolicy,
  renderMigratorTenantsPolicy,
  renderProvisionerPolicy,
  renderRegistryPolicy,
  renderServicePolicy,
  serviceTokenPolicies,
} from './service-policies';

/** path -> capabilities, parsed back out of the rendered HCL. */
function rules(hcl: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const match of hcl.matchAll(/path "([^"]+)" \{\n {2}capabilities = \[([^\]]*)\]\n\}/g)) {
    found[match[1]] = match[2].split(', ').map((c) => c.replace(/"/g, ''));
  }
  return found;
}

describe('service policies', () => {
  it('provisioner: tenant roles, connections, revoke-prefix with sudo, the two generated policies and server creds; no creds of its own', () => {
    expect(rules(renderProvisionerPolicy())).toEqual({
      'database/config/*': ['create', 'read', 'update'],
      'database/roles/tenant-*': ['create', 'read', 'update', 'delete'],
      'database/roles': ['list'],
      'sys/leases/revoke-prefix/database/creds/tenant-*': ['update', 'sudo'],
      'sys/policies/acl/sysmanage-ingest-tenants': ['create', 'read', 'update'],
      'sys/policies/acl/sysmanage-migrator-tenants': ['create', 'read', 'update'],
      'secret/data/sysmanage/database-servers/*': ['read'],
    });
  });

  it('ingest and migrator: only lease bookkeeping; no creds, no config, no sys/policies', () => {
    const expected = {
      'sys/leases/renew': ['update'],
      'sys/leases/revoke': ['update'],
      'sys/leases/lookup': ['update'],
    };
    for (const hcl of [renderIngestPolicy(), renderMigratorPolicy()]) {
      expect(rules(hcl)).toEqual(expected);
      expect(hcl).not.toMatch(/creds|config|sys\/policies|secret\//);
    }
  });

  it('registry: its own KV settings only, nothing of the database engine', () => {
    expect(rules(renderRegistryPolicy())).toEqual({ 'secret/data/sysmanage/registry/*': ['read'] });
  });

  it('follows other mount names', () => {
    const hcl = renderProvisionerPolicy({ databaseMount: 'pgdb', kvMount: 'kv2' });
    expect(Object.keys(rules(hcl))).toEqual([
      'pgdb/config/*',
      'pgdb/roles/tenant-*',
      'pgdb/roles',
      'sys/leases/revoke-prefix/pgdb/creds/tenant-*',
      'sys/policies/acl/sysmanage-ingest-tenants',
      'sys/policies/acl/sysmanage-migrator-tenants',
      'kv2/data/sysmanage/database-servers/*',
    ]);
    expect(renderServicePolicy('registry', { kvMount: 'kv2' })).toContain(
      'path "kv2/data/sysmanage/registry/*"',
    );
  });

  it('refuses a mount name that could break out of the HCL string', () => {
    const err = (() => {
      try {
        renderProvisionerPolicy({ databaseMount: 'database"}\npath "*' });
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BootstrapError);
    expect(err).toMatchObject({
      code: BootstrapErrorCode.INVALID_INPUT,
      message: expect.stringMatching(/^database mount "database\\"}\\npath \\"\*" is not a plain mount name/),
    });
  });

  it('token policies: the generated policy only for ingest and migrator', () => {
    expect(Object.fromEntries(BOOTSTRAP_SERVICES.map((s) => [s, serviceTokenPolicies(s)]))).toEqual({
      provisioner: ['sysmanage-provisioner'],
      ingest: ['sysmanage-ingest', 'sysmanage-ingest-tenants'],
      migrator: ['sysmanage-migrator', 'sysmanage-migrator-tenants'],
      registry: ['sysmanage-registry'],
    });
  });
});

describe('generated tenant credentials policies', () => {
  it('one explicit read path per tenant, sorted and de-duplicated: app for ingest, owner for migrator', () => {
    expect(rules(renderIngestTenantsPolicy(['beta', 'acme', 'beta']))).toEqual({
      'database/creds/tenant-acme-app': ['read'],
      'database/creds/tenant-beta-app': ['read'],
    });
    expect(rules(renderMigratorTenantsPolicy(['beta', 'acme']))).toEqual({
      'database/creds/tenant-acme-owner': ['read'],
      'database/creds/tenant-beta-owner': ['read'],
    });
    expect(renderIngestTenantsPolicy(['acme'])).not.toContain('*');
  });

  it('grants nothing without tenants (but stays a valid, non-empty policy text)', () => {
    const hcl = renderIngestTenantsPolicy([]);
    expect(rules(hcl)).toEqual({});
    expect(hcl).toContain('# No tenants yet: this policy grants nothing.');
  });

  it.each(['A', '1a', 'a-b', '_x', `a${'b'.repeat(40)}`, 'a"}', 'a*'])('refuses the slug %j', (slug) => {
    expect(() => renderMigratorTenantsPolicy(['ok_one', slug])).toThrow(
      new BootstrapError(
        BootstrapErrorCode.INVALID_INPUT,
        `invalid tenant slug ${JSON.stringify(slug)} for a credentials policy`,
      ),
    );
  });
});
