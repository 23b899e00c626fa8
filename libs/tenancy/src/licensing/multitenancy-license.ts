import type { SysManageConfig } from '@sysmanage/config';
import { verifyLicenseFiles } from './license-files';
import { ISSUE_COMMAND, MULTITENANT_SAAS } from './license-tiers';
import type { VerifiedLicense } from './license-types';
import { LicensingError, LicensingErrorCode } from './licensing-error';

/** Throws TIER_MISSING unless the license carries `tier`. */
export function assertLicenseTier(license: VerifiedLicense, tier: string = MULTITENANT_SAAS): void {
  if (license.tiers.includes(tier)) return;
  throw new LicensingError(
    LicensingErrorCode.TIER_MISSING,
    `license ${license.id} (customer ${license.customer}) carries tiers ${license.tiers.join(', ')} but not ${tier}`,
    `issue one that includes it with \`${ISSUE_COMMAND}\``,
  );
}

/**
 * The licensing gate: null in collapsed mode (no license needed); with
 * multitenancy.enabled, the verified license carrying MULTITENANT_SAAS, or a
 * LicensingError. Callers must stop on the error, never fall back.
 */
export function assertMultitenancyLicense(
  config: SysManageConfig,
  now: Date = new Date(),
): VerifiedLicense | null {
  if (!config.multitenancy.enabled) return null;
  const license = verifyLicenseFiles(
    { licenseFile: config.multitenancy.licenseFile, publicKeyFile: config.multitenancy.licensePublicKeyFile },
    now,
  );
  assertLicenseTier(license);
  return license;
}
