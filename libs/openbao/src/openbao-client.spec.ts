import { inspect } from 'node:util';
import { OpenBaoClient } from './openbao-client';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import { ImmediateClock } from './__fixtures__/fake-clock';
import { type FakeHandler, FakeVault, httpError, networkError } from './__fixtures__/fake-vault';

function client(
  handler: FakeHandler,
  attempts = 4,
): { bao: OpenBaoClient; vault: FakeVault; clock: ImmediateClock } {
  const vault = new FakeVault(handler);
  const clock = new ImmediateClock();
  const bao = new OpenBaoClient({
    url: 'http://127.0.0.1:8200',
    token: 't0ken',
    vault,
    clock,
    random: () => 0,
    retry: { attempts, baseDelayMs: 100 },
  });
  return { bao, vault, clock };
}

const creds = {
  lease_id: 'database/creds/app/abc',
  lease_duration: 300,
  renewable: true,
  data: { username: 'v-app-x', password: 's3cret-pw' },
};

describe('OpenBaoClient requests', () => {
  it('writes a database role with the plugin fields and TTLs', async () => {
    const { bao, vault } = client(() => '');
    await bao.writeDatabaseRole('database', 'tenant-acme-app', {
      dbName: 'pg-main',
      creationStatements: ['CREATE ROLE "{{name}}"'],
      revocationStatements: ['DROP ROLE "{{name}}"'],
      defaultTtl: 900,
      maxTtl: '1h',
    });
    expect(vault.requests).toEqual([
      {
        method: 'POST',
        path: 'database/roles/tenant-acme-app',
        token: 't0ken',
        body: {
          db_name: 'pg-main',
          creation_statements: ['CREATE ROLE "{{name}}"'],
          revocation_statements: ['DROP ROLE "{{name}}"'],
          renew_statements: [],
          default_ttl: 900,
          max_ttl: '1h',
        },
      },
    ]);
  });

  it('writes a PostgreSQL connection with verify_connection on by default', async () => {
    const { bao, vault } = client(() => '');
    await bao.writeDatabaseConnection('database', 'pg-main', {
      connectionUrl: 'postgresql://{{username}}:{{password}}@db:5432/postgres',
      username: 'vault_admin',
      password: 'pw',
      allowedRoles: ['tenant-*'],
      passwordAuthentication: 'scram-sha-256',
    });
    expect(vault.requests[0].body).toEqual({
      plugin_name: 'postgresql-database-plugin',
      connection_url: 'postgresql://{{username}}:{{password}}@db:5432/postgres',
      username: 'vault_admin',
      password: 'pw',
      allowed_roles: ['tenant-*'],
      verify_connection: true,
      password_authentication: 'scram-sha-256',
    });
  });

  it('parses a credential and hides its password from JSON and inspect', async () => {
    const { bao } = client(() => creds);
    const credential = await bao.generateCredentials('database', 'app');
    expect(credential).toMatchObject({
      leaseId: 'database/creds/app/abc',
      leaseDuration: 300,
      renewable: true,
      username: 'v-app-x',
      password: 's3cret-pw',
    });
    expect(credential.expiresAt.getTime() - credential.obtainedAt.getTime()).toBe(300_000);
    expect(JSON.stringify(credential)).not.toContain('s3cret-pw');
    expect(JSON.stringify(credential)).toContain('"password":"[redacted]"');
    expect(inspect(credential)).not.toContain('s3cret-pw');
  });

  it('returns null / [] for absent roles, connections, policies and kv keys', async () => {
    const { bao } = client(() => {
      throw httpError(404);
    });
    await expect(bao.readDatabaseRole('database', 'gone')).resolves.toBeNull();
    await expect(bao.readDatabaseConnection('database', 'gone')).resolves.toBeNull();
    await expect(bao.readPolicy('gone')).resolves.toBeNull();
    await expect(bao.kvGet('secret', 'a/b')).resolves.toBeNull();
    await expect(bao.listDatabaseRoles('database')).resolves.toEqual([]);
  });

  it('lists with GET ?list=true', async () => {
    const { bao, vault } = client(() => ({ data: { keys: ['a', 'b'] } }));
    await expect(bao.listDatabaseRoles('database')).resolves.toEqual(['a', 'b']);
    expect(vault.paths()).toEqual(['GET database/roles?list=true']);
  });

  it('refuses path-walking names before sending anything', async () => {
    const { bao, vault } = client(() => creds);
    const err = await bao.generateCredentials('database', '../sys/raw').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenBaoError);
    expect(err).toMatchObject({ code: OpenBaoErrorCode.INVALID_ARGUMENT, status: null });
    expect((err as Error).message).toContain('Invalid role name "../sys/raw"');
    await expect(bao.kvGet('secret', 'a/../../sys')).rejects.toMatchObject({
      code: OpenBaoErrorCode.INVALID_ARGUMENT,
    });
    await expect(
      bao.writeDatabaseRole('database', 'x', {
        dbName: 'd',
        creationStatements: [],
        revocationStatements: [],
        defaultTtl: -1,
        maxTtl: 1,
      }),
    ).rejects.toThrow('Invalid defaultTtl -1');
    expect(vault.requests).toEqual([]);
  });

  it('uses the modern lease paths', async () => {
    const { bao, vault } = client((r) =>
      r.path === 'sys/leases/renew'
        ? { lease_id: 'database/creds/app/abc', lease_duration: 60, renewable: true }
        : '',
    );
    await expect(bao.renewLease('database/creds/app/abc', 60)).resolves.toEqual({
      leaseId: 'database/creds/app/abc',
      leaseDuration: 60,
      renewable: true,
    });
    await bao.revokeLease('database/creds/app/abc');
    await bao.revokePrefix('database/creds/app');
    expect(vault.requests.map((r) => [r.path, r.body])).toEqual([
      ['sys/leases/renew', { lease_id: 'database/creds/app/abc', increment: 60 }],
      ['sys/leases/revoke', { lease_id: 'database/creds/app/abc' }],
      ['sys/leases/revoke-prefix/database/creds/app', {}],
    ]);
  });
});

