import {
  loadConfig,
  type LoadConfigOptions,
  type ServiceName,
  type SysManageConfig,
} from '@sysmanage/config';
import { assertMultitenancyLicense } from '../licensing/multitenancy-license';
import { ISSUE_COMMAND } from '../licensing/license-tiers';
import type { VerifiedLicense } from '../licensing/license-types';
import { LicensingError } from '../licensing/licensing-error';

export interface ServiceStartup {
  config: SysManageConfig;
  /** null in collapsed mode. */
  license: VerifiedLicense | null;
  /** Config warnings, plus a renewal reminder when the license expires soon; log them once started. */
  warnings: string[];
}

export interface ServiceStartupOptions extends LoadConfigOptions {
  /** The time the license is checked against; default now. */
  now?: Date;
}

/** A license expiring within this window produces a startup warning. */
export const LICENSE_RENEWAL_WARNING_MS = 30 * 24 * 60 * 60_000;

const DAY_MS = 24 * 60 * 60_000;

function renewalWarning(license: VerifiedLicense, now: Date): string | null {
  const left = license.expiresAt.getTime() - now.getTime();
  if (left > LICENSE_RENEWAL_WARNING_MS) return null;
  const days = Math.floor(left / DAY_MS);
  return `license ${license.id} (customer ${license.customer}) expires at ${license.expiresAt.toISOString()} (in ${days} days); renew it with \`${ISSUE_COMMAND}\``;
}

/**
 * What every service does first: load and validate the configuration, then
 * pass the licensing gate. Throws ConfigError or LicensingError (message
 * prefixed with the service); hand either to reportStartupFailure and exit.
 */
export function prepareServiceStartup(
  service: ServiceName,
  opts: ServiceStartupOptions = {},
): ServiceStartup {
  const { now = new Date(), ...loadOptions } = opts;
  const { config, warnings } = loadConfig(loadOptions);
  let license: VerifiedLicense | null;
  try {
    license = assertMultitenancyLicense(config, now);
  } catch (err) {
    if (err instanceof LicensingError) {
      throw new LicensingError(err.code, `${service} refuses to start: ${err.problem}`, err.fix);
    }
    throw err;
  }
  const reminder = license === null ? null : renewalWarning(license, now);
  return { config, license, warnings: reminder === null ? warnings : [...warnings, reminder] };
}
