import { TestEnvironment } from '@sysmanage/testing';
import { LeaseCache } from './lease-cache';
import type { CredentialRotation } from './lease-cache.types';
import { OpenBaoClient } from './openbao-client';
import {
  dynamicRole,
  eventually,
  type PgFixture,
  preparePg,
  queryAs,
  sleep,
  within,
} from './__fixtures__/pg-fixture';

jest.setTimeout(90_000);

const MOUNT = 'database';
const CONNECTION = 'pg-main';

/** VALID UNTIL of a role, in ms since the epoch. */
async function validUntil(fx: PgFixture, username: string): Promise<number> {
  const [row] = await fx.pg.query<{ until: Date }>(
    `SELECT rolvaliduntil AS until FROM pg_roles WHERE rolname = $1`,
    [username],
  );
  return row.until.getTime();
}

describe('lease lifetimes against real OpenBAO and PostgreSQL', () => {
  const env = new TestEnvironment();
  let root: OpenBaoClient;
  let fx: PgFixture;

  beforeAll(async () => {
    const [pg, bao] = await Promise.all([env.postgres({ name: 'openbao-leases' }), env.openBao()]);
    fx = await preparePg(pg);
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    await root.enableSecretsEngine(MOUNT, 'database', { defaultLeaseTtl: '1m', maxLeaseTtl: '10m' });
    await root.writeDatabaseConnection(MOUNT, CONNECTION, {
      connectionUrl: fx.connectionUrl,
      username: fx.adminUser,
      password: fx.adminPassword,
      allowedRoles: ['short', 'renewable', 'capped', 'cached', 'rotating'],
      passwordAuthentication: 'scram-sha-256',
    });
    await root.writeDatabaseRole(MOUNT, 'short', dynamicRole(fx, CONNECTION, 3, 3));
    await root.writeDatabaseRole(MOUNT, 'renewable', dynamicRole(fx, CONNECTION, 10, 60));
    await root.writeDatabaseRole(MOUNT, 'capped', dynamicRole(fx, CONNECTION, 4, 6));
    await root.writeDatabaseRole(MOUNT, 'cached', dynamicRole(fx, CONNECTION, 3, 60));
    await root.writeDatabaseRole(MOUNT, 'rotating', dynamicRole(fx, CONNECTION, 3, 5));
  });
  afterAll(() => env.stopAll());

  it('a short-TTL credential stops working after it expires', async () => {
    const credential = await root.generateCredentials(MOUNT, 'short');
    expect(credential.leaseDuration).toBe(3);
    await expect(queryAs(fx, credential, 'SELECT current_user AS who')).resolves.toEqual([
      { who: credential.username },
    ]);

    await sleep(credential.expiresAt.getTime() - Date.now() + 1_500);

    await expect(queryAs(fx, credential, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    // OpenBAO's expiration manager also revoked it: the role is gone.
    const dropped = await eventually(
      async () =>
        (await fx.pg.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [credential.username])).length === 0,
      10_000,
    );
    expect(dropped).toBe(true);
  });

  it('renewLease extends the lease and the role’s VALID UNTIL', async () => {
    const credential = await root.generateCredentials(MOUNT, 'renewable');
    const before = await root.lookupLease(credential.leaseId);
    const untilBefore = await validUntil(fx, credential.username);
    await sleep(2_500);

    const renewal = await root.renewLease(credential.leaseId, 10);

    expect(renewal).toEqual({ leaseId: credential.leaseId, leaseDuration: 10, renewable: true });
    const after = await root.lookupLease(credential.leaseId);
    expect(after!.expireTime!.getTime() - before!.expireTime!.getTime()).toBeGreaterThanOrEqual(2_000);
    expect((await validUntil(fx, credential.username)) - untilBefore).toBeGreaterThanOrEqual(2_000);
    await expect(queryAs(fx, credential, 'SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    await root.revokeLease(credential.leaseId);
  });

  it('a renewal near the max TTL grants less than asked', async () => {
    const credential = await root.generateCredentials(MOUNT, 'capped');
    await sleep(3_000);
    const renewal = await root.renewLease(credential.leaseId, 4);
    expect(renewal.leaseDuration).toBeLessThanOrEqual(3);
    expect(renewal.leaseDuration).toBeGreaterThan(0);
    await root.revokeLease(credential.leaseId);
  });

  it('LeaseCache renews a short lease for real: the same login outlives its first TTL', async () => {
    const cache = new LeaseCache(root);
    const [a, b] = await Promise.all([cache.get(MOUNT, 'cached'), cache.get(MOUNT, 'cached')]);
    expect(a).toBe(b);
    expect(a.leaseDuration).toBe(3);

    await sleep(5_000); // past the first expiry (3 s); renewals at ~2 s and ~4 s

    expect(cache.stats()).toMatchObject({ leasesIssued: 1, renewalFailures: 0, rotations: 0 });
    expect(cache.stats().renewals).toBeGreaterThanOrEqual(2);
    const current = await cache.get(MOUNT, 'cached');
    expect(current.username).toBe(a.username);
    expect(current.expiresAt.getTime()).toBeGreaterThan(a.expiresAt.getTime());
    await expect(queryAs(fx, current, 'SELECT current_user AS who')).resolves.toEqual([{ who: a.username }]);

    await cache.close({ revoke: true });
    await expect(queryAs(fx, current, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
  });

  it('LeaseCache leases anew when the lease reaches its max TTL and announces the rotation', async () => {
    const cache = new LeaseCache(root);
    const rotated = new Promise<CredentialRotation>((resolve) => cache.onRotated(resolve));
    const first = await cache.get(MOUNT, 'rotating');

    const rotation = await within(rotated, 10_000);

    expect(rotation).not.toBeNull();
    expect(rotation!.reason).toBe('max-ttl');
    expect(rotation!.previous.username).toBe(first.username);
    expect(rotation!.current.username).not.toBe(first.username);
    await expect(cache.get(MOUNT, 'rotating')).resolves.toBe(rotation!.current);
    await expect(queryAs(fx, rotation!.current, 'SELECT current_user AS who')).resolves.toEqual([
      { who: rotation!.current.username },
    ]);
    // invalidate revokes the current lease (and the rotated-away one, if still valid): neither login works.
    await cache.invalidate(MOUNT, 'rotating');
    await expect(queryAs(fx, rotation!.current, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    await expect(queryAs(fx, rotation!.previous, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    await cache.close();
  });
});