describe('OpenBaoClient idempotent enabling', () => {
  it('accepts an engine of the same type already mounted, and tunes its TTLs', async () => {
    const { bao, vault } = client((r) => {
      if (r.method === 'POST' && r.path === 'sys/mounts/database')
        throw httpError(400, ['path is already in use at database/']);
      if (r.path === 'sys/mounts/database')
        return {
          data: { type: 'database', config: { default_lease_ttl: 60, max_lease_ttl: 120 }, options: {} },
        };
      return '';
    });
    await bao.enableSecretsEngine('database', 'database', { defaultLeaseTtl: '15m', maxLeaseTtl: '1h' });
    expect(vault.paths()).toEqual([
      'POST sys/mounts/database',
      'GET sys/mounts/database',
      'POST sys/mounts/database/tune',
    ]);
    expect(vault.requests[2].body).toEqual({ default_lease_ttl: '15m', max_lease_ttl: '1h' });
  });

  it('refuses when another type is mounted there', async () => {
    const { bao } = client((r) => {
      if (r.method === 'POST') throw httpError(400, ['path is already in use at database/']);
      return {
        data: { type: 'kv', config: { default_lease_ttl: 0, max_lease_ttl: 0 }, options: { version: '2' } },
      };
    });
    await expect(bao.enableSecretsEngine('database', 'database')).rejects.toMatchObject({
      code: OpenBaoErrorCode.BAD_REQUEST,
      status: 400,
      message:
        'OpenBAO POST sys/mounts/database failed (400): database/ is already mounted as type kv v2, not database',
    });
  });

  it('accepts an auth method of the same type', async () => {
    const { bao, vault } = client((r) => {
      if (r.method === 'POST') throw httpError(400, ['path is already in use at approle/']);
      return { data: { type: 'approle' } };
    });
    await bao.enableAuthMethod('approle', 'approle');
    expect(vault.paths()).toEqual(['POST sys/auth/approle', 'GET sys/auth/approle']);
    await expect(bao.enableAuthMethod('approle', 'userpass')).rejects.toThrow(
      'auth/approle/ is already enabled as approle, not userpass',
    );
  });
});

