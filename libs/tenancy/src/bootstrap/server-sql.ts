import { quoteIdent } from '../naming/tenant-resource-names';

/** The provisioner's PostgreSQL role on every database server. */
export const PROVISIONER_PG_ROLE = 'sysmanage_provisioner';
/** The role OpenBAO's `database/config/<server>` connection logs in as. */
export const OPENBAO_PG_ROLE = 'sysmanage_openbao';

export interface ServerSqlInput {
  /** SCRAM verifier (or, for tests only, a plain password) for sysmanage_provisioner. */
  provisionerPassword: string;
  /** SCRAM verifier for sysmanage_openbao. */
  openBaoPassword: string;
  /**
   * Databases (besides `postgres`) whose CONNECT is taken from PUBLIC, with
   * the roles that get it back. The owner keeps it implicitly.
   */
  restrictedDatabases?: ReadonlyArray<{ name: string; connect: readonly string[] }>;
}

function literal(value: string): string {
  if (value.includes('\\')) throw new Error('refusing a backslash in a SQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/** Creates the role when missing, then (always) sets its attributes and password. */
function ensureRole(role: string, attributes: string, password: string): string[] {
  const name = quoteIdent(role);
  return [
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(role)}) THEN CREATE ROLE ${name}; END IF; END $$`,
    `ALTER ROLE ${name} WITH ${attributes} PASSWORD ${literal(password)}`,
    `GRANT pg_signal_backend TO ${name}`,
  ];
}

/**
 * Every statement of a database server's bootstrap, each idempotent, in the
 * order they must run (one transaction). `postgres` and `template1` always
 * lose PUBLIC CONNECT: tenant roles could otherwise log in to them.
 */
export function serverBootstrapStatements(input: ServerSqlInput): string[] {
  const provisioner = quoteIdent(PROVISIONER_PG_ROLE);
  const openBao = quoteIdent(OPENBAO_PG_ROLE);
  const statements = [
    ...ensureRole(
      PROVISIONER_PG_ROLE,
      'LOGIN CREATEDB CREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS INHERIT',
      input.provisionerPassword,
    ),
    ...ensureRole(
      OPENBAO_PG_ROLE,
      'LOGIN CREATEROLE NOCREATEDB NOSUPERUSER NOREPLICATION NOBYPASSRLS INHERIT',
      input.openBaoPassword,
    ),
    `REVOKE CONNECT ON DATABASE "postgres" FROM PUBLIC`,
    `GRANT CONNECT ON DATABASE "postgres" TO ${provisioner}, ${openBao}`,
    // CREATE DATABASE copies template1 without connecting to it; nobody else needs to log in there.
    `REVOKE CONNECT ON DATABASE "template1" FROM PUBLIC`,
  ];
  for (const db of input.restrictedDatabases ?? []) {
    const database = quoteIdent(db.name);
    statements.push(`REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC`);
    const grantees = [...new Set(db.connect)];
    if (grantees.length > 0)
      statements.push(`GRANT CONNECT ON DATABASE ${database} TO ${grantees.map(quoteIdent).join(', ')}`);
  }
  return statements;
}

/**
 * The same statements as a script for an operator to apply (`psql -f`), for
 * installs where the bootstrap has no superuser access. Passwords are SCRAM
 * verifiers: the file does not reveal them.
 */
export function renderServerBootstrapSql(input: ServerSqlInput & { serverName: string }): string {
  const body = serverBootstrapStatements(input)
    .map((statement) => `${statement};`)
    .join('\n');
  return [
    `-- SysManage bootstrap of database server "${input.serverName.replace(/[^\w.-]/g, '?')}".`,
    '-- Apply as a PostgreSQL superuser, e.g.: sudo -u postgres psql -v ON_ERROR_STOP=1 -d postgres -f <this file>',
    '-- then run provision-bootstrap again: it finds the roles and rotates OpenBAO’s password.',
    'BEGIN;',
    body,
    'COMMIT;',
    '',
  ].join('\n');
}
