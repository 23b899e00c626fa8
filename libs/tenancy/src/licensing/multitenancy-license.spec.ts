import { mkdirSync } from 'node:fs';
import { LicensingErrorCode } from './licensing-error';
import { assertMultitenancyLicense } from './multitenancy-license';
import { configWith } from './__fixtures__/config-fixture';
import {
  expectActionable,
  issue,
  licensingErrorOf,
  NOW,
  TERMS,
  writeLicenseFiles,
} from './__fixtures__/license-fixture';

function gate(files: { licenseFile: string; publicKeyFile: string }) {
  return () => assertMultitenancyLicense(configWith({ enabled: true, ...files }), NOW);
}

describe('assertMultitenancyLicense', () => {
  it('needs no license in collapsed mode', () => {
    expect(assertMultitenancyLicense(configWith({ enabled: false }), NOW)).toBeNull();
  });

  it('returns the verified license when it carries MULTITENANT_SAAS', () => {
    const files = writeLicenseFiles(issue({ tiers: ['BASIC', 'MULTITENANT_SAAS'] }));
    expect(gate(files)()).toEqual({
      id: 'lic-1',
      customer: 'ACME',
      tiers: ['BASIC', 'MULTITENANT_SAAS'],
      maxTenants: 50,
      issuedAt: TERMS.issuedAt,
      expiresAt: TERMS.expiresAt,
    });
  });

  it('FILE_MISSING names the path, the config key, the tier and the command', () => {
    const files = writeLicenseFiles(null);
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.FILE_MISSING);
    expect(err.message).toBe(
      `no license file at ${files.licenseFile} (multitenancy.license_file). ` +
        'Multi-tenant mode requires a valid license carrying tier MULTITENANT_SAAS. ' +
        `Fix: issue one with \`npm run license -- issue --tier MULTITENANT_SAAS --customer NAME --expires YYYY-MM-DD --out ${files.licenseFile}\`, ` +
        'or set multitenancy.enabled: false to run single-tenant',
    );
  });

  it('UNREADABLE when the license path cannot be read', () => {
    const files = writeLicenseFiles(null);
    mkdirSync(files.licenseFile);
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.UNREADABLE);
    expect(err.message.startsWith(`cannot read ${files.licenseFile}: EISDIR. `)).toBe(true);
    expectActionable(err);
  });

  it('MALFORMED names the file', () => {
    const files = writeLicenseFiles('license: yes');
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.MALFORMED);
    expect(err.message.startsWith(`license file ${files.licenseFile} is not valid JSON. `)).toBe(true);
    expectActionable(err);
  });

  it('PUBLIC_KEY_MISSING names the key path and its config key', () => {
    const files = writeLicenseFiles(issue(), null);
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.PUBLIC_KEY_MISSING);
    expect(
      err.message.startsWith(
        `no license public key at ${files.publicKeyFile} (multitenancy.license_public_key_file). `,
      ),
    ).toBe(true);
    expectActionable(err);
  });

  it('BAD_SIGNATURE names both files', () => {
    const doc = issue();
    const files = writeLicenseFiles({ ...doc, license: { ...doc.license, customer: 'Someone else' } });
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.BAD_SIGNATURE);
    expect(err.message).toContain(
      `the signature of license file ${files.licenseFile} does not verify against ${files.publicKeyFile}`,
    );
  });

  it('EXPIRED from the files', () => {
    const files = writeLicenseFiles(
      issue({ expiresAt: new Date(NOW.getTime() - 1), issuedAt: new Date(NOW.getTime() - 10_000) }),
    );
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.EXPIRED);
    expectActionable(err);
  });

  it('TIER_MISSING for a valid license without MULTITENANT_SAAS', () => {
    const files = writeLicenseFiles(issue({ tiers: ['BASIC', 'REPORTING'] }));
    const err = licensingErrorOf(gate(files));
    expect(err.code).toBe(LicensingErrorCode.TIER_MISSING);
    expect(err.message).toBe(
      'license lic-1 (customer ACME) carries tiers BASIC, REPORTING but not MULTITENANT_SAAS. ' +
        'Multi-tenant mode requires a valid license carrying tier MULTITENANT_SAAS. ' +
        'Fix: issue one that includes it with `npm run license -- issue --tier MULTITENANT_SAAS --customer NAME --expires YYYY-MM-DD`, ' +
        'or set multitenancy.enabled: false to run single-tenant',
    );
  });
});