describe('OpenBaoClient retries', () => {
  it('retries 503 sealed with backoff, then succeeds', async () => {
    let calls = 0;
    const { bao, clock } = client(() => {
      calls += 1;
      if (calls < 3) throw httpError(503, ['Vault is sealed']);
      return { data: { policy: 'path "x" {}' } };
    });
    await expect(bao.readPolicy('p')).resolves.toBe('path "x" {}');
    expect(calls).toBe(3);
    expect(clock.delays).toEqual([50, 100]);
  });

  it('surfaces transient failures after the configured attempts, saying how many', async () => {
    const { bao, vault } = client(() => {
      throw networkError('ECONNREFUSED');
    }, 3);
    const err = (await bao.lookupSelf().catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toMatchObject({
      code: OpenBaoErrorCode.UNREACHABLE,
      transient: true,
      attempts: 3,
      status: null,
      path: 'auth/token/lookup-self',
    });
    expect(err.message).toBe(
      'OpenBAO GET auth/token/lookup-self failed (unreachable): ECONNREFUSED connecting to http://127.0.0.1:8200 (after 3 attempts)',
    );
    expect(vault.requests).toHaveLength(3);
  });

  it.each([
    [400, ['invalid']],
    [403, ['permission denied']],
    [500, ['1 error occurred:\n\t* "app" is not an allowed role\n\n']],
  ])('does not retry a permanent %i', async (status, errors) => {
    const { bao, vault } = client(() => {
      throw httpError(status, errors);
    });
    const err = (await bao.generateCredentials('database', 'app').catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toMatchObject({ status, transient: false, attempts: 1 });
    expect(err.message).toMatch(/^OpenBAO GET database\/creds\/app failed/);
    expect(vault.requests).toHaveLength(1);
  });

  it('retries 429 and a 500 from an unreachable database', async () => {
    const answers = [
      httpError(429, ['rate limit quota exceeded']),
      httpError(500, ['unable to start transaction: dial tcp: connection refused']),
    ];
    const { bao, vault } = client(() => {
      const next = answers.shift();
      if (next) throw next;
      return creds;
    });
    await expect(bao.generateCredentials('database', 'app')).resolves.toMatchObject({ username: 'v-app-x' });
    expect(vault.requests).toHaveLength(3);
  });

  it('does not repeat credential issuance after a timeout or reset (it may have been processed)', async () => {
    for (const code of ['ECONNABORTED', 'ECONNRESET']) {
      const { bao, vault } = client(() => {
        throw networkError(code, code === 'ECONNABORTED' ? 'timeout of 10000ms exceeded' : code);
      });
      await expect(bao.generateCredentials('database', 'app')).rejects.toMatchObject({
        transient: true,
        attempts: 1,
      });
      expect(vault.requests).toHaveLength(1);
    }
  });

  it('does repeat credential issuance after connection refused (never sent)', async () => {
    let calls = 0;
    const { bao } = client(() => {
      calls += 1;
      if (calls === 1) throw networkError('ECONNREFUSED');
      return creds;
    });
    await expect(bao.generateCredentials('database', 'app')).resolves.toMatchObject({
      leaseId: 'database/creds/app/abc',
    });
    expect(calls).toBe(2);
  });

  it('retries kv reads through the "Waiting for the primary to upgrade" window', async () => {
    let calls = 0;
    const { bao } = client(() => {
      calls += 1;
      if (calls <= 5)
        throw httpError(400, [
          'Waiting for the primary to upgrade from non-versioned to versioned data. Please try again.',
        ]);
      return { data: { data: { a: 1 }, metadata: { version: 1 } } };
    }, 2);
    await expect(bao.kvGet('kv2', 'cfg')).resolves.toEqual({ a: 1 });
    expect(calls).toBe(6);
  });

  it('health reports a sealed server instead of throwing, and does not retry', async () => {
    const { bao, vault } = client(() => ({
      initialized: true,
      sealed: true,
      standby: true,
      version: '1.14.2',
    }));
    await expect(bao.health()).resolves.toEqual({
      initialized: true,
      sealed: true,
      standby: true,
      version: '1.14.2',
      clusterName: null,
    });
    expect(vault.paths()).toEqual(['GET sys/health?standbyok=true&perfstandbyok=true']);
  });
});

describe('OpenBaoClient tokens', () => {
  it('login parses auth and hides the token; lookupSelf never returns the token id', async () => {
    const { bao } = client((r) =>
      r.path === 'auth/approle/login'
        ? {
            auth: {
              client_token: 'hvs.secret',
              accessor: 'acc',
              lease_duration: 60,
              renewable: true,
              policies: ['default', 'svc'],
            },
          }
        : {
            data: {
              id: 'hvs.secret',
              accessor: 'acc',
              display_name: 'approle',
              policies: ['default'],
              ttl: 42,
              renewable: true,
              expire_time: '2026-01-01T00:01:00Z',
            },
          },
    );
    const auth = await bao.loginAppRole('role-id', 'secret-id');
    expect(auth).toMatchObject({
      token: 'hvs.secret',
      accessor: 'acc',
      leaseDuration: 60,
      renewable: true,
      policies: ['default', 'svc'],
    });
    expect(JSON.stringify(auth)).not.toContain('hvs.secret');
    const info = await bao.lookupSelf();
    expect(info).toEqual({
      accessor: 'acc',
      displayName: 'approle',
      policies: ['default'],
      ttl: 42,
      renewable: true,
      expireTime: new Date('2026-01-01T00:01:00Z'),
    });
    expect(JSON.stringify(info)).not.toContain('hvs.secret');
  });

  it('setToken switches the token sent and tells listeners about replacements only', async () => {
    const { bao, vault } = client(() => ({ data: { ttl: 0, policies: [] } }));
    const changes: string[] = [];
    bao.onTokenChange((c) => changes.push(c.accessor));
    bao.setToken('t0ken');
    bao.setToken('second', { accessor: 'acc-2', leaseDuration: 60, policies: [] });
    await bao.lookupSelf();
    expect(vault.requests[0].token).toBe('second');
    expect(changes).toEqual(['acc-2']);
  });

  it('answers a malformed body with a SERVER_ERROR naming the field', async () => {
    const { bao } = client(() => ({ lease_id: 'x', data: { username: 'u' } }));
    await expect(bao.generateCredentials('database', 'app')).rejects.toThrow(
      'OpenBAO database/creds/app answered without a valid "lease_duration" field',
    );
  });
});
