import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLicenseKeypair, MULTITENANT_SAAS, signLicense } from '@sysmanage/tenancy';

const DAY_MS = 24 * 60 * 60_000;

/** A fresh keypair and a year-long MULTITENANT_SAAS license in a temp dir, as the multitenancy block names them. */
export function licenseFiles(): { licenseFile: string; licensePublicKeyFile: string } {
  const keys = generateLicenseKeypair();
  const doc = signLicense(
    { customer: 'migrator tests', tiers: [MULTITENANT_SAAS], expiresAt: new Date(Date.now() + 365 * DAY_MS) },
    keys.privateKeyPem,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'migrator-license-'));
  const licenseFile = path.join(dir, 'license.json');
  const licensePublicKeyFile = path.join(dir, 'license-public.pem');
  writeFileSync(licenseFile, JSON.stringify(doc));
  writeFileSync(licensePublicKeyFile, keys.publicKeyPem);
  return { licenseFile, licensePublicKeyFile };
}
