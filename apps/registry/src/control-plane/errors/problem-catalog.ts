import { RegistryErrorCode } from './registry-error';

export interface ProblemKind {
  status: number;
  title: string;
}

/** The one place a RegistryErrorCode becomes an HTTP status and a title. */
export const PROBLEM_CATALOG: Readonly<Record<RegistryErrorCode, ProblemKind>> = {
  [RegistryErrorCode.UNAUTHENTICATED]: { status: 401, title: 'Authentication required' },
  [RegistryErrorCode.FORBIDDEN]: { status: 403, title: 'Not allowed for this role' },
  [RegistryErrorCode.VALIDATION_FAILED]: { status: 400, title: 'Invalid request' },
  [RegistryErrorCode.INVALID_SLUG]: { status: 400, title: 'Invalid tenant slug' },
  [RegistryErrorCode.CONFIRMATION_MISMATCH]: { status: 400, title: 'Confirmation does not match' },
  [RegistryErrorCode.ROUTE_NOT_FOUND]: { status: 404, title: 'No such route' },
  [RegistryErrorCode.TENANT_NOT_FOUND]: { status: 404, title: 'Tenant not found' },
  [RegistryErrorCode.PLACEMENT_NOT_FOUND]: { status: 404, title: 'Placement not found' },
  [RegistryErrorCode.ENROLLMENT_TOKEN_NOT_FOUND]: { status: 404, title: 'Enrollment token not found' },
  [RegistryErrorCode.HOST_NOT_FOUND]: { status: 404, title: 'Host not found' },
  [RegistryErrorCode.TENANT_EXISTS]: { status: 409, title: 'Tenant already exists' },
  [RegistryErrorCode.DATABASE_SERVER_EXISTS]: { status: 409, title: 'Database server already exists' },
  [RegistryErrorCode.PRINCIPAL_ROLE_CONFLICT]: { status: 409, title: 'Principal exists with another role' },
  [RegistryErrorCode.INVALID_TENANT_STATE]: { status: 409, title: 'Not possible in the tenant state' },
  [RegistryErrorCode.JOB_IN_PROGRESS]: { status: 409, title: 'Another job is in progress' },
  [RegistryErrorCode.PLACEMENT_LOCKED]: { status: 409, title: 'Placement can no longer change' },
  [RegistryErrorCode.MULTITENANCY_DISABLED]: { status: 409, title: 'Multi-tenancy is disabled' },
  [RegistryErrorCode.UNKNOWN_DATABASE_SERVER]: { status: 422, title: 'Unknown database server' },
  [RegistryErrorCode.NO_MATCHING_SERVER]: { status: 422, title: 'No matching database server' },
  [RegistryErrorCode.SERVER_AT_CAPACITY]: { status: 422, title: 'Database server is full' },
  [RegistryErrorCode.PROVISIONING_UNAVAILABLE]: { status: 503, title: 'Provisioning queue unavailable' },
  [RegistryErrorCode.INTERNAL_ERROR]: { status: 500, title: 'Internal error' },
};

/** `type` URI of a problem: stable per code. */
export function problemType(code: RegistryErrorCode): string {
  return `urn:sysmanage:problem:${code}`;
}
