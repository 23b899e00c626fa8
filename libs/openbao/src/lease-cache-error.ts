export enum LeaseCacheErrorCode {
  /** get() after close(). */
  CLOSED = 'CLOSED',
  /** The role was invalidated while this lease request was in flight; the new lease was revoked. */
  INVALIDATED = 'INVALIDATED',
  /** close({ revoke: true }) could not revoke some leases. */
  REVOKE_FAILED = 'REVOKE_FAILED',
}

export class LeaseCacheError extends Error {
  constructor(
    readonly code: LeaseCacheErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LeaseCacheError';
  }
}
