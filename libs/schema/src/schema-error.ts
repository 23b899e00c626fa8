/** Why a schema operation was refused; stable for callers and tests. */
export enum SchemaErrorCode {
  /** A chain name that is not one of registry, shared, tenant. */
  UNKNOWN_CHAIN = 'UNKNOWN_CHAIN',
  /** Connection settings that cannot describe a PostgreSQL database. */
  INVALID_CONNECTION = 'INVALID_CONNECTION',
}

/** A schema-library failure; the message names the offending value (never a password). */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';

  constructor(
    readonly code: SchemaErrorCode,
    message: string,
  ) {
    super(message);
  }
}
