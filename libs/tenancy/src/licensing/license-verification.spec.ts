import { sign } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { generateLicenseKeypair, signLicense } from './license-signing';
import { verifyLicense } from './license-verification';
import { LicensingErrorCode } from './licensing-error';
import { expectActionable, issue, KEYS, licensingErrorOf, NOW, TERMS } from './__fixtures__/license-fixture';

describe('signLicense + verifyLicense', () => {
  it('round-trips a valid license', () => {
    const doc = issue();
    expect(doc.license).toEqual({
      id: 'lic-1',
      customer: 'ACME',
      tiers: ['MULTITENANT_SAAS'],
      max_tenants: 50,
      issued_at: TERMS.issuedAt!.toISOString(),
      expires_at: TERMS.expiresAt.toISOString(),
    });
    expect(Buffer.from(doc.signature, 'base64')).toHaveLength(64);
    expect(verifyLicense(JSON.stringify(doc), KEYS.publicKeyPem, NOW)).toEqual({
      id: 'lic-1',
      customer: 'ACME',
      tiers: ['MULTITENANT_SAAS'],
      maxTenants: 50,
      issuedAt: TERMS.issuedAt,
      expiresAt: TERMS.expiresAt,
    });
  });

  it('verifies regardless of key order and whitespace (canonical JSON is signed)', () => {
    const doc = issue({ maxTenants: null });
    const reordered = `{"signature": "${doc.signature}",\n "license": ${JSON.stringify(Object.fromEntries(Object.entries(doc.license).reverse()), null, 4)}}`;
    expect(verifyLicense(reordered, KEYS.publicKeyPem, NOW).maxTenants).toBeNull();
  });

  it('defaults the id to a UUID and the issue time to now', () => {
    const before = Date.now();
    const doc = signLicense(
      { customer: 'ACME', tiers: ['MULTITENANT_SAAS'], expiresAt: TERMS.expiresAt },
      KEYS.privateKeyPem,
    );
    expect(doc.license.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(doc.license.issued_at)).toBeGreaterThanOrEqual(before);
  });

  it('BAD_SIGNATURE for a license signed with another key', () => {
    const other = generateLicenseKeypair();
    const err = licensingErrorOf(() =>
      verifyLicense(JSON.stringify(issue({}, other)), KEYS.publicKeyPem, NOW),
    );
    expect(err.code).toBe(LicensingErrorCode.BAD_SIGNATURE);
    expect(err.message).toContain(
      'does not verify against the public key (the license was altered or signed with another key)',
    );
    expectActionable(err);
  });

  it('BAD_SIGNATURE for a tampered payload', () => {
    const doc = issue();
    const tampered = { ...doc, license: { ...doc.license, max_tenants: 5000 } };
    const err = licensingErrorOf(() => verifyLicense(JSON.stringify(tampered), KEYS.publicKeyPem, NOW));
    expect(err.code).toBe(LicensingErrorCode.BAD_SIGNATURE);
    expectActionable(err);
  });

  it('BAD_SIGNATURE for a truncated signature', () => {
    const doc = issue();
    const err = licensingErrorOf(() =>
      verifyLicense({ ...doc, signature: doc.signature.slice(0, 20) }, KEYS.publicKeyPem, NOW),
    );
    expect(err.code).toBe(LicensingErrorCode.BAD_SIGNATURE);
  });

  it.each([
    ['not JSON', '{"license": ', 'the license is not valid JSON'],
    [
      'no signature',
      JSON.stringify({ license: {} }),
      'the license is not a signed license: expected {"license": {...}, "signature": "..."}',
    ],
    ['a list', '[1,2]', 'the license is not a signed license'],
    [
      'an empty signature',
      JSON.stringify({ license: {}, signature: '' }),
      'the license has no signature string',
    ],
  ])('MALFORMED for %s', (_case, text, problem) => {
    const err = licensingErrorOf(() => verifyLicense(text, KEYS.publicKeyPem, NOW));
    expect(err.code).toBe(LicensingErrorCode.MALFORMED);
    expect(err.message.startsWith(problem)).toBe(true);
    expectActionable(err);
  });

  it('MALFORMED for a correctly signed payload of the wrong shape', () => {
    const license = {
      id: 'x',
      customer: 'ACME',
      tiers: 'MULTITENANT_SAAS',
      max_tenants: null,
      issued_at: '2026-01-01T00:00:00Z',
      expires_at: '2027-01-01T00:00:00Z',
    };
    const signature = sign(null, Buffer.from(canonicalJson(license)), KEYS.privateKeyPem).toString('base64');
    const err = licensingErrorOf(() =>
      verifyLicense(JSON.stringify({ license, signature }), KEYS.publicKeyPem, NOW),
    );
    expect(err.code).toBe(LicensingErrorCode.MALFORMED);
    expect(
      err.message.startsWith('the license: license.tiers must be a non-empty list of tier names. '),
    ).toBe(true);
  });

  it('EXPIRED at and after expires_at', () => {
    const doc = issue();
    const err = licensingErrorOf(() => verifyLicense(doc, KEYS.publicKeyPem, TERMS.expiresAt));
    expect(err.code).toBe(LicensingErrorCode.EXPIRED);
    expect(err.message).toBe(
      `license lic-1 (customer ACME) expired at ${TERMS.expiresAt.toISOString()}. ` +
        'Multi-tenant mode requires a valid license carrying tier MULTITENANT_SAAS. ' +
        'Fix: issue a renewed one with `npm run license -- issue --tier MULTITENANT_SAAS --customer NAME --expires YYYY-MM-DD`, ' +
        'or set multitenancy.enabled: false to run single-tenant',
    );
  });

  it('NOT_YET_VALID before issued_at, beyond five minutes of clock skew', () => {
    const doc = issue({ issuedAt: new Date(NOW.getTime() + 10 * 60_000) });
    const err = licensingErrorOf(() => verifyLicense(doc, KEYS.publicKeyPem, NOW));
    expect(err.code).toBe(LicensingErrorCode.NOT_YET_VALID);
    expectActionable(err);
    const skewed = issue({ issuedAt: new Date(NOW.getTime() + 60_000) });
    expect(verifyLicense(skewed, KEYS.publicKeyPem, NOW).id).toBe('lic-1');
  });

  it('PUBLIC_KEY_INVALID for a key that is not an Ed25519 public key', () => {
    for (const pem of ['not a key', KEYS.privateKeyPem.replace(/PRIVATE/g, 'PUBLIC')]) {
      const err = licensingErrorOf(() =>
        verifyLicense(issue(), pem, NOW, { publicKeyFile: '/keys/pub.pem' }),
      );
      expect(err.code).toBe(LicensingErrorCode.PUBLIC_KEY_INVALID);
      expect(err.message.startsWith('/keys/pub.pem is not an Ed25519 public key in PEM form. ')).toBe(true);
    }
  });

  it('refuses to sign terms that would not verify', () => {
    const err = licensingErrorOf(() => issue({ expiresAt: TERMS.issuedAt }));
    expect(err.code).toBe(LicensingErrorCode.MALFORMED);
    expect(
      err.message.startsWith(
        'cannot issue this license: license.expires_at must be later than license.issued_at. ',
      ),
    ).toBe(true);
    expect(() => issue({ maxTenants: 0 })).toThrow('license.max_tenants must be a positive integer or null');
    expect(() => issue({ tiers: [] })).toThrow('license.tiers must be a non-empty list');
  });
});
