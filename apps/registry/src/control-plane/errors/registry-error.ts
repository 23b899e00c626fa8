/** Stable machine-readable codes of the control-plane API (the `code` of every problem+json body). */
export enum RegistryErrorCode {
  UNAUTHENTICATED = 'unauthenticated',
  FORBIDDEN = 'forbidden',
  VALIDATION_FAILED = 'validation_failed',
  INVALID_SLUG = 'invalid_slug',
  ROUTE_NOT_FOUND = 'route_not_found',
  TENANT_NOT_FOUND = 'tenant_not_found',
  PLACEMENT_NOT_FOUND = 'placement_not_found',
  ENROLLMENT_TOKEN_NOT_FOUND = 'enrollment_token_not_found',
  HOST_NOT_FOUND = 'host_not_found',
  TENANT_EXISTS = 'tenant_exists',
  DATABASE_SERVER_EXISTS = 'database_server_exists',
  PRINCIPAL_ROLE_CONFLICT = 'principal_role_conflict',
  INVALID_TENANT_STATE = 'invalid_tenant_state',
  JOB_IN_PROGRESS = 'job_in_progress',
  PLACEMENT_LOCKED = 'placement_locked',
  MULTITENANCY_DISABLED = 'multitenancy_disabled',
  CONFIRMATION_MISMATCH = 'confirmation_mismatch',
  UNKNOWN_DATABASE_SERVER = 'unknown_database_server',
  NO_MATCHING_SERVER = 'no_matching_server',
  SERVER_AT_CAPACITY = 'server_at_capacity',
  PROVISIONING_UNAVAILABLE = 'provisioning_unavailable',
  INTERNAL_ERROR = 'internal_error',
}

/** One rejected input field: its dotted path and what it broke. */
export interface FieldProblem {
  field: string;
  messages: string[];
}

/**
 * What every layer of the control plane throws. Inner layers never throw HTTP
 * exceptions: the one exception filter maps `code` to the HTTP status.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly fieldErrors: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}
