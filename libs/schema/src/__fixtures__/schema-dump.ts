import type { ScratchDatabase } from './scratch-database';

/**
 * A deterministic text dump of the public schema from pg_catalog: relations,
 * columns (type, nullability, default), constraints (definition) and indexes
 * (definition), one sorted line each, the second word naming the table (or
 * relation) the line belongs to. Object ids and data are left out, so
 * two dumps compare equal exactly when the schemas are the same.
 */
export async function dumpSchema(db: ScratchDatabase): Promise<string[]> {
  const relations = await db.query<{ line: string }>(`
    SELECT format('relation %s kind=%s', c.relname, c.relkind) AS line
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`);
  const columns = await db.query<{ line: string }>(`
    SELECT format('column %s %s #%s %s notnull=%s default=%s identity=%s generated=%s',
                  c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), a.attidentity, a.attgenerated) AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`);
  const constraints = await db.query<{ line: string }>(`
    SELECT format('constraint %s %s %s %s', c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)) AS line
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public'`);
  const indexes = await db.query<{ line: string }>(`
    SELECT format('index %s %s %s', tablename, indexname, indexdef) AS line FROM pg_indexes WHERE schemaname = 'public'`);
  return [...relations, ...columns, ...constraints, ...indexes].map((r) => r.line).sort();
}

/** Tables (and views) in the public schema, sorted. */
export async function listTables(db: ScratchDatabase): Promise<string[]> {
  const rows = await db.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1`);
  return rows.map((r) => r.name);
}

/** The table (or relation) a dump line belongs to: its second word. */
export function dumpLineTable(line: string): string {
  return line.split(' ')[1] ?? '';
}
