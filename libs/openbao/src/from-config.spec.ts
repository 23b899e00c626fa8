import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultConfig } from '@sysmanage/config';
import { OpenBaoClient } from './openbao-client';
import { OpenBaoErrorCode } from './openbao-error';
import { FakeClock } from './__fixtures__/fake-clock';
import { FakeVault } from './__fixtures__/fake-vault';

const base: VaultConfig = {
  url: 'http://127.0.0.1:8200',
  mountPath: 'secret',
  databaseMountPath: 'database',
};

describe('OpenBaoClient.fromConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openbao-from-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('logs in with AppRole from the secret id file, uses the token and schedules its renewal', async () => {
    const secretIdFile = join(dir, 'secret-id');
    writeFileSync(secretIdFile, 'the-secret-id\n');
    chmodSync(secretIdFile, 0o600);
    const vault = new FakeVault((r) =>
      r.path === 'auth/approle/login'
        ? {
            auth: {
              client_token: 'hvs.login',
              accessor: 'acc',
              lease_duration: 90,
              renewable: true,
              policies: ['svc'],
            },
          }
        : { data: { ttl: 80, policies: ['svc'], renewable: true } },
    );
    const clock = new FakeClock();
    const client = await OpenBaoClient.fromConfig(
      { ...base, approle: { roleId: 'rid', secretIdFile } },
      { vault, clock },
    );
    expect(vault.requests[0]).toMatchObject({
      method: 'POST',
      path: 'auth/approle/login',
      body: { role_id: 'rid', secret_id: 'the-secret-id' },
      token: '',
    });
    await client.lookupSelf();
    expect(vault.requests[1]).toMatchObject({ path: 'auth/token/lookup-self', token: 'hvs.login' });
    expect(clock.pendingDelays()).toEqual([60_000]);
    expect(client.tokenRenewerStats()).toMatchObject({
      renewals: 0,
      expiresAt: new Date(clock.now() + 90_000),
    });
    client.close();
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('prefers approle over token_file over token', async () => {
    const vault = new FakeVault(() => {
      throw new Error('must not be called');
    });
    const missing = join(dir, 'missing');
    await expect(
      OpenBaoClient.fromConfig(
        { ...base, token: 't', tokenFile: missing, approle: { roleId: 'r', secretIdFile: missing } },
        { vault },
      ),
    ).rejects.toMatchObject({
      code: OpenBaoErrorCode.AUTH_CONFIG,
      message: `Cannot read the OpenBAO AppRole secret id file ${missing}: ENOENT`,
    });
    await expect(
      OpenBaoClient.fromConfig({ ...base, token: 't', tokenFile: missing }, { vault }),
    ).rejects.toThrow(`Cannot read the OpenBAO token file ${missing}: ENOENT`);
    expect(vault.requests).toEqual([]);
  });

  it('refuses an empty secret file without echoing anything', async () => {
    const secretIdFile = join(dir, 'secret-id');
    writeFileSync(secretIdFile, '  \n');
    const vault = new FakeVault(() => ({}));
    await expect(
      OpenBaoClient.fromConfig({ ...base, approle: { roleId: 'r', secretIdFile } }, { vault }),
    ).rejects.toThrow(`The OpenBAO AppRole secret id file ${secretIdFile} is empty`);
  });

  it('refuses a config without any authentication', async () => {
    await expect(OpenBaoClient.fromConfig(base, { vault: new FakeVault(() => ({})) })).rejects.toMatchObject({
      code: OpenBaoErrorCode.AUTH_CONFIG,
      message:
        'vault: config gives no authentication: set vault.approle (role_id + secret_id_file), vault.token_file or vault.token',
    });
  });

  it('a refused login surfaces as the OpenBaoError of the login request', async () => {
    const secretIdFile = join(dir, 'secret-id');
    writeFileSync(secretIdFile, 'wrong');
    const vault = new FakeVault(() => {
      throw Object.assign(new Error('invalid role or secret ID'), {
        response: { statusCode: 400, body: { errors: ['invalid role or secret ID'] } },
      });
    });
    await expect(
      OpenBaoClient.fromConfig({ ...base, approle: { roleId: 'r', secretIdFile } }, { vault }),
    ).rejects.toMatchObject({
      code: OpenBaoErrorCode.BAD_REQUEST,
      status: 400,
      message: 'OpenBAO POST auth/approle/login failed (400): invalid role or secret ID',
    });
  });
});
