import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MULTITENANT_SAAS, writeSelfSignedLicense } from '@sysmanage/tenancy';

const DAY_MS = 24 * 60 * 60_000;

/** A fresh keypair and a year-long MULTITENANT_SAAS license in a temp dir, as the multitenancy block names them. */
export function licenseFiles(): { licenseFile: string; licensePublicKeyFile: string } {
  return writeSelfSignedLicense(mkdtempSync(path.join(tmpdir(), 'migrator-license-')), {
    customer: 'migrator tests',
    tiers: [MULTITENANT_SAAS],
    expiresAt: new Date(Date.now() + 365 * DAY_MS),
  });
}
