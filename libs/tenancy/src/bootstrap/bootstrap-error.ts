export enum BootstrapErrorCode {
  /** An argument (server name, host, mount, slug, database name) is not acceptable. */
  INVALID_INPUT = 'INVALID_INPUT',
  /** The PostgreSQL admin connection could not be opened (wrong password, peer-only install, server down). */
  ADMIN_UNAVAILABLE = 'ADMIN_UNAVAILABLE',
  /** A bootstrap statement failed for a reason other than missing privileges. */
  POSTGRES_FAILED = 'POSTGRES_FAILED',
  /** KV holds no (or malformed) credentials for the server. */
  CREDENTIALS_MISSING = 'CREDENTIALS_MISSING',
  /** A file (role id, secret id, SQL) could not be written. */
  FILE_FAILED = 'FILE_FAILED',
}

/** Raised by the bootstrap of a database server or of OpenBAO; messages never contain secrets. */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
  constructor(
    readonly code: BootstrapErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
