import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { LicensingError, LicensingErrorCode } from './licensing-error';
import { readLicensePayload, toLicensePayload } from './license-payload';
import type { LicenseDocument, LicenseTerms } from './license-types';

export interface LicenseKeypair {
  /** PKCS#8 PEM; keep it off the servers (it issues licenses). */
  privateKeyPem: string;
  /** SPKI PEM; what multitenancy.license_public_key_file points at. */
  publicKeyPem: string;
}

export function generateLicenseKeypair(): LicenseKeypair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Signs `terms` with an Ed25519 private key (PEM). Throws LicensingError
 * MALFORMED when the terms would not make a valid license, and TypeError when
 * the key is not an Ed25519 private key.
 */
export function signLicense(terms: LicenseTerms, privateKeyPem: string): LicenseDocument {
  const checked = readLicensePayload({
    id: terms.id ?? randomUUID(),
    customer: terms.customer,
    tiers: [...terms.tiers],
    max_tenants: terms.maxTenants ?? null,
    issued_at: (terms.issuedAt ?? new Date()).toISOString(),
    expires_at: terms.expiresAt.toISOString(),
  });
  if (typeof checked === 'string') {
    throw new LicensingError(
      LicensingErrorCode.MALFORMED,
      `cannot issue this license: ${checked}`,
      'correct the license terms',
    );
  }
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `license signing needs an Ed25519 private key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`,
    );
  }
  const license = toLicensePayload(checked);
  const signature = sign(null, Buffer.from(canonicalJson(license), 'utf8'), key).toString('base64');
  return { license, signature };
}
