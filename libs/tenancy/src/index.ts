export { MULTITENANT_SAAS, ISSUE_COMMAND } from './licensing/license-tiers';
export { LicensingError, LicensingErrorCode } from './licensing/licensing-error';
export type {
  LicenseDocument,
  LicensePayload,
  LicenseSources,
  LicenseTerms,
  VerifiedLicense,
} from './licensing/license-types';
export { canonicalJson } from './licensing/canonical-json';
export { generateLicenseKeypair, signLicense, type LicenseKeypair } from './licensing/license-signing';
export { verifyLicense, LICENSE_CLOCK_SKEW_MS } from './licensing/license-verification';
export { verifyLicenseFiles, writeSelfSignedLicense, type LicenseFilePaths } from './licensing/license-files';
export { assertMultitenancyLicense, assertLicenseTier } from './licensing/multitenancy-license';
export {
  prepareServiceStartup,
  LICENSE_RENEWAL_WARNING_MS,
  type ServiceStartup,
  type ServiceStartupOptions,
} from './startup/prepare-service-startup';
export { reportStartupFailure, StartupExitCode } from './startup/report-startup-failure';
export {
  TENANT_SLUG_REGEX,
  InvalidTenantSlugError,
  isValidTenantSlug,
  quoteIdent,
  tenantResourceNames,
  type TenantResourceNames,
} from './naming/tenant-resource-names';
export { BootstrapError, BootstrapErrorCode } from './bootstrap/bootstrap-error';
export {
  BOOTSTRAP_SERVICES,
  INGEST_TENANTS_POLICY,
  MIGRATOR_TENANTS_POLICY,
  renderIngestTenantsPolicy,
  renderMigratorTenantsPolicy,
  renderServicePolicy,
  servicePolicyName,
  serviceTokenPolicies,
  type BootstrapService,
  type PolicyMounts,
} from './bootstrap/service-policies';
export {
  OPENBAO_PG_ROLE,
  PROVISIONER_PG_ROLE,
  renderServerBootstrapSql,
  type ServerSqlInput,
} from './bootstrap/server-sql';
export {
  readServerCredentials,
  serverCredentialsKvPath,
  SERVER_NAME_REGEX,
  type ServerCredentials,
} from './bootstrap/server-credentials';
export { writePrivateFile } from './bootstrap/private-file';
export {
  bootstrapDatabaseServer,
  type BootstrapDatabaseServerOptions,
  type DatabaseServerSpec,
  type PgSslMode,
  type RestrictedDatabase,
  type ServerBootstrapResult,
} from './bootstrap/bootstrap-database-server';
export {
  bootstrapOpenBao,
  DATABASE_MOUNT_TTLS,
  SERVICE_APPROLE_TTLS,
  type BootstrapOpenBaoOptions,
  type OpenBaoBootstrapResult,
  type ServiceAppRoleResult,
} from './bootstrap/bootstrap-openbao';
export { writeTenantCredsPolicies, type TenantCredsPoliciesResult } from './bootstrap/tenant-creds-policies';
export { TenantPoolManager } from './budget/tenant-pool-manager';
export type {
  TenantPoolTarget,
  TenantPoolManagerOptions,
  ClientFactory,
} from './budget/tenant-pool-manager.types';
export { ConnectionBudgetError, ConnectionBudgetErrorCode } from './budget/connection-budget-error';
export {
  TenantPoolMetrics,
  TENANT_POOL_METRIC_NAMES,
  type EvictionReason,
  type ServerSnapshot,
} from './budget/pool-metrics';
export {
  runInTenant,
  currentTenant,
  requireTenant,
  TenantContextError,
  TenantContextErrorCode,
  type TenantContextValue,
} from './context/tenant-context';
export { ControlPlaneInfraModule } from './infra/control-plane-infra.module';
export {
  ENROLLMENT_TOKEN_PREFIX,
  HOST_TOKEN_PREFIX,
  TOKEN_RANDOM_BYTES,
  generateToken,
  hashToken,
  isWellFormedToken,
  sameHash,
  tokenDisplayPrefix,
  type TokenPrefix,
} from './enrollment/token-material';
export {
  COLLAPSED_TENANT_ID,
  COLLAPSED_TENANT_SLUG,
  type EnrollmentRedemption,
  type EnrollmentRefusalReason,
  type EnrollmentResult,
  type EnrollmentTenant,
  type HostIdentity,
  type RecordHost,
} from './enrollment/enrollment.types';
export {
  DEFAULT_ENROLLMENT_LOCK_TIMEOUT_MS,
  ENROLLMENT_LOCK_TIMEOUT_MS,
  EnrollmentRedeemer,
} from './enrollment/enrollment-redeemer';
export { EnrollmentError, EnrollmentErrorCode, EnrollmentRefusedError } from './enrollment/enrollment-error';
export { ensureCollapsedTenant } from './enrollment/collapsed-tenant';
export { ENROLLMENT_ACTOR } from './enrollment/enrollment-audit';
