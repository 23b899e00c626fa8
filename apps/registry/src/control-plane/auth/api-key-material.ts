import { createHash, randomBytes } from 'node:crypto';

// Recognisable in secret scanners and logs-that-should-not-contain-it.
const KEY_PREFIX = 'smk_';
const SHOWN_PREFIX_LENGTH = 12;

/** What is stored for a key: never the key itself. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The first characters of a key, stored so operators can tell keys apart in listings. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}

/** A fresh random API key (256 bits). */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}
