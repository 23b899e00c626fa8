import { HarnessError, HarnessErrorCode } from '../harness-error';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates a database name (lower case, digits, underscore; at most 63
 * bytes, PostgreSQL's limit) and returns it double-quoted for SQL.
 */
export function quoteDatabaseName(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new HarnessError(
      HarnessErrorCode.INVALID_IDENTIFIER,
      `invalid database name ${JSON.stringify(name)}: expected 1-63 characters of a-z, 0-9 and _, not starting with a digit`,
    );
  }
  return `"${name}"`;
}
