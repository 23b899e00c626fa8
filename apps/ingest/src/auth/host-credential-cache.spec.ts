import { HostCredentialCache, type HostCredentialRecord } from './host-credential-cache';

const record = (hostId: string, tenantId = 't1'): HostCredentialRecord => ({
  hostId,
  tenantId,
  tokenId: null,
  revoked: false,
  tenantStatus: 'active',
});

function harness(rows: Record<string, HostCredentialRecord>, options: { maxEntries?: number } = {}) {
  let clock = 0;
  const loads: string[] = [];
  const cache = new HostCredentialCache(
    async (hash) => {
      loads.push(hash);
      return rows[hash] ?? null;
    },
    { maxEntries: options.maxEntries ?? 10, ttlMs: 60_000, negativeTtlMs: 5_000, now: () => clock },
  );
  return { cache, loads, advance: (ms: number) => void (clock += ms) };
}

describe('HostCredentialCache', () => {
  it('loads on a miss, answers from the cache until the TTL, then loads again', async () => {
    const { cache, loads, advance } = harness({ h1: record('a') });
    expect(await cache.get('h1')).toEqual({ record: record('a'), hit: false });
    advance(59_999);
    expect(await cache.get('h1')).toEqual({ record: record('a'), hit: true });
    advance(1);
    expect(await cache.get('h1')).toEqual({ record: record('a'), hit: false });
    expect(loads).toEqual(['h1', 'h1']);
  });

  it('keeps an unknown credential only for the negative TTL', async () => {
    const { cache, loads, advance } = harness({});
    expect((await cache.get('nope')).record).toBeNull();
    advance(4_999);
    expect(await cache.get('nope')).toEqual({ record: null, hit: true });
    advance(1);
    await cache.get('nope');
    expect(loads).toEqual(['nope', 'nope']);
  });

  it('drops a host on invalidateHost and a tenant (plus the unknowns) on invalidateTenant, nothing else', async () => {
    const { cache, loads } = harness({ h1: record('a', 't1'), h2: record('b', 't1'), h3: record('c', 't2') });
    await Promise.all(['h1', 'h2', 'h3', 'h4'].map((h) => cache.get(h)));
    cache.invalidateHost('a');
    expect((await cache.get('h1')).hit).toBe(false);
    expect((await cache.get('h2')).hit).toBe(true);
    cache.invalidateTenant('t1');
    expect((await cache.get('h2')).hit).toBe(false);
    expect((await cache.get('h4')).hit).toBe(false);
    expect((await cache.get('h3')).hit).toBe(true);
    expect(loads.filter((h) => h === 'h3')).toEqual(['h3']);
  });

  it('shares one load among concurrent misses of a hash', async () => {
    const { cache, loads } = harness({ h1: record('a') });
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.get('h1')));
    expect(results.every((r) => r.record?.hostId === 'a')).toBe(true);
    expect(loads).toEqual(['h1']);
  });

  it('does not cache a load that was running when an invalidation arrived', async () => {
    let release: (r: HostCredentialRecord) => void = () => undefined;
    const loads: string[] = [];
    const cache = new HostCredentialCache(
      (hash) => {
        loads.push(hash);
        return loads.length === 1
          ? new Promise((resolve) => (release = resolve))
          : Promise.resolve(record('fresh'));
      },
      { maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 5_000 },
    );
    const stale = cache.get('h1');
    cache.invalidateHost('stale');
    release(record('stale'));
    expect((await stale).record?.hostId).toBe('stale');
    expect(await cache.get('h1')).toEqual({ record: record('fresh'), hit: false });
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const { cache } = harness({ h1: record('a'), h2: record('b'), h3: record('c') }, { maxEntries: 2 });
    await cache.get('h1');
    await cache.get('h2');
    await cache.get('h1'); // h2 is now the least recently used
    await cache.get('h3');
    expect(cache.size).toBe(2);
    expect((await cache.get('h1')).hit).toBe(true);
    expect((await cache.get('h2')).hit).toBe(false);
  });

  it('propagates a failed load without caching it', async () => {
    let fail = true;
    const cache = new HostCredentialCache(
      async () => {
        if (fail) throw new Error('registry down');
        return record('a');
      },
      { maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 5_000 },
    );
    await expect(cache.get('h1')).rejects.toThrow('registry down');
    fail = false;
    expect(await cache.get('h1')).toEqual({ record: record('a'), hit: false });
  });

  it('drops every credential of a host (old and rotated) and leaves other hosts cached', async () => {
    const { cache } = harness({ old: record('a'), rotated: record('a'), other: record('b') });
    await Promise.all(['old', 'rotated', 'other'].map((h) => cache.get(h)));
    cache.invalidateHost('a');
    expect(cache.size).toBe(1);
    expect((await cache.get('other')).hit).toBe(true);
  });

  it('does not cache a load of a tenant invalidated meanwhile, but caches one of another tenant', async () => {
    const releases: Array<() => void> = [];
    const rows: Record<string, HostCredentialRecord | null> = {
      h1: record('a', 't1'),
      h2: record('b', 't2'),
      h3: null,
    };
    const cache = new HostCredentialCache(
      (hash) => new Promise((resolve) => releases.push(() => resolve(rows[hash] ?? null))),
      { maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 5_000 },
    );
    const pending = ['h1', 'h2', 'h3'].map((h) => cache.get(h));
    cache.invalidateTenant('t1');
    for (const release of releases) release();
    await Promise.all(pending);
    expect(cache.size).toBe(1); // h2 only: h1's tenant was dropped, and an unknown may belong to any tenant
    const again = cache.get('h2');
    expect((await again).hit).toBe(true);
  });
});
