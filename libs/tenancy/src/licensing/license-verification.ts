import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { LicensingError, LicensingErrorCode } from './licensing-error';
import { readLicensePayload } from './license-payload';
import { ISSUE_COMMAND } from './license-tiers';
import type { LicenseDocument, LicenseSources, VerifiedLicense } from './license-types';

/** Tolerated difference between the issuer's clock and ours for issued_at. */
export const LICENSE_CLOCK_SKEW_MS = 5 * 60_000;

const REISSUE = `re-issue it with \`${ISSUE_COMMAND}\``;

function tryPublicKey(pem: string): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}

function publicKey(pem: string, sources: LicenseSources): KeyObject {
  const key = tryPublicKey(pem);
  if (key === undefined || key.asymmetricKeyType !== 'ed25519') {
    throw new LicensingError(
      LicensingErrorCode.PUBLIC_KEY_INVALID,
      `${sources.publicKeyFile ?? 'the license public key'} is not an Ed25519 public key in PEM form`,
      'point multitenancy.license_public_key_file at the license-public.pem written by `npm run license -- keygen`',
    );
  }
  return key;
}

function parseDocument(
  document: string | LicenseDocument,
  where: string,
): { license: unknown; signature: unknown } {
  let parsed: unknown = document;
  if (typeof document === 'string') {
    try {
      parsed = JSON.parse(document);
    } catch {
      throw new LicensingError(LicensingErrorCode.MALFORMED, `${where} is not valid JSON`, REISSUE);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || !('license' in parsed) || !('signature' in parsed)) {
    throw new LicensingError(
      LicensingErrorCode.MALFORMED,
      `${where} is not a signed license: expected {"license": {...}, "signature": "..."}`,
      REISSUE,
    );
  }
  return parsed;
}

/**
 * Verifies a license document (file text or parsed) against an Ed25519 public
 * key (PEM) and checks it is valid at `now`. Tiers are not checked here; see
 * assertMultitenancyLicense. Throws LicensingError.
 */
export function verifyLicense(
  document: string | LicenseDocument,
  publicKeyPem: string,
  now: Date = new Date(),
  sources: LicenseSources = {},
): VerifiedLicense {
  const where = sources.licenseFile === undefined ? 'the license' : `license file ${sources.licenseFile}`;
  const key = publicKey(publicKeyPem, sources);
  const { license, signature } = parseDocument(document, where);
  if (typeof signature !== 'string' || signature === '') {
    throw new LicensingError(LicensingErrorCode.MALFORMED, `${where} has no signature string`, REISSUE);
  }
  const signed = verify(
    null,
    Buffer.from(canonicalJson(license), 'utf8'),
    key,
    Buffer.from(signature, 'base64'),
  );
  if (!signed) {
    throw new LicensingError(
      LicensingErrorCode.BAD_SIGNATURE,
      `the signature of ${where} does not verify against ${sources.publicKeyFile ?? 'the public key'} (the license was altered or signed with another key)`,
      `use the public key matching the private key that issued it, or ${REISSUE}`,
    );
  }
  const verified = readLicensePayload(license);
  if (typeof verified === 'string')
    throw new LicensingError(LicensingErrorCode.MALFORMED, `${where}: ${verified}`, REISSUE);
  const label = `license ${verified.id} (customer ${verified.customer})`;
  if (now.getTime() < verified.issuedAt.getTime() - LICENSE_CLOCK_SKEW_MS) {
    throw new LicensingError(
      LicensingErrorCode.NOT_YET_VALID,
      `${label} is not valid before ${verified.issuedAt.toISOString()} (it is now ${now.toISOString()})`,
      `check this machine's clock, or ${REISSUE}`,
    );
  }
  if (now.getTime() >= verified.expiresAt.getTime()) {
    throw new LicensingError(
      LicensingErrorCode.EXPIRED,
      `${label} expired at ${verified.expiresAt.toISOString()}`,
      `issue a renewed one with \`${ISSUE_COMMAND}\``,
    );
  }
  return verified;
}
