import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Enrollment tokens (tenant-scoped, handed to agents by an admin). */
export const ENROLLMENT_TOKEN_PREFIX = 'sme_';
/** Host credentials (one per enrolled host, shown once at registration). */
export const HOST_TOKEN_PREFIX = 'smh_';
/** Random bytes behind every token: 32, base64url (43 characters). */
export const TOKEN_RANDOM_BYTES = 32;

const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

export type TokenPrefix = typeof ENROLLMENT_TOKEN_PREFIX | typeof HOST_TOKEN_PREFIX;

/** A fresh token: prefix + 32 random bytes, URL-safe. Shown once; store only hashToken() of it. */
export function generateToken(prefix: TokenPrefix): string {
  return prefix + randomBytes(TOKEN_RANDOM_BYTES).toString('base64url');
}

/** Whether the string has the shape of a token with that prefix (cheap check before any lookup). */
export function isWellFormedToken(value: unknown, prefix: TokenPrefix): value is string {
  return typeof value === 'string' && value.startsWith(prefix) && TOKEN_BODY.test(value.slice(prefix.length));
}

/** What the registry stores: lower-case hex SHA-256 (the tokens carry 256 bits, so no salt is needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Non-secret, for listings and logs: the prefix and the first 6 characters of the random part. */
export function tokenDisplayPrefix(token: string): string {
  const cut = token.indexOf('_') + 1;
  return token.slice(0, cut + 6);
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
