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
export { verifyLicenseFiles, type LicenseFilePaths } from './licensing/license-files';
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
