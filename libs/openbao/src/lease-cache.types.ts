import type { DatabaseCredential, LeaseRenewal } from './openbao.types';

/** What the cache needs from a client (OpenBaoClient satisfies it; tests pass fakes). */
export interface LeaseSource {
  generateCredentials(mount: string, role: string): Promise<DatabaseCredential>;
  renewLease(leaseId: string, incrementSeconds?: number): Promise<LeaseRenewal>;
  revokeLease(leaseId: string): Promise<void>;
  /** When present, a token change (re-login) re-leases everything: leases die with the token that created them. */
  onTokenChange?(listener: () => void): () => void;
}

export type RotationReason =
  /** Renewal failed (refused, lease unknown, or OpenBAO unreachable). */
  | 'renewal-failed'
  /** Renewal granted less than asked: the lease is reaching the role's max TTL. */
  | 'max-ttl'
  /** The lease was issued non-renewable. */
  | 'not-renewable'
  /** The client logged in again; leases of the old token will be revoked with it. */
  | 'token-changed'
  /** The previous credential had expired (re-leasing kept failing); this one was leased on demand. */
  | 'expired';

/**
 * A new credential replaced the cached one. `previous` stays valid until
 * `previous.expiresAt` (it is not revoked): pools should open new connections
 * with `current` and drain the old ones before then.
 */
export interface CredentialRotation {
  mount: string;
  role: string;
  reason: RotationReason;
  previous: DatabaseCredential;
  current: DatabaseCredential;
}

/** Metric hooks (counters/gauges live in the caller, e.g. prom-client); never given passwords beyond the credential object. */
export interface LeaseCacheHooks {
  onLeaseIssued?(mount: string, role: string, credential: DatabaseCredential): void;
  onRenewed?(mount: string, role: string, renewal: LeaseRenewal): void;
  onRenewalFailed?(mount: string, role: string, error: unknown): void;
  onRotated?(rotation: CredentialRotation): void;
}

export interface LeaseCacheStats {
  leasesIssued: number;
  renewals: number;
  renewalFailures: number;
  rotations: number;
  /** Background re-lease attempts that failed (retried while the old credential lasts). */
  rotationFailures: number;
  revocations: number;
  /** Roles with a credential held right now. */
  cached: number;
}
