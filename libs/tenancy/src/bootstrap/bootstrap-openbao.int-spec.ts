import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenBaoClient, OpenBaoErrorCode } from '@sysmanage/openbao';
import { type OpenBaoInstance, type PgInstance, TestEnvironment } from '@sysmanage/testing';
import { bootstrapDatabaseServer } from './bootstrap-database-server';
import { bootstrapOpenBao } from './bootstrap-openbao';
import { readServerCredentials } from './server-credentials';
import { writeTenantCredsPolicies } from './tenant-creds-policies';

jest.setTimeout(120_000);

const SERVER = 'pg-main';

/** A token of `service` obtained only from the files bootstrapOpenBao wrote. */
async function serviceClient(root: OpenBaoClient, outDir: string, service: string): Promise<OpenBaoClient> {
  const roleId = readFileSync(path.join(outDir, `${service}.role-id`), 'utf8').trim();
  const secretId = readFileSync(path.join(outDir, `${service}.secret-id`), 'utf8').trim();
  const login = await root.withToken('').loginAppRole(roleId, secretId);
  return root.withToken(login.token);
}

function tenantRole(kind: 'app' | 'owner') {
  return {
    dbName: SERVER,
    creationStatements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
    ],
    revocationStatements: [`DROP ROLE IF EXISTS "{{name}}";`],
    defaultTtl: kind === 'app' ? 300 : 60,
    maxTtl: 600,
  };
}

