import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LicensingError, LicensingErrorCode } from './licensing-error';
import { generateLicenseKeypair, signLicense } from './license-signing';
import { ISSUE_COMMAND } from './license-tiers';
import type { LicenseTerms, VerifiedLicense } from './license-types';
import { verifyLicense } from './license-verification';

export interface LicenseFilePaths {
  licenseFile: string;
  publicKeyFile: string;
}

function readOrThrow(file: string, missing: () => LicensingError): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw missing();
    throw new LicensingError(
      LicensingErrorCode.UNREADABLE,
      `cannot read ${file}: ${code ?? 'error'}`,
      'make it a regular file readable by the user this service runs as',
    );
  }
}

/** Reads both files and verifies the license (tiers unchecked). Throws LicensingError. */
export function verifyLicenseFiles(paths: LicenseFilePaths, now: Date = new Date()): VerifiedLicense {
  const document = readOrThrow(
    paths.licenseFile,
    () =>
      new LicensingError(
        LicensingErrorCode.FILE_MISSING,
        `no license file at ${paths.licenseFile} (multitenancy.license_file)`,
        `issue one with \`${ISSUE_COMMAND} --out ${paths.licenseFile}\``,
      ),
  );
  const publicKeyPem = readOrThrow(
    paths.publicKeyFile,
    () =>
      new LicensingError(
        LicensingErrorCode.PUBLIC_KEY_MISSING,
        `no license public key at ${paths.publicKeyFile} (multitenancy.license_public_key_file)`,
        'install the license-public.pem that matches the key your license was issued with (`npm run license -- keygen` writes a pair)',
      ),
  );
  return verifyLicense(document, publicKeyPem, now, paths);
}

/**
 * A fresh keypair and a license for `terms` signed with it, written to `dir`
 * as license.json (0600) and license-public.pem, the files the
 * multitenancy block names: a licensed setup in one call for tests,
 * benchmarks and local trials. The private key is not kept, so nothing else
 * can be issued for that public key.
 */
export function writeSelfSignedLicense(
  dir: string,
  terms: LicenseTerms,
): { licenseFile: string; licensePublicKeyFile: string } {
  const keys = generateLicenseKeypair();
  const licenseFile = join(dir, 'license.json');
  const licensePublicKeyFile = join(dir, 'license-public.pem');
  writeFileSync(licenseFile, JSON.stringify(signLicense(terms, keys.privateKeyPem)), { mode: 0o600 });
  writeFileSync(licensePublicKeyFile, keys.publicKeyPem, { mode: 0o644 });
  return { licenseFile, licensePublicKeyFile };
}
