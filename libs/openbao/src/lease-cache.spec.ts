import { LeaseCache } from './lease-cache';
import { LeaseCacheError, LeaseCacheErrorCode } from './lease-cache-error';
import type { CredentialRotation } from './lease-cache.types';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import { FakeClock, flushAsync } from './__fixtures__/fake-clock';
import { FakeLeaseSource } from './__fixtures__/fake-lease-source';

function setup(options: ConstructorParameters<typeof LeaseCache>[1] = {}) {
  const clock = new FakeClock();
  const source = new FakeLeaseSource(clock);
  const cache = new LeaseCache(source, { clock, ...options });
  const rotations: CredentialRotation[] = [];
  cache.onRotated((r) => rotations.push(r));
  return { clock, source, cache, rotations };
}

const refused = new OpenBaoError('OpenBAO POST sys/leases/renew failed (400): lease not found', {
  code: OpenBaoErrorCode.BAD_REQUEST,
  status: 400,
  path: 'sys/leases/renew',
  transient: false,
});

describe('LeaseCache single flight', () => {
  it('shares one lease request between concurrent callers and caches the result', async () => {
    const { source, cache } = setup();
    source.hold();
    const callers = Promise.all([1, 2, 3, 4, 5].map(() => cache.get('database', 'app')));
    await flushAsync();
    expect(source.generateCalls).toEqual(['database/app']);
    source.release();
    const credentials = await callers;
    expect(new Set(credentials.map((c) => c.username))).toEqual(new Set(['v-app-1']));
    await expect(cache.get('database', 'app')).resolves.toBe(credentials[0]);
    expect(source.generateCalls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ leasesIssued: 1, cached: 1 });
  });

  it('keeps roles apart', async () => {
    const { source, cache } = setup();
    const [a, b] = await Promise.all([
      cache.get('database', 'tenant-a-app'),
      cache.get('database', 'tenant-b-app'),
    ]);
    expect(a.username).not.toBe(b.username);
    expect(source.generateCalls.sort()).toEqual(['database/tenant-a-app', 'database/tenant-b-app']);
  });

  it('does not cache a failed lease: the caller gets the error, the next get tries again', async () => {
    const { source, cache } = setup();
    source.failGenerate = refused;
    await expect(cache.get('database', 'app')).rejects.toBe(refused);
    source.failGenerate = null;
    await expect(cache.get('database', 'app')).resolves.toMatchObject({ username: 'v-app-1' });
    expect(source.generateCalls).toHaveLength(2);
  });
});

