import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultConfig } from '@sysmanage/config';
import { type OpenBaoInstance, TestEnvironment } from '@sysmanage/testing';
import { OpenBaoClient } from './openbao-client';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import { sleep } from './__fixtures__/pg-fixture';

jest.setTimeout(60_000);

const POLICY = `
path "secret/data/svc/*" {
  capabilities = ["create", "read", "update"]
}
`;

describe('policies and AppRole against real OpenBAO', () => {
  const env = new TestEnvironment();
  let bao: OpenBaoInstance;
  let root: OpenBaoClient;
  let dir: string;

  beforeAll(async () => {
    bao = await env.openBao();
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    dir = mkdtempSync(join(tmpdir(), 'openbao-approle-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await env.stopAll();
  });

  function secretFile(name: string, content: string): string {
    const file = join(dir, name);
    writeFileSync(file, `${content}\n`);
    chmodSync(file, 0o600);
    return file;
  }

  const config = (extra: Partial<VaultConfig>): VaultConfig => ({
    url: bao.url,
    mountPath: 'secret',
    databaseMountPath: 'database',
    ...extra,
  });

  it('writes, reads and deletes a policy', async () => {
    await root.putPolicy('scratch', POLICY);
    await expect(root.readPolicy('scratch')).resolves.toBe(POLICY);
    await root.deletePolicy('scratch');
    await expect(root.readPolicy('scratch')).resolves.toBeNull();
  });

  it('an AppRole login gets a token that is allowed inside its policy and denied (403) outside', async () => {
    await root.putPolicy('svc', POLICY);
    await root.enableAuthMethod('approle', 'approle');
    await root.enableAuthMethod('approle', 'approle'); // idempotent
    await root.writeAppRole('svc', {
      tokenPolicies: ['svc'],
      tokenTtl: 60,
      tokenMaxTtl: 120,
      secretIdTtl: 600,
      bindSecretId: true,
    });
    const roleId = await root.readAppRoleId('svc');
    const secretId = await root.createAppRoleSecretId('svc');
    expect(roleId).toMatch(/^[0-9a-f-]{36}$/);
    expect(secretId.ttl).toBe(600);
    expect(JSON.stringify(secretId)).not.toContain(secretId.secretId);

    const login = await root.loginAppRole(roleId, secretId.secretId);
    expect(login).toMatchObject({ leaseDuration: 60, renewable: true });
    expect(login.policies.sort()).toEqual(['default', 'svc']);
    expect(JSON.stringify(login)).not.toContain(login.token);

    const svc = root.withToken(login.token);
    await expect(svc.kvPut('secret', 'svc/config', { dsn: 'x' })).resolves.toEqual({ version: 1 });
    await expect(svc.kvGet('secret', 'svc/config')).resolves.toEqual({ dsn: 'x' });

    const denied = (await svc.kvGet('secret', 'other/config').catch((e: unknown) => e)) as OpenBaoError;
    expect(denied).toBeInstanceOf(OpenBaoError);
    expect(denied).toMatchObject({
      code: OpenBaoErrorCode.PERMISSION_DENIED,
      status: 403,
      transient: false,
      attempts: 1,
      path: 'secret/data/other/config',
    });
    expect(denied.message).toBe('OpenBAO GET secret/data/other/config failed (403): permission denied');
    await expect(svc.putPolicy('svc', 'path "*" { capabilities = ["sudo"] }')).rejects.toMatchObject({
      code: OpenBaoErrorCode.PERMISSION_DENIED,
      status: 403,
    });

    const self = await svc.lookupSelf();
    expect(self.policies.sort()).toEqual(['default', 'svc']);
    expect(self.ttl).toBeGreaterThan(50);
    await expect(svc.renewSelf(60)).resolves.toMatchObject({ leaseDuration: 60, renewable: true });
  });

  it('refuses a wrong secret id with 400', async () => {
    const roleId = await root.readAppRoleId('svc');
    const err = (await root
      .loginAppRole(roleId, '00000000-0000-0000-0000-000000000000')
      .catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toMatchObject({ code: OpenBaoErrorCode.BAD_REQUEST, status: 400, transient: false });
    expect(err.message).toMatch(/^OpenBAO POST auth\/approle\/login failed \(400\): .*secret id/i);
  });

  it('fromConfig logs in with role_id + secret_id_file', async () => {
    const secretId = await root.createAppRoleSecretId('svc');
    const client = await OpenBaoClient.fromConfig(
      config({
        approle: {
          roleId: await root.readAppRoleId('svc'),
          secretIdFile: secretFile('svc-secret-id', secretId.secretId),
        },
      }),
    );
    try {
      expect((await client.lookupSelf()).policies.sort()).toEqual(['default', 'svc']);
      await expect(client.kvPut('secret', 'svc/from-config', { ok: true })).resolves.toEqual({ version: 1 });
      expect(client.tokenRenewerStats()).toMatchObject({ renewals: 0, reauthentications: 0 });
    } finally {
      client.close();
    }
  });

  it('the TokenRenewer renews a short token and logs in again when it reaches its max TTL', async () => {
    await root.writeAppRole('short', {
      tokenPolicies: ['svc'],
      tokenTtl: 3,
      tokenMaxTtl: 5,
      secretIdTtl: 600,
      bindSecretId: true,
    });
    const secretId = await root.createAppRoleSecretId('short');
    const client = await OpenBaoClient.fromConfig(
      config({
        approle: {
          roleId: await root.readAppRoleId('short'),
          secretIdFile: secretFile('short-secret-id', secretId.secretId),
        },
      }),
    );
    const accessors: string[] = [];
    client.onTokenChange((change) => accessors.push(change.accessor));
    try {
      const first = await client.lookupSelf();
      await sleep(7_000); // renew at ~2 s (3 s granted), at ~4 s only ~1 s is left of the 5 s max: log in again

      const stats = client.tokenRenewerStats();
      expect(stats!.renewals).toBeGreaterThanOrEqual(1);
      expect(stats!.reauthentications).toBeGreaterThanOrEqual(1);
      expect(stats!.renewalFailures + stats!.reauthenticationFailures).toBe(0);
      expect(accessors.length).toBeGreaterThanOrEqual(1);
      const now = await client.lookupSelf(); // the first token has expired by now; this one works
      expect(now.accessor).not.toBe(first.accessor);
      await expect(root.withToken('not-a-token').lookupSelf()).rejects.toMatchObject({
        code: OpenBaoErrorCode.PERMISSION_DENIED,
      });
    } finally {
      client.close();
    }
  });

  it('fromConfig reads a token_file, and names a missing file without leaking anything', async () => {
    const client = await OpenBaoClient.fromConfig(config({ tokenFile: secretFile('token', bao.rootToken) }));
    try {
      await expect(client.lookupSelf()).resolves.toMatchObject({ policies: ['root'], ttl: 0 });
      expect(client.tokenRenewerStats()).toMatchObject({ expiresAt: null });
    } finally {
      client.close();
    }
    const missing = join(dir, 'missing-token');
    await expect(OpenBaoClient.fromConfig(config({ tokenFile: missing }))).rejects.toMatchObject({
      code: OpenBaoErrorCode.AUTH_CONFIG,
      message: `Cannot read the OpenBAO token file ${missing}: ENOENT`,
    });
  });
});
