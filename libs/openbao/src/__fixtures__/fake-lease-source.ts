import type { Clock } from '../clock';
import { credential } from '../database-mapping';
import type { LeaseSource } from '../lease-cache.types';
import type { DatabaseCredential, LeaseRenewal } from '../openbao.types';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A scriptable OpenBAO for LeaseCache tests: issues numbered credentials of
 * `leaseSeconds`, renews by `renew` (default: grant what is asked), records calls.
 */
export class FakeLeaseSource implements LeaseSource {
  leaseSeconds = 30;
  renewable = true;
  issued = 0;
  readonly generateCalls: string[] = [];
  readonly renewCalls: Array<{ leaseId: string; increment: number | undefined }> = [];
  readonly revoked: string[] = [];
  /** Replace to script renewals (return a grant or throw). */
  renew: (leaseId: string, increment: number | undefined) => LeaseRenewal = (leaseId, increment) => ({
    leaseId,
    leaseDuration: increment ?? this.leaseSeconds,
    renewable: true,
  });
  /** Set to make the next generateCredentials calls fail with this error. */
  failGenerate: unknown = null;
  failRevoke: unknown = null;
  /** When set, generateCredentials waits for release() (single-flight tests). */
  private gate: Deferred<void> | null = null;
  private readonly tokenListeners = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  hold(): void {
    this.gate = deferred<void>();
  }

  release(): void {
    this.gate?.resolve();
    this.gate = null;
  }

  async generateCredentials(mount: string, role: string): Promise<DatabaseCredential> {
    this.generateCalls.push(`${mount}/${role}`);
    if (this.gate) await this.gate.promise;
    if (this.failGenerate !== null) throw this.failGenerate;
    this.issued += 1;
    const now = this.clock.now();
    return credential({
      leaseId: `${mount}/creds/${role}/lease-${this.issued}`,
      leaseDuration: this.leaseSeconds,
      renewable: this.renewable,
      username: `v-${role}-${this.issued}`,
      password: `pw-${this.issued}`,
      obtainedAt: new Date(now),
      expiresAt: new Date(now + this.leaseSeconds * 1000),
    });
  }

  async renewLease(leaseId: string, incrementSeconds?: number): Promise<LeaseRenewal> {
    this.renewCalls.push({ leaseId, increment: incrementSeconds });
    await Promise.resolve();
    return this.renew(leaseId, incrementSeconds);
  }

  async revokeLease(leaseId: string): Promise<void> {
    await Promise.resolve();
    if (this.failRevoke !== null) throw this.failRevoke;
    this.revoked.push(leaseId);
  }

  onTokenChange(listener: () => void): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  changeToken(): void {
    for (const listener of this.tokenListeners) listener();
  }

  tokenListenerCount(): number {
    return this.tokenListeners.size;
  }
}
