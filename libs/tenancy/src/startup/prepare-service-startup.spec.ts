import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, ConfigErrorCode } from '@sysmanage/config';
import { LicensingError, LicensingErrorCode } from '../licensing/licensing-error';
import { issue, KEYS, NOW } from '../licensing/__fixtures__/license-fixture';
import { prepareServiceStartup } from './prepare-service-startup';

const DAY = 24 * 60 * 60_000;
const BASE = 'registry:\n  name: sysmanage\n  user: sysmanage\n';
const MT = `${BASE}multitenancy:\n  enabled: true\nvault:\n  url: http://127.0.0.1:8200\n  token: dev\n`;

/** A config dir laid out as `npm run license` leaves it: ./data/license.json and ./data/license-public.pem. */
function configDir(yaml: string, license: object | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysmanage-startup-'));
  writeFileSync(path.join(dir, 'sysmanage.yaml'), yaml);
  if (license !== null) {
    const data = path.join(dir, 'data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'license.json'), JSON.stringify(license));
    writeFileSync(path.join(data, 'license-public.pem'), KEYS.publicKeyPem);
  }
  return path.join(dir, 'sysmanage.yaml');
}

const start = (file: string, now = NOW) =>
  prepareServiceStartup('registry', { path: file, env: {}, argv: [], now });

function failureOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the start to fail');
}

describe('prepareServiceStartup', () => {
  it('starts in collapsed mode without any license', () => {
    const startup = start(configDir(BASE, null));
    expect(startup.license).toBeNull();
    expect(startup.config.multitenancy.enabled).toBe(false);
    expect(startup.warnings).toEqual([]);
  });

  it('starts multi-tenant with a valid license found next to the config file', () => {
    const startup = start(configDir(MT, issue()));
    expect(startup.license).toMatchObject({
      id: 'lic-1',
      customer: 'ACME',
      tiers: ['MULTITENANT_SAAS'],
      maxTenants: 50,
    });
    expect(startup.warnings).toEqual([]);
  });

  it('refuses multi-tenant start without a license, naming the service', () => {
    const file = configDir(MT, null);
    const err = failureOf(() => start(file)) as LicensingError;
    expect(err).toBeInstanceOf(LicensingError);
    expect(err.code).toBe(LicensingErrorCode.FILE_MISSING);
    expect(
      err.message.startsWith(
        `registry refuses to start: no license file at ${path.join(path.dirname(file), 'data/license.json')}`,
      ),
    ).toBe(true);
    expect(err.message).toContain('MULTITENANT_SAAS');
  });

  it('lets configuration errors through unchanged', () => {
    const err = failureOf(() => start(configDir('registry:\n  name: x\n', null))) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe(ConfigErrorCode.MISSING_VALUE);
    expect(err.key).toBe('registry.user');
  });

  it('adds a renewal reminder when the license expires within 30 days', () => {
    const startup = start(configDir(MT, issue({ expiresAt: new Date(NOW.getTime() + 10 * DAY + 1000) })));
    expect(startup.warnings).toEqual([
      `license lic-1 (customer ACME) expires at ${new Date(NOW.getTime() + 10 * DAY + 1000).toISOString()} (in 10 days); ` +
        'renew it with `npm run license -- issue --tier MULTITENANT_SAAS --customer NAME --expires YYYY-MM-DD`',
    ]);
  });
});
