import { existsSync } from 'node:fs';
import path from 'node:path';
import { generateLicenseKeypair } from '@sysmanage/tenancy';
import { CommandError, LicenseCliExit } from './cli-io';
import { DEFAULT_DATA_DIR, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, resolveFrom } from './license-paths';
import type { CommandContext } from './command-context';
import { writeFileWithMode } from './write-private-file';

export const KEYGEN_FLAGS = { 'out-dir': 'value', force: 'switch' } as const;

/** Writes a new Ed25519 keypair; refuses to replace one (its licenses would stop verifying) without --force. */
export function keygenCommand({ flags, cwd, io }: CommandContext): LicenseCliExit {
  const dir = resolveFrom(cwd, flags.one('out-dir'), DEFAULT_DATA_DIR);
  const privateFile = path.join(dir, PRIVATE_KEY_FILE);
  const publicFile = path.join(dir, PUBLIC_KEY_FILE);
  const existing = [privateFile, publicFile].filter((f) => existsSync(f));
  if (existing.length > 0 && !flags.on('force')) {
    throw new CommandError(
      `refusing to overwrite ${existing.join(' and ')}: licenses issued with that key would stop verifying. Pass --force to replace the keypair`,
    );
  }
  const keys = generateLicenseKeypair();
  writeFileWithMode(privateFile, keys.privateKeyPem, 0o600);
  writeFileWithMode(publicFile, keys.publicKeyPem, 0o644);
  io.stdout.write(
    `wrote ${privateFile} (0600; keep it off the servers, it issues licenses)\n` +
      `wrote ${publicFile} (0644; install it as multitenancy.license_public_key_file)\n`,
  );
  return LicenseCliExit.OK;
}
