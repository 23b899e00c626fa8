import { type Clock, systemClock, type TimerHandle } from './clock';
import { renewedCredential } from './database-mapping';
import { LeaseCacheError, LeaseCacheErrorCode } from './lease-cache-error';
import type {
  CredentialRotation,
  LeaseCacheHooks,
  LeaseCacheStats,
  LeaseSource,
  RotationReason,
} from './lease-cache.types';
import {
  type DatabaseCredential,
  type LeaseRenewal,
  type OpenBaoLogger,
  silentLogger,
} from './openbao.types';

export interface LeaseCacheOptions {
  clock?: Clock;
  /** Renew when this fraction of the lease has passed; default 2/3. */
  renewAtFraction?: number;
  /** A renewal granting fewer seconds than this re-leases even if it is all that was asked; default 0 (off). */
  minGrantSeconds?: number;
  /** Wait before retrying a failed background re-lease; default 5 s, shortened to fit the old lease. */
  retryDelayMs?: number;
  /** get() does not hand out a credential this close to its expiry (it leases anew); default 1 s. */
  expiryMarginMs?: number;
  /** Re-lease everything when the client's token changes; default true. */
  rotateOnTokenChange?: boolean;
  hooks?: LeaseCacheHooks;
  logger?: OpenBaoLogger;
}

interface Entry {
  readonly key: string;
  readonly mount: string;
  readonly role: string;
  credential: DatabaseCredential | null;
  /** The last credential handed out, kept after expiry so the next lease is announced as a rotation. */
  lastIssued: DatabaseCredential | null;
  /** Rotated away but not yet expired: revoked by invalidate()/close({revoke}). */
  retired: DatabaseCredential[];
  inflight: Promise<DatabaseCredential> | null;
  timer: TimerHandle | null;
  /** Seconds asked for on renewal: the duration the current lease was issued with. */
  increment: number;
}

/** A renewal granting within this many seconds of what was asked counts as not capped (server-side rounding). */
const GRANT_TOLERANCE_S = 1;

/**
 * One leased credential per (mount, role), shared by every caller in the
 * process: OpenBAO serialises credential creation per connection, and each
 * lease is a PostgreSQL role, so leasing per request would be slow and noisy.
 *
 * - get(): the cached credential, or the one being leased (single flight).
 * - Renews at ~2/3 of the lease. When renewal fails, is not possible, or
 *   grants less than asked (max TTL near), leases anew in the background and
 *   announces a CredentialRotation; the old credential keeps working until
 *   it expires, so pools can switch without failing queries.
 * - invalidate(): forget and revoke. close(): stop timers, optionally revoke.
 */
export class LeaseCache {
  private readonly clock: Clock;
  private readonly fraction: number;
  private readonly minGrantSeconds: number;
  private readonly retryDelayMs: number;
  private readonly expiryMarginMs: number;
  private readonly hooks: LeaseCacheHooks;
  private readonly logger: OpenBaoLogger;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(rotation: CredentialRotation) => void>();
  private readonly unsubscribeToken: (() => void) | null;
  private closed = false;
  private readonly counters = {
    leasesIssued: 0,
    renewals: 0,
    renewalFailures: 0,
    rotations: 0,
    rotationFailures: 0,
    revocations: 0,
  };

  constructor(
    private readonly client: LeaseSource,
    options: LeaseCacheOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.fraction = options.renewAtFraction ?? 2 / 3;
    this.minGrantSeconds = options.minGrantSeconds ?? 0;
    this.retryDelayMs = options.retryDelayMs ?? 5_000;
    this.expiryMarginMs = options.expiryMarginMs ?? 1_000;
    this.hooks = options.hooks ?? {};
    this.logger = options.logger ?? silentLogger;
    const follow = options.rotateOnTokenChange ?? true;
    this.unsubscribeToken =
      follow && client.onTokenChange ? client.onTokenChange(() => this.rotateAll('token-changed')) : null;
  }

  /** The credential for this role: cached, in flight, or leased now. Rejects with the OpenBaoError of a failed lease. */
  async get(mount: string, role: string): Promise<DatabaseCredential> {
    if (this.closed)
      throw new LeaseCacheError(
        LeaseCacheErrorCode.CLOSED,
        `LeaseCache is closed; cannot lease ${mount}/creds/${role}`,
      );
    const entry = this.entryFor(mount, role);
    if (entry.credential !== null && this.usable(entry.credential)) return entry.credential;
    return entry.inflight ?? this.lease(entry, null);
  }