describe('LeaseCache renewal', () => {
  it('renews at 2/3 of the lease, asking for the original duration, and again 2/3 after each renewal', async () => {
    const { clock, source, cache } = setup();
    const credential = await cache.get('database', 'app');
    expect(clock.pendingDelays()).toEqual([20_000]);
    await clock.advance(19_999);
    expect(source.renewCalls).toEqual([]);
    await clock.advance(1);
    expect(source.renewCalls).toEqual([{ leaseId: credential.leaseId, increment: 30 }]);
    expect(clock.pendingDelays()).toEqual([20_000]);
    await clock.advance(20_000);
    expect(source.renewCalls).toHaveLength(2);
    expect(source.generateCalls).toHaveLength(1);
    const renewed = await cache.get('database', 'app');
    expect(renewed.username).toBe(credential.username);
    expect(renewed.expiresAt.getTime()).toBe(clock.now() + 30_000);
    expect(JSON.stringify(renewed)).not.toContain(renewed.password);
    expect(cache.stats()).toMatchObject({ renewals: 2, renewalFailures: 0, rotations: 0 });
  });

  it('honours a custom renewAtFraction', async () => {
    const { clock, cache } = setup({ renewAtFraction: 0.5 });
    await cache.get('database', 'app');
    expect(clock.pendingDelays()).toEqual([15_000]);
  });

  it('leases anew when renewal is refused and announces the rotation; the old lease is not revoked', async () => {
    const failures: unknown[] = [];
    const { clock, source, cache, rotations } = setup({
      hooks: { onRenewalFailed: (_m, _r, err) => failures.push(err) },
    });
    const first = await cache.get('database', 'app');
    source.renew = () => {
      throw refused;
    };
    await clock.advance(20_000);
    const second = await cache.get('database', 'app');
    expect(second.username).toBe('v-app-2');
    expect(rotations.map((r) => [r.reason, r.previous.username, r.current.username])).toEqual([
      ['renewal-failed', 'v-app-1', 'v-app-2'],
    ]);
    expect(failures).toEqual([refused]);
    expect(cache.stats()).toMatchObject({ leasesIssued: 2, renewalFailures: 1, rotations: 1, renewals: 0 });
    expect(source.revoked).toEqual([]);
    expect(first.expiresAt.getTime()).toBeGreaterThan(clock.now());
    expect(clock.pendingDelays()).toEqual([20_000]);
  });

  it('leases anew when a renewal grants less than asked (max TTL near)', async () => {
    const { clock, source, cache, rotations } = setup();
    const first = await cache.get('database', 'app');
    source.renew = (leaseId) => ({ leaseId, leaseDuration: 12, renewable: true });
    await clock.advance(20_000);
    expect(source.renewCalls).toHaveLength(1);
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).toMatchObject({
      mount: 'database',
      role: 'app',
      reason: 'max-ttl',
      current: { username: 'v-app-2' },
    });
    expect(rotations[0].previous.username).toBe(first.username);
    // The previous credential reports the capped expiry it actually has.
    expect(rotations[0].previous.expiresAt.getTime()).toBe(clock.now() + 12_000);
    expect(source.revoked).toEqual([]);
  });

  it('leases anew when a renewal grants less than minGrantSeconds', async () => {
    const { clock, source, cache, rotations } = setup({ minGrantSeconds: 60 });
    await cache.get('database', 'app');
    await clock.advance(20_000);
    expect(source.renewCalls).toHaveLength(1);
    expect(rotations.map((r) => r.reason)).toEqual(['max-ttl']);
  });

  it('tolerates a grant one second short (server rounding) without rotating', async () => {
    const { clock, source, cache, rotations } = setup();
    await cache.get('database', 'app');
    source.renew = (leaseId) => ({ leaseId, leaseDuration: 29, renewable: true });
    await clock.advance(20_000);
    expect(rotations).toEqual([]);
    expect(clock.pendingDelays()).toEqual([Math.round((29_000 * 2) / 3)]);
  });

  it('re-leases a non-renewable lease at 2/3 without trying to renew it', async () => {
    const { clock, source, cache, rotations } = setup();
    source.renewable = false;
    await cache.get('database', 'app');
    await clock.advance(20_000);
    expect(source.renewCalls).toEqual([]);
    expect(rotations.map((r) => r.reason)).toEqual(['not-renewable']);
  });

  it('retries a failed re-lease while the old credential lasts, serving the old one meanwhile', async () => {
    const { clock, source, cache, rotations } = setup({ retryDelayMs: 2_000 });
    const first = await cache.get('database', 'app');
    source.renew = () => {
      throw refused;
    };
    source.failGenerate = new OpenBaoError('down', {
      code: OpenBaoErrorCode.UNREACHABLE,
      status: null,
      path: null,
      transient: true,
    });
    await clock.advance(20_000);
    expect(cache.stats().rotationFailures).toBe(1);
    await expect(cache.get('database', 'app')).resolves.toBe(first);
    await clock.advance(2_000);
    expect(cache.stats().rotationFailures).toBe(2);
    source.failGenerate = null;
    await clock.advance(2_000);
    expect(rotations.map((r) => [r.reason, r.current.username])).toEqual([['renewal-failed', 'v-app-2']]);
  });

  it('drops a credential that expired while re-leasing failed; the next lease is announced as expired', async () => {
    const { clock, source, cache, rotations } = setup({ retryDelayMs: 60_000 });
    await cache.get('database', 'app');
    source.renew = () => {
      throw refused;
    };
    const down = new OpenBaoError('down', {
      code: OpenBaoErrorCode.UNREACHABLE,
      status: null,
      path: null,
      transient: true,
    });
    source.failGenerate = down;
    await clock.advance(40_000);
    expect(cache.peek('database', 'app')).toBeNull();
    expect(cache.stats().cached).toBe(0);
    await expect(cache.get('database', 'app')).rejects.toBe(down);
    source.failGenerate = null;
    await expect(cache.get('database', 'app')).resolves.toMatchObject({ username: 'v-app-2' });
    expect(rotations.map((r) => [r.reason, r.previous.username, r.current.username])).toEqual([
      ['expired', 'v-app-1', 'v-app-2'],
    ]);
  });

  it('does not hand out a credential within the expiry margin', async () => {
    const { clock, source, cache } = setup({ renewAtFraction: 0.99, expiryMarginMs: 1_000 });
    source.leaseSeconds = 100;
    source.renew = () => {
      throw refused;
    };
    await cache.get('database', 'app');
    source.hold();
    await clock.advance(99_000); // renewal fails at 99 s, re-lease is held: 1 s left = inside the margin
    const pending = cache.get('database', 'app');
    source.release();
    await expect(pending).resolves.toMatchObject({ username: 'v-app-2' });
  });

  it('re-leases everything when the client token changes', async () => {
    const { source, cache, rotations } = setup();
    await cache.get('database', 'a');
    await cache.get('database', 'b');
    source.changeToken();
    await flushAsync();
    expect(rotations.map((r) => [r.role, r.reason]).sort()).toEqual([
      ['a', 'token-changed'],
      ['b', 'token-changed'],
    ]);
  });

  it('keeps renewing when a listener throws, and reports hooks', async () => {
    const { clock, source } = setup();
    const issued: string[] = [];
    const renewed: number[] = [];
    const cache = new LeaseCache(source, {
      clock,
      hooks: {
        onLeaseIssued: (_m, _r, c) => issued.push(c.username),
        onRenewed: (_m, _r, r) => renewed.push(r.leaseDuration),
      },
    });
    cache.onRotated(() => {
      throw new Error('listener bug');
    });
    await cache.get('database', 'app');
    source.renew = (leaseId) => ({ leaseId, leaseDuration: 5, renewable: true });
    await clock.advance(20_000);
    expect(issued).toEqual(['v-app-1', 'v-app-2']);
    expect(renewed).toEqual([5]);
    expect(clock.pendingDelays()).toEqual([20_000]);
    await cache.close();
  });
});

