import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLicenseKeypair, verifyLicense, type LicenseDocument } from '@sysmanage/tenancy';
import { runLicenseCli } from './main';

const NOW = new Date('2026-06-01T12:00:00.000Z');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(cwd: string, ...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runLicenseCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd,
    now: () => NOW,
  });
  return { code, stdout, stderr };
}

const workDir = () => mkdtempSync(path.join(tmpdir(), 'sysmanage-license-cli-'));
const mode = (file: string) => statSync(file).mode & 0o777;
const ISSUE = ['issue', '--tier', 'MULTITENANT_SAAS', '--customer', 'ACME Corp', '--expires', '2027-12-31'];

describe('license keygen', () => {
  it('writes the keypair into ./data with 0600/0644', async () => {
    const cwd = workDir();
    const run = await cli(cwd, 'keygen');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const priv = path.join(cwd, 'data/license-private.pem');
    const pub = path.join(cwd, 'data/license-public.pem');
    expect(run.stdout).toContain(`wrote ${priv} (0600`);
    expect(run.stdout).toContain(`wrote ${pub} (0644`);
    expect(mode(priv)).toBe(0o600);
    expect(mode(pub)).toBe(0o644);
    expect(readFileSync(priv, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(pub, 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('refuses to overwrite an existing key unless --force', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen', '--out-dir', 'keys');
    const pub = path.join(cwd, 'keys/license-public.pem');
    const before = readFileSync(pub, 'utf8');
    const refused = await cli(cwd, 'keygen', '--out-dir', 'keys');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `license: refusing to overwrite ${path.join(cwd, 'keys/license-private.pem')} and ${pub}: ` +
        'licenses issued with that key would stop verifying. Pass --force to replace the keypair\n',
    );
    expect(readFileSync(pub, 'utf8')).toBe(before);
    const forced = await cli(cwd, 'keygen', '--out-dir=keys', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(pub, 'utf8')).not.toBe(before);
  });

  it('tightens an existing private key file to 0600 when replacing it', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen');
    const priv = path.join(cwd, 'data/license-private.pem');
    chmodSync(priv, 0o644);
    await cli(cwd, 'keygen', '--force');
    expect(mode(priv)).toBe(0o600);
  });
});

describe('license issue', () => {
  it('signs a license verifiable with the public key, written 0600', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen');
    const run = await cli(cwd, ...ISSUE, '--tier', 'REPORTING', '--max-tenants', '25', '--id', 'lic-42');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = path.join(cwd, 'data/license.json');
    expect(run.stdout).toBe(
      'issued license lic-42 for "ACME Corp": tiers MULTITENANT_SAAS, REPORTING; max tenants 25; ' +
        `expires 2027-12-31T23:59:59.999Z\nwrote ${out} (0600)\n`,
    );
    expect(mode(out)).toBe(0o600);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as LicenseDocument;
    expect(doc.license).toEqual({
      id: 'lic-42',
      customer: 'ACME Corp',
      tiers: ['MULTITENANT_SAAS', 'REPORTING'],
      max_tenants: 25,
      issued_at: NOW.toISOString(),
      expires_at: '2027-12-31T23:59:59.999Z',
    });
    const pub = readFileSync(path.join(cwd, 'data/license-public.pem'), 'utf8');
    expect(verifyLicense(doc, pub, NOW).maxTenants).toBe(25);
  });

  it('honours --private-key, --out and an ISO timestamp; no limit without --max-tenants', async () => {
    const cwd = workDir();
    writeFileSync(path.join(cwd, 'issuer.pem'), generateLicenseKeypair().privateKeyPem);
    const run = await cli(
      cwd,
      'issue',
      '--tier=MULTITENANT_SAAS',
      '--customer=Solo',
      '--expires=2026-07-01T00:00:00+02:00',
      '--private-key',
      'issuer.pem',
      '--out',
      'out/lic.json',
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(cwd, 'out/lic.json'), 'utf8')) as LicenseDocument;
    expect(doc.license.expires_at).toBe('2026-06-30T22:00:00.000Z');
    expect(doc.license.max_tenants).toBeNull();
    expect(doc.license.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('warns when the license would not unlock multi-tenant mode', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen');
    const run = await cli(cwd, 'issue', '--tier', 'REPORTING', '--customer', 'X', '--expires', '2027-01-01');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'warning: this license lacks MULTITENANT_SAAS; multi-tenant mode will refuse it\n',
    );
  });

  it('fails (exit 1) without a private key, pointing at keygen', async () => {
    const cwd = workDir();
    const run = await cli(cwd, ...ISSUE);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `license: cannot read the private key ${path.join(cwd, 'data/license-private.pem')}: ENOENT; create a keypair with \`npm run license -- keygen\`\n`,
    );
  });

  it('fails (exit 1) on a key that is not an Ed25519 private key', async () => {
    const cwd = workDir();
    writeFileSync(path.join(cwd, 'pub.pem'), generateLicenseKeypair().publicKeyPem);
    const run = await cli(cwd, ...ISSUE, '--private-key', 'pub.pem');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `license: ${path.join(cwd, 'pub.pem')} is not an Ed25519 private key in PEM form\n`,
    );
  });

  it.each([
    [
      ['issue', '--customer', 'X', '--expires', '2027-01-01'],
      '--tier is required (e.g. --tier MULTITENANT_SAAS)',
    ],
    [
      ['issue', '--tier', 'saas', '--customer', 'X', '--expires', '2027-01-01'],
      '--tier: expected an upper-case tier name like MULTITENANT_SAAS, got "saas"',
    ],
    [
      ['issue', '--tier', 'MULTITENANT_SAAS', '--expires', '2027-01-01'],
      '--customer is required (who the license is for)',
    ],
    [
      ['issue', '--tier', 'MULTITENANT_SAAS', '--customer', 'X'],
      '--expires is required (YYYY-MM-DD or an ISO 8601 timestamp)',
    ],
    [
      [...ISSUE.slice(0, 5), '--expires', '2027-02-30'],
      '--expires: expected YYYY-MM-DD or an ISO 8601 timestamp with a time zone, got "2027-02-30"',
    ],
    [
      [...ISSUE.slice(0, 5), '--expires', '2027-01-01T10:00'],
      '--expires: expected YYYY-MM-DD or an ISO 8601 timestamp with a time zone, got "2027-01-01T10:00"',
    ],
    [
      [...ISSUE.slice(0, 5), '--expires', '2026-05-31'],
      '--expires: 2026-05-31T23:59:59.999Z is not in the future',
    ],
    [[...ISSUE, '--max-tenants', '0'], '--max-tenants: expected a positive integer, got "0"'],
    [[...ISSUE, '--customer', 'Y'], '--customer given more than once'],
    [[...ISSUE, '--color'], 'unknown option --color'],
    [[...ISSUE, '--out'], '--out needs a value'],
    [['issue', 'extra'], 'unexpected argument "extra"'],
    [['keygen', '--force=yes'], '--force takes no value'],
    [['sign'], 'unknown command "sign"'],
    [[], 'a command is required'],
  ])('usage error (exit 2) for %j', async (argv, message) => {
    const run = await cli(workDir(), ...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(
      run.stderr.startsWith(`license: ${message}\n\nusage: npm run license -- <command> [options]`),
    ).toBe(true);
  });

  it('prints usage on help (exit 0)', async () => {
    const run = await cli(workDir(), 'help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('keygen [--out-dir DIR] [--force]');
    expect(run.stdout).toContain('verify [--license PATH] [--public-key PATH]');
  });
});

describe('license verify', () => {
  it('reports a valid license (exit 0)', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen');
    await cli(cwd, ...ISSUE, '--id', 'lic-7');
    const run = await cli(cwd, 'verify');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`license OK: ${path.join(cwd, 'data/license.json')}`);
    expect(run.stdout).toContain('  id:          lic-7');
    expect(run.stdout).toContain('  max tenants: unlimited');
    expect(run.stdout).toMatch(/expires at: {2}2027-12-31T23:59:59\.999Z \(in 578 days\)/);
  });

  it('fails (exit 1) with a LicensingError for a license from another key', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen');
    await cli(cwd, ...ISSUE);
    await cli(cwd, 'keygen', '--out-dir', 'other');
    const run = await cli(cwd, 'verify', '--public-key', 'other/license-public.pem');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^LicensingError: the signature of license file .+ does not verify against .+other\/license-public\.pem/,
    );
    expect(run.stderr).toContain('MULTITENANT_SAAS');
  });

  it('fails (exit 1) for a missing license or one without MULTITENANT_SAAS', async () => {
    const cwd = workDir();
    await cli(cwd, 'keygen');
    const missing = await cli(cwd, 'verify', '--license', 'nope.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`LicensingError: no license file at ${path.join(cwd, 'nope.json')}`);
    await cli(cwd, 'issue', '--tier', 'REPORTING', '--customer', 'X', '--expires', '2027-01-01');
    const lacking = await cli(cwd, 'verify');
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain('carries tiers REPORTING but not MULTITENANT_SAAS');
  });
});
