import { assertLicenseTier, verifyLicenseFiles } from '@sysmanage/tenancy';
import { LicenseCliExit } from './cli-io';
import type { CommandContext } from './command-context';
import { DEFAULT_DATA_DIR, LICENSE_FILE, PUBLIC_KEY_FILE, resolveFrom } from './license-paths';

export const VERIFY_FLAGS = { license: 'value', 'public-key': 'value' } as const;

const DAY_MS = 24 * 60 * 60_000;

/** Runs the services' own gate on a license file; LicensingError propagates (exit 1). */
export function verifyCommand({ flags, cwd, now, io }: CommandContext): LicenseCliExit {
  const licenseFile = resolveFrom(cwd, flags.one('license'), `${DEFAULT_DATA_DIR}/${LICENSE_FILE}`);
  const publicKeyFile = resolveFrom(cwd, flags.one('public-key'), `${DEFAULT_DATA_DIR}/${PUBLIC_KEY_FILE}`);
  const license = verifyLicenseFiles({ licenseFile, publicKeyFile }, now);
  assertLicenseTier(license);
  const daysLeft = Math.floor((license.expiresAt.getTime() - now.getTime()) / DAY_MS);
  io.stdout.write(
    [
      `license OK: ${licenseFile}`,
      `  id:          ${license.id}`,
      `  customer:    ${license.customer}`,
      `  tiers:       ${license.tiers.join(', ')}`,
      `  max tenants: ${license.maxTenants ?? 'unlimited'}`,
      `  issued at:   ${license.issuedAt.toISOString()}`,
      `  expires at:  ${license.expiresAt.toISOString()} (in ${daysLeft} days)`,
      '',
    ].join('\n'),
  );
  return LicenseCliExit.OK;
}
