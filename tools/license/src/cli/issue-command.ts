import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MULTITENANT_SAAS, signLicense, verifyLicense, type LicenseDocument } from '@sysmanage/tenancy';
import { CommandError, LicenseCliExit, UsageError } from './cli-io';
import type { CommandContext } from './command-context';
import { parseExpiry } from './expiry';
import { DEFAULT_DATA_DIR, LICENSE_FILE, PRIVATE_KEY_FILE, resolveFrom } from './license-paths';
import { writeFileWithMode } from './write-private-file';

export const ISSUE_FLAGS = {
  tier: 'list',
  expires: 'value',
  customer: 'value',
  'max-tenants': 'value',
  id: 'value',
  'private-key': 'value',
  out: 'value',
} as const;

const TIER_NAME = /^[A-Z][A-Z0-9_]*$/;

function tiersOf(raw: string[]): string[] {
  if (raw.length === 0) throw new UsageError(`--tier is required (e.g. --tier ${MULTITENANT_SAAS})`);
  const bad = raw.find((t) => !TIER_NAME.test(t));
  if (bad !== undefined)
    throw new UsageError(`--tier: expected an upper-case tier name like ${MULTITENANT_SAAS}, got "${bad}"`);
  return [...new Set(raw)];
}

function maxTenantsOf(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new UsageError(`--max-tenants: expected a positive integer, got "${raw}"`);
  return Number(raw);
}

function privateKeyFrom(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CommandError(
      `cannot read the private key ${file}: ${code}; create a keypair with \`npm run license -- keygen\``,
    );
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // reported below, the same way as a key of the wrong type
  }
  throw new CommandError(`${file} is not an Ed25519 private key in PEM form`);
}

/** Signs a license, checks it verifies with the matching public key, and writes it 0600. */
export function issueCommand({ flags, cwd, now, io }: CommandContext): LicenseCliExit {
  const tiers = tiersOf(flags.many('tier'));
  const customer = flags.required('customer', 'who the license is for');
  if (customer.trim() === '') throw new UsageError('--customer must not be blank');
  const expiresAt = parseExpiry(flags.required('expires', 'YYYY-MM-DD or an ISO 8601 timestamp'), now);
  const maxTenants = maxTenantsOf(flags.one('max-tenants'));
  const keyFile = resolveFrom(cwd, flags.one('private-key'), `${DEFAULT_DATA_DIR}/${PRIVATE_KEY_FILE}`);
  const outFile = resolveFrom(cwd, flags.one('out'), `${DEFAULT_DATA_DIR}/${LICENSE_FILE}`);
  const key = privateKeyFrom(keyFile);
  const id = flags.one('id');
  const document: LicenseDocument = signLicense(
    { ...(id === undefined ? {} : { id }), customer, tiers, maxTenants, issuedAt: now, expiresAt },
    key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  // Catches a broken signer before the license ships, with the same code the services run.
  verifyLicense(document, createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(), now);
  writeFileWithMode(outFile, `${JSON.stringify(document, null, 2)}\n`, 0o600);
  const l = document.license;
  io.stdout.write(
    `issued license ${l.id} for "${l.customer}": tiers ${l.tiers.join(', ')}; ` +
      `max tenants ${l.max_tenants ?? 'unlimited'}; expires ${l.expires_at}\nwrote ${outFile} (0600)\n`,
  );
  if (!tiers.includes(MULTITENANT_SAAS)) {
    io.stderr.write(`warning: this license lacks ${MULTITENANT_SAAS}; multi-tenant mode will refuse it\n`);
  }
  return LicenseCliExit.OK;
}