describe('bootstrapOpenBao against real OpenBAO', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let bao: OpenBaoInstance;
  let root: OpenBaoClient;
  let outDir: string;

  beforeAll(async () => {
    [pg, bao] = await Promise.all([env.postgres({ name: 'bootstrap-openbao' }), env.openBao()]);
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    outDir = mkdtempSync(path.join(tmpdir(), 'approle-'));
  });
  afterAll(async () => {
    rmSync(outDir, { recursive: true, force: true });
    await env.stopAll();
  });

  it('mounts the engines, writes the policies and one AppRole per service with 0600 role/secret id files', async () => {
    const result = await bootstrapOpenBao({ openBao: root, outDir });
    expect(result).toMatchObject({
      databaseMount: 'database',
      kvMount: 'secret',
      appRoleMount: 'approle',
      staticPolicies: [
        'sysmanage-provisioner',
        'sysmanage-ingest',
        'sysmanage-migrator',
        'sysmanage-registry',
      ],
      createdTenantPolicies: ['sysmanage-ingest-tenants', 'sysmanage-migrator-tenants'],
    });
    expect(result.services.map((s) => [s.service, s.appRole, s.tokenPolicies, s.secretIdWritten])).toEqual([
      ['provisioner', 'sysmanage-provisioner', ['sysmanage-provisioner'], true],
      ['ingest', 'sysmanage-ingest', ['sysmanage-ingest', 'sysmanage-ingest-tenants'], true],
      ['migrator', 'sysmanage-migrator', ['sysmanage-migrator', 'sysmanage-migrator-tenants'], true],
      ['registry', 'sysmanage-registry', ['sysmanage-registry'], true],
    ]);
    await expect(root.readMount('database')).resolves.toMatchObject({
      type: 'database',
      defaultLeaseTtl: 900,
      maxLeaseTtl: 86_400,
    });
    for (const service of result.services) {
      expect(statSync(service.roleIdFile).mode & 0o777).toBe(0o600);
      expect(statSync(service.secretIdFile).mode & 0o777).toBe(0o600);
      expect(service.roleIdFile).toBe(path.join(outDir, `${service.service}.role-id`));
    }
    expect(statSync(outDir).mode & 0o077).toBe(0);
    const ingest = await serviceClient(root, outDir, 'ingest');
    await expect(ingest.lookupSelf()).resolves.toMatchObject({
      policies: ['default', 'sysmanage-ingest', 'sysmanage-ingest-tenants'],
      ttl: expect.any(Number),
    });
    const info = await ingest.lookupSelf();
    expect(info.ttl).toBeGreaterThan(3_500);
    expect(info.ttl).toBeLessThanOrEqual(3_600);
  });

  it('is harmless to re-run: same role ids, existing secret ids kept, a missing one re-issued, generated policies not overwritten', async () => {
    await bootstrapDatabaseServer({
      server: { name: SERVER, host: pg.host, port: pg.port },
      admin: pg.clientConfig(),
      openBao: root,
    });
    await writeTenantCredsPolicies(root, ['keepme']);
    const roleIdBefore = readFileSync(path.join(outDir, 'migrator.role-id'), 'utf8');
    const secretBefore = readFileSync(path.join(outDir, 'migrator.secret-id'), 'utf8');
    rmSync(path.join(outDir, 'registry.secret-id'));
    const again = await bootstrapOpenBao({ openBao: root, outDir });
    expect(again.createdTenantPolicies).toEqual([]);
    expect(again.services.map((s) => [s.service, s.secretIdWritten])).toEqual([
      ['provisioner', false],
      ['ingest', false],
      ['migrator', false],
      ['registry', true],
    ]);
    expect(readFileSync(path.join(outDir, 'migrator.role-id'), 'utf8')).toBe(roleIdBefore);
    expect(readFileSync(path.join(outDir, 'migrator.secret-id'), 'utf8')).toBe(secretBefore);
    await expect(root.readPolicy('sysmanage-ingest-tenants')).resolves.toContain(
      'database/creds/tenant-keepme-app',
    );
    await expect(serviceClient(root, outDir, 'registry')).resolves.toBeInstanceOf(OpenBaoClient);
    await expect(root.readDatabaseConnection('database', SERVER)).resolves.toMatchObject({
      allowedRoles: ['tenant-*'],
    });
  });

  it('denies a service token outside its policy and allows tenant creds only after writeTenantCredsPolicies', async () => {
    await root.writeDatabaseRole('database', 'tenant-xa-app', tenantRole('app'));
    await root.writeDatabaseRole('database', 'tenant-xa-owner', tenantRole('owner'));
    await writeTenantCredsPolicies(root, []);
    const ingest = await serviceClient(root, outDir, 'ingest');
    const migrator = await serviceClient(root, outDir, 'migrator');
    const denied = { code: OpenBaoErrorCode.PERMISSION_DENIED, status: 403 };

    await expect(ingest.generateCredentials('database', 'tenant-xa-app')).rejects.toMatchObject({
      ...denied,
      path: 'database/creds/tenant-xa-app',
    });
    await expect(migrator.generateCredentials('database', 'tenant-xa-owner')).rejects.toMatchObject(denied);

    await expect(writeTenantCredsPolicies(root, ['xa', 'xa'])).resolves.toEqual({
      slugs: ['xa'],
      policies: ['sysmanage-ingest-tenants', 'sysmanage-migrator-tenants'],
    });
    const app = await ingest.generateCredentials('database', 'tenant-xa-app');
    expect(app.username).toMatch(/^v-/);
    await ingest.renewLease(app.leaseId, 60);
    await ingest.revokeLease(app.leaseId);
    await expect(ingest.generateCredentials('database', 'tenant-xa-owner')).rejects.toMatchObject({
      ...denied,
      path: 'database/creds/tenant-xa-owner',
    });
    await expect(ingest.readDatabaseConnection('database', SERVER)).rejects.toMatchObject(denied);
    await expect(
      ingest.putPolicy('sysmanage-ingest-tenants', 'path "*" { capabilities = ["sudo"] }'),
    ).rejects.toMatchObject(denied);
    await expect(readServerCredentials(ingest, SERVER)).rejects.toMatchObject(denied);

    const owner = await migrator.generateCredentials('database', 'tenant-xa-owner');
    await migrator.revokeLease(owner.leaseId);
    await expect(migrator.generateCredentials('database', 'tenant-xa-app')).rejects.toMatchObject(denied);

    await writeTenantCredsPolicies(root, []);
    await expect(ingest.generateCredentials('database', 'tenant-xa-app')).rejects.toMatchObject(denied);
  });

  it('gives the provisioner the tenant roles, the generated policies and server creds, but not creds, other roles or static policies', async () => {
    const provisioner = await serviceClient(root, outDir, 'provisioner');
    const denied = { code: OpenBaoErrorCode.PERMISSION_DENIED, status: 403 };
    await expect(readServerCredentials(provisioner, SERVER)).resolves.toMatchObject({
      username: 'sysmanage_provisioner',
    });
    await provisioner.writeDatabaseRole('database', 'tenant-yb-app', tenantRole('app'));
    await expect(provisioner.listDatabaseRoles('database')).resolves.toContain('tenant-yb-app');
    await provisioner.revokePrefix('database/creds/tenant-yb-');
    await provisioner.deleteDatabaseRole('database', 'tenant-yb-app');
    await expect(writeTenantCredsPolicies(provisioner, ['yb'])).resolves.toMatchObject({ slugs: ['yb'] });
    await expect(
      provisioner.writeDatabaseRole('database', 'admin-role', tenantRole('app')),
    ).rejects.toMatchObject(denied);
    await expect(provisioner.generateCredentials('database', 'tenant-xa-owner')).rejects.toMatchObject(
      denied,
    );
    await expect(
      provisioner.putPolicy('sysmanage-provisioner', 'path "*" { capabilities = ["sudo"] }'),
    ).rejects.toMatchObject(denied);
    await expect(provisioner.deleteDatabaseConnection('database', SERVER)).rejects.toMatchObject(denied);
    await expect(provisioner.kvGet('secret', 'sysmanage/registry/settings')).rejects.toMatchObject(denied);

    const registry = await serviceClient(root, outDir, 'registry');
    await expect(registry.kvGet('secret', 'sysmanage/registry/settings')).resolves.toBeNull();
    await expect(readServerCredentials(registry, SERVER)).rejects.toMatchObject(denied);
    await expect(registry.generateCredentials('database', 'tenant-xa-app')).rejects.toMatchObject(denied);
  });
});
