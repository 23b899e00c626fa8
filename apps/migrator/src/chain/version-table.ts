import type { Client } from 'pg';

export interface AppliedMigration {
  name: string;
  timestamp: number;
}

const UNDEFINED_TABLE = '42P01';
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * What the chain's version table says was applied, in the order it was applied.
 * A missing table means nothing was applied. One plain query, deliberately not
 * TypeORM's migration runner: that one creates the table, and `--dry-run` and
 * `status` must leave the database untouched.
 */
export async function readAppliedMigrations(client: Client, table: string): Promise<AppliedMigration[]> {
  if (!TABLE_NAME.test(table)) throw new Error(`invalid version table name "${table}"`);
  try {
    const result = await client.query<{ name: string; timestamp: string }>(
      `SELECT "name", "timestamp"::text AS "timestamp" FROM "${table}" ORDER BY "id"`,
    );
    return result.rows.map((row) => ({ name: row.name, timestamp: Number(row.timestamp) }));
  } catch (err) {
    if ((err as { code?: unknown }).code === UNDEFINED_TABLE) return [];
    throw err;
  }
}
