import type { ChainName } from '@sysmanage/schema';
import type { Client } from 'pg';

/**
 * First half of the two-int advisory lock key: a fixed namespace ("SMIG") so the
 * migrator's locks cannot collide with another application's single-key locks.
 */
export const ADVISORY_LOCK_NAMESPACE = 0x534d4947;

export function advisoryLockName(chain: ChainName): string {
  return `sysmanage-migrate:${chain}`;
}

/**
 * Holds the per-database, per-chain session lock around `fn`: two migrators on
 * the same database and chain serialise, and the second finds nothing pending.
 * The lock belongs to `client`'s session, so a crashed run releases it too.
 */
export async function withChainLock<T>(client: Client, chain: ChainName, fn: () => Promise<T>): Promise<T> {
  const params = [ADVISORY_LOCK_NAMESPACE, advisoryLockName(chain)];
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', params);
  try {
    return await fn();
  } finally {
    // A broken session has already dropped the lock; the original error matters more.
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', params).catch(() => undefined);
  }
}
