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
 * while its entry lives. Invalidation (a revoked credential, any tenant
 * change) is immediate; a load that was running when an invalidation arrived
 * is answered but not cached, so it cannot put back what was just dropped.
 * Concurrent misses of one hash share one load (a restart storm of agents
 * costs one query per host, not per request).
 */
export class HostCredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<HostCredentialRecord | null>>();
  private readonly now: () => number;
  private epoch = 0;

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
    if (entry) this.entries.delete(credentialHash);
    return { record: await this.loadShared(credentialHash), hit: false };
  }

  /** Drops every entry of the host (its credential was revoked or rotated). */
  invalidateHost(hostId: string): void {
    this.dropWhere((record) => record?.hostId === hostId);
  }

  /** Drops every entry of the tenant (suspended, resumed, deleted, ...) and the cached "unknown"s. */
  invalidateTenant(tenantId: string): void {
    this.dropWhere((record) => record === null || record.tenantId === tenantId);
  }

  /** Drops everything (after a NATS reconnect, when events may have been missed). */
  clear(): void {
    this.epoch += 1;
    this.entries.clear();
    this.loading.clear();
  }

  private dropWhere(match: (record: HostCredentialRecord | null) => boolean): void {
    this.epoch += 1;
    this.loading.clear();
    for (const [hash, entry] of this.entries) if (match(entry.record)) this.entries.delete(hash);
  }

  private loadShared(credentialHash: string): Promise<HostCredentialRecord | null> {
    const running = this.loading.get(credentialHash);
    if (running) return running;
    const epoch = this.epoch;
    const promise = this.load(credentialHash).then(
      (record) => {
        if (this.loading.get(credentialHash) === promise) this.loading.delete(credentialHash);
        if (epoch === this.epoch) this.store(credentialHash, record);
        return record;
      },
      (error: unknown) => {
        if (this.loading.get(credentialHash) === promise) this.loading.delete(credentialHash);
        throw error;
      },
    );
    this.loading.set(credentialHash, promise);
    return promise;
  }

  private store(credentialHash: string, record: HostCredentialRecord | null): void {
    const ttl = record === null ? this.options.negativeTtlMs : this.options.ttlMs;
    this.entries.set(credentialHash, { record, expiresAt: this.now() + ttl });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
