import { freePort, TestEnvironment } from '@sysmanage/testing';
import { OpenBaoClient } from './openbao-client';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';

jest.setTimeout(60_000);

describe('kv v2 and failure classification against real OpenBAO', () => {
  const env = new TestEnvironment();
  afterAll(() => env.stopAll());

  it('puts and gets kv v2 data, right after mounting a new kv v2 engine', async () => {
    const bao = await env.openBao();
    const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    await root.enableSecretsEngine('kv-app', 'kv', { options: { version: '2' } });
    // A fresh kv v2 mount may answer 400 "Waiting for the primary to upgrade" for a moment: kv calls retry through it.
    await expect(root.kvPut('kv-app', 'tenants/acme', { plan: 'pro', seats: 5 })).resolves.toEqual({
      version: 1,
    });
    await expect(root.kvPut('kv-app', 'tenants/acme', { plan: 'enterprise', seats: 50 })).resolves.toEqual({
      version: 2,
    });
    await expect(root.kvGet('kv-app', 'tenants/acme')).resolves.toEqual({ plan: 'enterprise', seats: 50 });
    await expect(root.kvGet('kv-app', 'tenants/none')).resolves.toBeNull();
    await root.kvDelete('kv-app', 'tenants/acme');
    await expect(root.kvGet('kv-app', 'tenants/acme')).resolves.toBeNull();
    await expect(root.health()).resolves.toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
      version: '1.14.2',
    });
  });

  it('a sealed server answers 503 SEALED, retried then surfaced as transient; health reports sealed', async () => {
    const bao = await env.openBao();
    const root = new OpenBaoClient({
      url: bao.url,
      token: bao.rootToken,
      retry: { attempts: 3, baseDelayMs: 20 },
    });
    await root.kvPut('secret', 'a', { x: 1 });
    await fetch(`${bao.url}/v1/sys/seal`, { method: 'PUT', headers: { 'X-Vault-Token': bao.rootToken } });

    await expect(root.health()).resolves.toMatchObject({ initialized: true, sealed: true });
    const err = (await root.readPolicy('default').catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toBeInstanceOf(OpenBaoError);
    expect(err).toMatchObject({ code: OpenBaoErrorCode.SEALED, status: 503, transient: true, attempts: 3 });
    expect(err.message).toBe(
      'OpenBAO GET sys/policies/acl/default failed (503): Vault is sealed (after 3 attempts)',
    );
  });

  it('no server: UNREACHABLE, transient, retried with backoff; health throws too', async () => {
    const port = await freePort();
    const client = new OpenBaoClient({
      url: `http://127.0.0.1:${port}`,
      token: 'x',
      retry: { attempts: 4, baseDelayMs: 20 },
    });
    const started = Date.now();
    const err = (await client.lookupSelf().catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toMatchObject({
      code: OpenBaoErrorCode.UNREACHABLE,
      status: null,
      transient: true,
      networkCode: 'ECONNREFUSED',
      attempts: 4,
    });
    expect(err.message).toBe(
      `OpenBAO GET auth/token/lookup-self failed (unreachable): ECONNREFUSED connecting to http://127.0.0.1:${port} (after 4 attempts)`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40); // at least half of each backoff step
    await expect(client.health()).rejects.toMatchObject({ code: OpenBaoErrorCode.UNREACHABLE, attempts: 1 });
  });
});
