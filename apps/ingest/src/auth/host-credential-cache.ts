/** What ingest needs to know about a host credential, read from the registry's host index. */
export interface HostCredentialRecord {
  readonly hostId: string;
  readonly tenantId: string;
  /** The enrollment token the host was admitted with (null: collapsed mode without a token, or purged). */
  readonly tokenId: string | null;
  readonly revoked: boolean;
  /** registry_tenants.status (only `active` tenants may post). */
  readonly tenantStatus: string;
}

/** Reads one credential by its hash; null when no host has it. */
export type CredentialLoader = (credentialHash: string) => Promise<HostCredentialRecord | null>;

export interface CredentialCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Lifetime of a found credential: the safety net when an invalidation event was missed. */
  ttlMs: number;
  /** Lifetime of "no such credential": short, so a just-enrolled host is not refused for long. */
  negativeTtlMs: number;
  now?: () => number;
}

export const DEFAULT_CREDENTIAL_CACHE: CredentialCacheOptions = {
  maxEntries: 100_000,
  ttlMs: 60_000,
  negativeTtlMs: 5_000,
};

interface Entry {
  record: HostCredentialRecord | null;
  expiresAt: number;
}

/**
 * Host credentials by token hash, so an agent's post costs no registry query
 * while its entry lives. Invalidation (a revoked or rotated credential, any
 * tenant change) is immediate; a load that was running when an invalidation
 * of its host or tenant arrived is answered but not cached, so it cannot put
 * back what was just dropped. Concurrent misses of one hash share one load (a
 * restart storm of agents costs one query per host, not per request), and a
 * host's invalidation touches only that host's entries (an enrolment event
 * per registration must stay cheap).
 */
export class HostCredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly loading = new Map<string, Promise<HostCredentialRecord | null>>();
  private readonly now: () => number;
  // Invalidation sequence numbers, to tell whether a load began before an invalidation of what it read.
  private seq = 0;
  private clearedAt = 0;
  private anyTenantDroppedAt = 0;
  private readonly hostDroppedAt = new Map<string, number>();
  private readonly tenantDroppedAt = new Map<string, number>();

  constructor(
    private readonly load: CredentialLoader,
    private readonly options: CredentialCacheOptions = DEFAULT_CREDENTIAL_CACHE,
  ) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The credential's record (null: unknown) and whether it came from the cache. */
  async get(credentialHash: string): Promise<{ record: HostCredentialRecord | null; hit: boolean }> {
    const entry = this.entries.get(credentialHash);
    if (entry && entry.expiresAt > this.now()) {
      // Re-inserted so the Map's order stays least-recently-used first.
      this.entries.delete(credentialHash);
      this.entries.set(credentialHash, entry);
      return { record: entry.record, hit: true };
    }
    if (entry) this.remove(credentialHash);
    return { record: await this.loadShared(credentialHash), hit: false };
  }

  /** Drops every entry of the host (its credential was revoked or rotated). */
  invalidateHost(hostId: string): void {
    this.hostDroppedAt.set(hostId, ++this.seq);
    for (const hash of this.byHost.get(hostId) ?? []) this.remove(hash);
  }

  /** Drops every entry of the tenant (suspended, resumed, deleted, ...) and the cached "unknown"s. */
  invalidateTenant(tenantId: string): void {
    this.tenantDroppedAt.set(tenantId, ++this.seq);
    this.anyTenantDroppedAt = this.seq;
    for (const [hash, entry] of this.entries) {
      if (entry.record === null || entry.record.tenantId === tenantId) this.remove(hash);
    }
  }

  /** Drops everything (after a NATS reconnect, when events may have been missed). */
  clear(): void {
    this.clearedAt = ++this.seq;
    this.entries.clear();
    this.byHost.clear();
    this.loading.clear();
  }

  private loadShared(credentialHash: string): Promise<HostCredentialRecord | null> {
    const running = this.loading.get(credentialHash);
    if (running) return running;
    const startedAt = this.seq;
    const settle = () => {
      if (this.loading.get(credentialHash) === promise) this.loading.delete(credentialHash);
      if (this.loading.size === 0) this.forgetInvalidations();
    };
    const promise = this.load(credentialHash).then(
      (record) => {
        if (this.stillCurrent(record, startedAt)) this.store(credentialHash, record);
        settle();
        return record;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    this.loading.set(credentialHash, promise);
    return promise;
  }

  private stillCurrent(record: HostCredentialRecord | null, startedAt: number): boolean {
    if (this.clearedAt > startedAt) return false;
    if (record === null) return this.anyTenantDroppedAt <= startedAt;
    return (
      (this.hostDroppedAt.get(record.hostId) ?? 0) <= startedAt &&
      (this.tenantDroppedAt.get(record.tenantId) ?? 0) <= startedAt
    );
  }

  // With no load running, no load can have begun before an invalidation: the bookkeeping is not needed.
  private forgetInvalidations(): void {
    this.hostDroppedAt.clear();
    this.tenantDroppedAt.clear();
  }

  private store(credentialHash: string, record: HostCredentialRecord | null): void {
    this.remove(credentialHash);
    const ttl = record === null ? this.options.negativeTtlMs : this.options.ttlMs;
    this.entries.set(credentialHash, { record, expiresAt: this.now() + ttl });
    if (record !== null) {
      const hashes = this.byHost.get(record.hostId) ?? new Set<string>();
      hashes.add(credentialHash);
      this.byHost.set(record.hostId, hashes);
    }
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
  }

  private remove(credentialHash: string): void {
    const entry = this.entries.get(credentialHash);
    if (!entry) return;
    this.entries.delete(credentialHash);
    const hostId = entry.record?.hostId;
    if (hostId === undefined) return;
    const hashes = this.byHost.get(hostId);
    hashes?.delete(credentialHash);
    if (hashes?.size === 0) this.byHost.delete(hostId);
  }
}
