import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyLicenseFiles, writeSelfSignedLicense } from './license-files';
import { LicensingErrorCode } from './licensing-error';

describe('writeSelfSignedLicense', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'self-signed-license-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a license that verifies against the public key next to it, the license readable by its owner only', () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const files = writeSelfSignedLicense(dir, {
      customer: 'bench',
      tiers: ['MULTITENANT_SAAS'],
      maxTenants: 7,
      expiresAt,
    });
    expect(files).toEqual({
      licenseFile: path.join(dir, 'license.json'),
      licensePublicKeyFile: path.join(dir, 'license-public.pem'),
    });
    const verified = verifyLicenseFiles({
      licenseFile: files.licenseFile,
      publicKeyFile: files.licensePublicKeyFile,
    });
    expect(verified).toMatchObject({ customer: 'bench', tiers: ['MULTITENANT_SAAS'], maxTenants: 7 });
    expect(statSync(files.licenseFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(files.licensePublicKeyFile, 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('uses a fresh keypair each time: one setup’s public key does not verify another’s license', () => {
    const terms = {
      customer: 'x',
      tiers: ['MULTITENANT_SAAS'],
      expiresAt: new Date(Date.now() + 86_400_000),
    };
    const first = writeSelfSignedLicense(dir, terms);
    const otherDir = mkdtempSync(path.join(tmpdir(), 'self-signed-license-'));
    try {
      const second = writeSelfSignedLicense(otherDir, terms);
      expect(() =>
        verifyLicenseFiles({ licenseFile: first.licenseFile, publicKeyFile: second.licensePublicKeyFile }),
      ).toThrow(expect.objectContaining({ code: LicensingErrorCode.BAD_SIGNATURE }));
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
