import { renderServerBootstrapSql, serverBootstrapStatements } from './server-sql';

const input = {
  provisionerPassword: 'SCRAM-SHA-256$4096:c2FsdA==$a:b',
  openBaoPassword: 'SCRAM-SHA-256$4096:c2FsdA==$c:d',
};

describe('server bootstrap SQL', () => {
  it('creates both roles idempotently with exact attributes, pg_signal_backend, and closes postgres/template1 to PUBLIC', () => {
    expect(serverBootstrapStatements(input)).toEqual([
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'sysmanage_provisioner') THEN CREATE ROLE "sysmanage_provisioner"; END IF; END $$`,
      `ALTER ROLE "sysmanage_provisioner" WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS INHERIT PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'`,
      'GRANT pg_signal_backend TO "sysmanage_provisioner"',
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'sysmanage_openbao') THEN CREATE ROLE "sysmanage_openbao"; END IF; END $$`,
      `ALTER ROLE "sysmanage_openbao" WITH LOGIN CREATEROLE NOCREATEDB NOSUPERUSER NOREPLICATION NOBYPASSRLS INHERIT PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$c:d'`,
      'GRANT pg_signal_backend TO "sysmanage_openbao"',
      'REVOKE CONNECT ON DATABASE "postgres" FROM PUBLIC',
      'GRANT CONNECT ON DATABASE "postgres" TO "sysmanage_provisioner", "sysmanage_openbao"',
      'REVOKE CONNECT ON DATABASE "template1" FROM PUBLIC',
    ]);
  });

  it('restricts the registry/shared databases, granting CONNECT back once per role (none when only the owner needs it)', () => {
    const statements = serverBootstrapStatements({
      ...input,
      restrictedDatabases: [
        { name: 'sysmanage', connect: ['sysmanage', 'sysmanage'] },
        { name: 'sysmanage_shared', connect: [] },
      ],
    });
    expect(statements.slice(9)).toEqual([
      'REVOKE CONNECT ON DATABASE "sysmanage" FROM PUBLIC',
      'GRANT CONNECT ON DATABASE "sysmanage" TO "sysmanage"',
      'REVOKE CONNECT ON DATABASE "sysmanage_shared" FROM PUBLIC',
    ]);
  });

  it('refuses identifiers and literals that could escape their quoting', () => {
    expect(() =>
      serverBootstrapStatements({
        ...input,
        restrictedDatabases: [{ name: 'x"; DROP ROLE postgres; --', connect: [] }],
      }),
    ).toThrow('refusing to quote unexpected identifier "x\\"; DROP ROLE postgres; --"');
    expect(() =>
      serverBootstrapStatements({ ...input, restrictedDatabases: [{ name: 'ok', connect: ['Robert'] }] }),
    ).toThrow('refusing to quote unexpected identifier "Robert"');
    expect(serverBootstrapStatements({ ...input, provisionerPassword: "it's" })[1]).toContain(
      `PASSWORD 'it''s'`,
    );
    expect(() => serverBootstrapStatements({ ...input, openBaoPassword: 'a\\b' })).toThrow(
      'refusing a backslash in a SQL literal',
    );
  });

  it('renders a psql script: one transaction, how to apply it, what to do next', () => {
    const sql = renderServerBootstrapSql({ ...input, serverName: "eu-1'; x" });
    const lines = sql.split('\n');
    expect(lines[0]).toBe('-- SysManage bootstrap of database server "eu-1???x".');
    expect(lines[1]).toBe(
      '-- Apply as a PostgreSQL superuser, e.g.: sudo -u postgres psql -v ON_ERROR_STOP=1 -d postgres -f <this file>',
    );
    expect(lines[3]).toBe('BEGIN;');
    expect(lines.at(-2)).toBe('COMMIT;');
    expect(lines.filter((line) => line.endsWith(';'))).toHaveLength(9 + 2);
  });
});