  /** The cached credential without leasing, or null. */
  peek(mount: string, role: string): DatabaseCredential | null {
    const credential = this.entries.get(keyOf(mount, role))?.credential ?? null;
    return credential !== null && this.usable(credential) ? credential : null;
  }

  /** Listens for replaced credentials (see CredentialRotation). Returns the unsubscribe function. */
  onRotated(listener: (rotation: CredentialRotation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the role and revokes its leases (current and rotated-away). Rejects with the OpenBaoError of a failed revocation. */
  async invalidate(mount: string, role: string): Promise<void> {
    const entry = this.entries.get(keyOf(mount, role));
    if (entry === undefined) return;
    this.entries.delete(entry.key);
    this.clearTimer(entry);
    // A lease arriving after this point is revoked by lease() itself.
    await entry.inflight?.catch(() => undefined);
    const leases = this.heldBy(entry);
    entry.credential = null;
    entry.retired = [];
    for (const credential of leases) {
      await this.client.revokeLease(credential.leaseId);
      this.counters.revocations += 1;
    }
  }

  /** Stops all timers and forgets everything; with revoke, revokes every held lease first (all are tried). */
  async close(options: { revoke?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeToken?.();
    const entries = [...this.entries.values()];
    for (const entry of entries) this.clearTimer(entry);
    await Promise.allSettled(entries.map((entry) => entry.inflight));
    this.entries.clear();
    if (!options.revoke) return;
    const leases = entries.flatMap((entry) => this.heldBy(entry));
    const results = await Promise.allSettled(
      leases.map((credential) => this.client.revokeLease(credential.leaseId)),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.counters.revocations += results.length - failures.length;
    if (failures.length > 0) {
      const reasons = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
      throw new LeaseCacheError(
        LeaseCacheErrorCode.REVOKE_FAILED,
        `LeaseCache could not revoke ${failures.length} of ${leases.length} leases: ${reasons.join('; ')}`,
      );
    }
  }

  stats(): LeaseCacheStats {
    const cached = [...this.entries.values()].filter((entry) => entry.credential !== null).length;
    return { ...this.counters, cached };
  }

  private entryFor(mount: string, role: string): Entry {
    const key = keyOf(mount, role);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        key,
        mount,
        role,
        credential: null,
        lastIssued: null,
        retired: [],
        inflight: null,
        timer: null,
        increment: 0,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private lease(entry: Entry, reason: RotationReason | null): Promise<DatabaseCredential> {
    const flight = this.issue(entry, reason);
    entry.inflight = flight;
    flight
      .finally(() => {
        if (entry.inflight === flight) entry.inflight = null;
      })
      .catch(() => undefined);
    return flight;
  }

  private async issue(entry: Entry, reason: RotationReason | null): Promise<DatabaseCredential> {
    const credential = await this.client.generateCredentials(entry.mount, entry.role);
    if (this.isStale(entry)) {
      await this.client
        .revokeLease(credential.leaseId)
        .catch((err: unknown) =>
          this.logFailure(entry, err, 'could not revoke a lease that arrived after invalidate/close'),
        );
      const code = this.closed ? LeaseCacheErrorCode.CLOSED : LeaseCacheErrorCode.INVALIDATED;
      throw new LeaseCacheError(
        code,
        `${entry.mount}/creds/${entry.role} was ${this.closed ? 'closed' : 'invalidated'} while leasing; the new lease was revoked`,
      );
    }
    this.counters.leasesIssued += 1;
    this.safely(() => this.hooks.onLeaseIssued?.(entry.mount, entry.role, credential));
    const previous = entry.lastIssued;
    if (entry.credential !== null) this.retire(entry, entry.credential);
    entry.credential = credential;
    entry.lastIssued = credential;
    entry.increment = credential.leaseDuration;
    this.scheduleRenewal(entry, credential.leaseDuration);
    if (previous !== null)
      this.announce({
        mount: entry.mount,
        role: entry.role,
        reason: reason ?? 'expired',
        previous,
        current: credential,
      });
    return credential;
  }

  private async renew(entry: Entry): Promise<void> {
    const credential = entry.credential;
    if (credential === null || this.isStale(entry) || entry.inflight !== null) return;
    if (!credential.renewable) return this.rotate(entry, 'not-renewable');
    let renewal: LeaseRenewal;
    try {
      renewal = await this.client.renewLease(credential.leaseId, entry.increment);
    } catch (err) {
      if (this.isStale(entry) || entry.credential !== credential) return;
      this.counters.renewalFailures += 1;
      this.safely(() => this.hooks.onRenewalFailed?.(entry.mount, entry.role, err));
      this.logFailure(entry, err, 'lease renewal failed; leasing anew');
      return this.rotate(entry, 'renewal-failed');
    }
    if (this.isStale(entry) || entry.credential !== credential) return;
    this.counters.renewals += 1;
    this.safely(() => this.hooks.onRenewed?.(entry.mount, entry.role, renewal));
    entry.credential = renewedCredential(credential, renewal, this.clock.now());
    if (entry.lastIssued === credential) entry.lastIssued = entry.credential;
    if (!renewal.renewable) return this.rotate(entry, 'not-renewable');
    if (
      renewal.leaseDuration + GRANT_TOLERANCE_S < entry.increment ||
      renewal.leaseDuration < this.minGrantSeconds
    ) {
      this.logger.info(
        {
          mount: entry.mount,
          role: entry.role,
          grantedSeconds: renewal.leaseDuration,
          askedSeconds: entry.increment,
        },
        'lease reaches its max TTL; leasing anew',
      );
      return this.rotate(entry, 'max-ttl');
    }
    this.scheduleRenewal(entry, renewal.leaseDuration);
  }

  /** Background re-lease; on failure retried while the current credential lasts, then dropped (get() leases on demand). */
  private async rotate(entry: Entry, reason: RotationReason): Promise<void> {
    if (entry.inflight !== null || this.isStale(entry)) return;
    try {
      await this.lease(entry, reason);
    } catch (err) {
      if (this.isStale(entry)) return;
      this.counters.rotationFailures += 1;
      this.logFailure(entry, err, 're-lease failed');
      const current = entry.credential;
      const left =
        current === null ? 0 : current.expiresAt.getTime() - this.expiryMarginMs - this.clock.now();
      if (current !== null && left > 0) {
        this.schedule(
          entry,
          Math.min(this.retryDelayMs, Math.max(left / 2, 50)),
          () => void this.rotate(entry, reason),
        );
      } else {
        entry.credential = null;
      }
    }
  }

  private rotateAll(reason: RotationReason): void {
    for (const entry of this.entries.values()) {
      if (entry.credential !== null) void this.rotate(entry, reason);
    }
  }

  private retire(entry: Entry, credential: DatabaseCredential): void {
    const now = this.clock.now();
    entry.retired = [...entry.retired.filter((c) => c.expiresAt.getTime() > now), credential];
  }

  private heldBy(entry: Entry): DatabaseCredential[] {
    const now = this.clock.now();
    const live = entry.retired.filter((c) => c.expiresAt.getTime() > now);
    return entry.credential === null ? live : [...live, entry.credential];
  }

  private announce(rotation: CredentialRotation): void {
    this.counters.rotations += 1;
    this.logger.info(
      {
        mount: rotation.mount,
        role: rotation.role,
        reason: rotation.reason,
        username: rotation.current.username,
      },
      'database credential rotated',
    );
    this.safely(() => this.hooks.onRotated?.(rotation));
    for (const listener of this.listeners) this.safely(() => listener(rotation));
  }

  private scheduleRenewal(entry: Entry, leaseSeconds: number): void {
    this.schedule(entry, leaseSeconds * 1000 * this.fraction, () => void this.renew(entry));
  }

  private schedule(entry: Entry, delayMs: number, action: () => void): void {
    this.clearTimer(entry);
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = null;
      if (!this.isStale(entry)) action();
    }, Math.round(delayMs));
  }

  private clearTimer(entry: Entry): void {
    if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
    entry.timer = null;
  }

  private isStale(entry: Entry): boolean {
    return this.closed || this.entries.get(entry.key) !== entry;
  }

  private usable(credential: DatabaseCredential): boolean {
    return credential.expiresAt.getTime() - this.expiryMarginMs > this.clock.now();
  }

  /** A listener's or hook's exception must not stop renewals. */
  private safely(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.logger.error(
        { error: err instanceof Error ? err.message : String(err) },
        'LeaseCache listener threw',
      );
    }
  }

  private logFailure(entry: Entry, err: unknown, message: string): void {
    this.logger.warn(
      { mount: entry.mount, role: entry.role, error: err instanceof Error ? err.message : String(err) },
      message,
    );
  }
}

function keyOf(mount: string, role: string): string {
  return `${mount}\u0000${role}`;
}
