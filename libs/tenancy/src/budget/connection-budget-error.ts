export enum ConnectionBudgetErrorCode {
  /** No connection became free within acquireTimeoutMs. */
  ACQUIRE_TIMEOUT = 'ACQUIRE_TIMEOUT',
  /** The tenant's pool was evicted (suspension) while the request waited. */
  EVICTED = 'EVICTED',
  /** The manager is closed. */
  CLOSED = 'CLOSED',
  /** Opening a connection failed (credentials, network, server down); the cause is attached. */
  CONNECT_FAILED = 'CONNECT_FAILED',
  /** PostgreSQL refused with 53300 although the budget had room: the budget is larger than the server allows. */
  SERVER_REFUSED = 'SERVER_REFUSED',
  /** Options or a target are unusable. */
  INVALID_OPTIONS = 'INVALID_OPTIONS',
}

/** Raised by TenantPoolManager; messages name tenant and server, never credentials. */
export class ConnectionBudgetError extends Error {
  override readonly name = 'ConnectionBudgetError';
  constructor(
    readonly code: ConnectionBudgetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
