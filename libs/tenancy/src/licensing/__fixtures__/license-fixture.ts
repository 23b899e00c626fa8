import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLicenseKeypair, type LicenseKeypair } from '../license-signing';
import { signLicense } from '../license-signing';
import type { LicenseDocument, LicenseTerms } from '../license-types';
import { LicensingError } from '../licensing-error';

export const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 24 * 60 * 60_000;

/** A year-long MULTITENANT_SAAS license around NOW. */
export const TERMS: LicenseTerms = {
  id: 'lic-1',
  customer: 'ACME',
  tiers: ['MULTITENANT_SAAS'],
  maxTenants: 50,
  issuedAt: new Date(NOW.getTime() - DAY),
  expiresAt: new Date(NOW.getTime() + 365 * DAY),
};

// One keypair per test file: Ed25519 generation is cheap but not free.
export const KEYS: LicenseKeypair = generateLicenseKeypair();

export function issue(terms: Partial<LicenseTerms> = {}, keys: LicenseKeypair = KEYS): LicenseDocument {
  return signLicense({ ...TERMS, ...terms }, keys.privateKeyPem);
}

/** A temp dir holding license.json and license-public.pem (when given). */
export function writeLicenseFiles(
  document: LicenseDocument | string | null,
  publicKeyPem: string | null = KEYS.publicKeyPem,
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysmanage-license-'));
  const licenseFile = path.join(dir, 'license.json');
  const publicKeyFile = path.join(dir, 'license-public.pem');
  if (document !== null)
    writeFileSync(licenseFile, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  if (publicKeyPem !== null) writeFileSync(publicKeyFile, publicKeyPem);
  return { dir, licenseFile, publicKeyFile };
}

/** The LicensingError `fn` throws; fails the test on anything else. */
export function licensingErrorOf(fn: () => unknown): LicensingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LicensingError) return err;
    throw err;
  }
  throw new Error('expected a LicensingError, but nothing was thrown');
}

/** What every licensing message must carry: the tier and the way out. */
export function expectActionable(err: LicensingError): void {
  expect(err.name).toBe('LicensingError');
  expect(err.message).toContain('MULTITENANT_SAAS');
  expect(err.message).toContain('Fix: ');
  expect(err.message).toContain('or set multitenancy.enabled: false');
}