describe('LeaseCache invalidate and close', () => {
  it('invalidate revokes the current and rotated-away leases and forgets them', async () => {
    const { clock, source, cache } = setup();
    await cache.get('database', 'app');
    source.renew = (leaseId) => ({ leaseId, leaseDuration: 12, renewable: true });
    await clock.advance(20_000); // rotated: lease-1 retired (valid 12 s more), lease-2 current
    await cache.invalidate('database', 'app');
    expect(source.revoked.sort()).toEqual(['database/creds/app/lease-1', 'database/creds/app/lease-2']);
    expect(cache.peek('database', 'app')).toBeNull();
    expect(clock.pendingDelays()).toEqual([]);
    await expect(cache.get('database', 'app')).resolves.toMatchObject({ username: 'v-app-3' });
    expect(cache.stats().revocations).toBe(2);
  });

  it('a lease arriving after invalidate is revoked and its caller told so', async () => {
    const { source, cache } = setup();
    source.hold();
    const pending = cache.get('database', 'app');
    await flushAsync();
    const invalidated = cache.invalidate('database', 'app');
    source.release();
    const err = await pending.catch((e: unknown) => e);
    await invalidated;
    expect(err).toBeInstanceOf(LeaseCacheError);
    expect(err).toMatchObject({
      code: LeaseCacheErrorCode.INVALIDATED,
      message: 'database/creds/app was invalidated while leasing; the new lease was revoked',
    });
    expect(source.revoked).toEqual(['database/creds/app/lease-1']);
  });

  it('invalidate propagates a failed revocation', async () => {
    const { source, cache } = setup();
    await cache.get('database', 'app');
    source.failRevoke = refused;
    await expect(cache.invalidate('database', 'app')).rejects.toBe(refused);
    expect(cache.peek('database', 'app')).toBeNull();
  });

  it('close stops timers, refuses get, and does not revoke by default', async () => {
    const { clock, source, cache } = setup();
    await cache.get('database', 'app');
    await cache.close();
    expect(clock.pendingDelays()).toEqual([]);
    await clock.advance(60_000);
    expect(source.renewCalls).toEqual([]);
    expect(source.revoked).toEqual([]);
    expect(source.tokenListenerCount()).toBe(0);
    await expect(cache.get('database', 'app')).rejects.toMatchObject({
      code: LeaseCacheErrorCode.CLOSED,
      message: 'LeaseCache is closed; cannot lease database/creds/app',
    });
  });

  it('close({ revoke: true }) revokes every lease and reports failures together', async () => {
    const { source, cache } = setup();
    await cache.get('database', 'a');
    await cache.get('database', 'b');
    await cache.close({ revoke: true });
    expect(source.revoked.sort()).toEqual(['database/creds/a/lease-1', 'database/creds/b/lease-2']);

    const other = setup();
    await other.cache.get('database', 'a');
    other.source.failRevoke = refused;
    await expect(other.cache.close({ revoke: true })).rejects.toMatchObject({
      code: LeaseCacheErrorCode.REVOKE_FAILED,
      message:
        'LeaseCache could not revoke 1 of 1 leases: OpenBAO POST sys/leases/renew failed (400): lease not found',
    });
  });
});
