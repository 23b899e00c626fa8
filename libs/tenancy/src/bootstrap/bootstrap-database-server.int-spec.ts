import { OpenBaoClient } from '@sysmanage/openbao';
import { type OpenBaoInstance, type PgInstance, TestEnvironment } from '@sysmanage/testing';
import { Client } from 'pg';
import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';
import { bootstrapDatabaseServer } from './bootstrap-database-server';
import { bootstrapOpenBao } from './bootstrap-openbao';
import { readServerCredentials } from './server-credentials';

jest.setTimeout(120_000);

const SERVER = 'pg-eu-1';

async function loginRefusal(
  pg: PgInstance,
  user: string,
  password: string,
  database = 'postgres',
): Promise<string | null> {
  const client = new Client({
    host: pg.host,
    port: pg.port,
    user,
    password,
    database,
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return null;
  } catch (err) {
    return `${(err as { code?: string }).code}: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('bootstrapDatabaseServer against real PostgreSQL (scram) and OpenBAO', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let bao: OpenBaoInstance;
  let root: OpenBaoClient;

  beforeAll(async () => {
    [pg, bao] = await Promise.all([env.postgres({ name: 'bootstrap-server' }), env.openBao()]);
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    await pg.createDatabase('sysmanage_registry');
    await pg.createDatabase('open_db');
    await pg.query(`CREATE ROLE sysmanage_app LOGIN PASSWORD 'app-password'`);
    await bootstrapOpenBao({ openBao: root, outDir: `${pg.dataDir}-approle` });
  });
  afterAll(() => env.stopAll());

  const options = () => ({
    server: { name: SERVER, host: pg.host, port: pg.port },
    admin: pg.clientConfig(),
    openBao: root,
    registryDatabases: [{ name: 'sysmanage_registry', connect: ['sysmanage_app'] }, 'not_on_this_server'],
  });

  it('creates a non-superuser provisioner role with CREATEDB/CREATEROLE/pg_signal_backend whose KV password logs in', async () => {
    const result = await bootstrapDatabaseServer(options());
    expect(result).toEqual({
      server: SERVER,
      outcome: 'applied',
      sql: null,
      sqlReason: null,
      provisionerRole: 'sysmanage_provisioner',
      openBaoRole: 'sysmanage_openbao',
      credentialsPath: `secret/sysmanage/database-servers/${SERVER}`,
      connectionPath: `database/config/${SERVER}`,
      rootRotated: true,
      restrictedDatabases: ['postgres', 'template1', 'sysmanage_registry'],
      publicDatabases: ['open_db'],
    });
    const roles = await pg.query<{
      rolname: string;
      rolsuper: boolean;
      rolcreatedb: boolean;
      rolcreaterole: boolean;
      rolcanlogin: boolean;
      signal: boolean;
    }>(
      `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, pg_has_role(rolname, 'pg_signal_backend', 'MEMBER') AS signal
         FROM pg_roles WHERE rolname LIKE 'sysmanage\\_%' AND rolname <> 'sysmanage_app' ORDER BY rolname`,
    );
    expect(roles).toEqual([
      {
        rolname: 'sysmanage_openbao',
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: true,
        rolcanlogin: true,
        signal: true,
      },
      {
        rolname: 'sysmanage_provisioner',
        rolsuper: false,
        rolcreatedb: true,
        rolcreaterole: true,
        rolcanlogin: true,
        signal: true,
      },
    ]);
    const creds = await readServerCredentials(root, SERVER);
    expect(creds).toMatchObject({ username: 'sysmanage_provisioner', host: pg.host, port: pg.port });
    expect(JSON.stringify(creds)).not.toContain(creds.password);
    await expect(loginRefusal(pg, creds.username, creds.password)).resolves.toBeNull();
    expect(await loginRefusal(pg, creds.username, 'wrong')).toMatch(
      /^28P01: password authentication failed for user "sysmanage_provisioner"/,
    );
  });

  it('leaves OpenBAO a working connection as sysmanage_openbao whose password only it knows', async () => {
    await expect(root.readDatabaseConnection('database', SERVER)).resolves.toMatchObject({
      pluginName: 'postgresql-database-plugin',
      username: 'sysmanage_openbao',
      allowedRoles: ['tenant-*'],
      passwordAuthentication: 'scram-sha-256',
      connectionUrl: `postgresql://{{username}}:{{password}}@${pg.host}:${pg.port}/postgres?sslmode=disable&connect_timeout=10`,
    });
    await root.writeDatabaseRole('database', 'tenant-probe-app', {
      dbName: SERVER,
      creationStatements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
      ],
      revocationStatements: [`DROP ROLE IF EXISTS "{{name}}";`],
      defaultTtl: 60,
      maxTtl: 120,
    });
    const lease = await root.generateCredentials('database', 'tenant-probe-app');
    const [row] = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_roles WHERE rolname = $1 AND rolcanlogin`,
      [lease.username],
    );
    expect(row.n).toBe('1');
    // The dynamic role exists but PUBLIC has no CONNECT on postgres any more.
    expect(await loginRefusal(pg, lease.username, lease.password)).toMatch(
      /^42501: permission denied for database "postgres"/,
    );
    await root.revokeLease(lease.leaseId);
    await expect(pg.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [lease.username])).resolves.toEqual(
      [],
    );
    await root.deleteDatabaseRole('database', 'tenant-probe-app');
  });

  it('takes CONNECT from PUBLIC on postgres and on the registry database, keeping it for the service roles', async () => {
    const acl = await pg.query<{
      datname: string;
      public_connect: boolean;
      provisioner: boolean;
      openbao: boolean;
      app: boolean;
    }>(
      `SELECT datname,
              has_database_privilege('public', datname, 'CONNECT') AS public_connect,
              has_database_privilege('sysmanage_provisioner', datname, 'CONNECT') AS provisioner,
              has_database_privilege('sysmanage_openbao', datname, 'CONNECT') AS openbao,
              has_database_privilege('sysmanage_app', datname, 'CONNECT') AS app
         FROM pg_database WHERE datname IN ('postgres', 'sysmanage_registry') ORDER BY datname`,
    );
    expect(acl).toEqual([
      { datname: 'postgres', public_connect: false, provisioner: true, openbao: true, app: false },
      { datname: 'sysmanage_registry', public_connect: false, provisioner: false, openbao: false, app: true },
    ]);
    await expect(loginRefusal(pg, 'sysmanage_app', 'app-password', 'sysmanage_registry')).resolves.toBeNull();
    expect(await loginRefusal(pg, 'sysmanage_app', 'app-password', 'template1')).toMatch(
      /^42501: permission denied for database "template1"/,
    );
  });

  it('leaves the provisioner able to create and drop a database and a role (template1 needs no CONNECT)', async () => {
    const creds = await readServerCredentials(root, SERVER);
    const client = new Client({
      host: pg.host,
      port: pg.port,
      user: creds.username,
      password: creds.password,
      database: 'postgres',
    });
    await client.connect();
    try {
      await client.query('CREATE ROLE probe_group NOLOGIN');
      await client.query('CREATE DATABASE probe_db');
      await client.query('DROP DATABASE probe_db');
      await client.query('DROP ROLE probe_group');
      await expect(client.query('ALTER ROLE sysmanage_provisioner SUPERUSER')).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await client.end();
    }
  });

  it('is harmless to re-run: same two roles, one connection, a fresh working password', async () => {
    const before = await readServerCredentials(root, SERVER);
    const again = await bootstrapDatabaseServer(options());
    expect(again.outcome).toBe('applied');
    const after = await readServerCredentials(root, SERVER);
    expect(after.password).not.toBe(before.password);
    expect(await loginRefusal(pg, before.username, before.password)).toMatch(/^28P01/);
    await expect(loginRefusal(pg, after.username, after.password)).resolves.toBeNull();
    await expect(
      pg.query(
        `SELECT rolname FROM pg_roles WHERE rolname IN ('sysmanage_provisioner', 'sysmanage_openbao') ORDER BY 1`,
      ),
    ).resolves.toEqual([{ rolname: 'sysmanage_openbao' }, { rolname: 'sysmanage_provisioner' }]);
    await expect(root.listDatabaseRoles('database')).resolves.toEqual([]);
    const connections = await root.readDatabaseConnection('database', SERVER);
    expect(connections?.username).toBe('sysmanage_openbao');
  });

  it('returns the SQL instead when the admin user may not create roles, then recognises it once applied', async () => {
    await pg.query(`CREATE ROLE weak_admin LOGIN PASSWORD 'weak-password'`);
    await pg.query(`GRANT CONNECT ON DATABASE postgres TO weak_admin`);
    const other = 'pg-peer';
    const first = await bootstrapDatabaseServer({
      ...options(),
      server: { name: other, host: pg.host, port: pg.port },
      admin: { host: pg.host, port: pg.port, user: 'weak_admin', password: 'weak-password' },
    });
    expect(first).toMatchObject({
      outcome: 'sql',
      sqlReason: 'admin user "weak_admin" is neither superuser nor CREATEROLE',
      rootRotated: false,
    });
    const sql = first.sql ?? '';
    const stored = await readServerCredentials(root, other);
    expect(sql).not.toContain(stored.password);
    expect(sql).toMatch(/^BEGIN;$/m);
    expect(sql).toContain(`ALTER ROLE "sysmanage_provisioner" WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER`);
    expect(sql).toContain(`REVOKE CONNECT ON DATABASE "sysmanage_registry" FROM PUBLIC;`);
    // The operator applies it as a superuser (one multi-statement query, like psql -f).
    await pg.query(sql);
    await expect(loginRefusal(pg, stored.username, stored.password)).resolves.toBeNull();
    const second = await bootstrapDatabaseServer({
      ...options(),
      server: { name: other, host: pg.host, port: pg.port },
      admin: { host: pg.host, port: pg.port, user: 'weak_admin', password: 'weak-password' },
    });
    expect(second).toMatchObject({ outcome: 'already-applied', sql: null, rootRotated: true });
    await expect(readServerCredentials(root, other)).resolves.toMatchObject({ password: stored.password });
  });

  it('fails with ADMIN_UNAVAILABLE naming the server when the admin cannot log in, and INVALID_INPUT for a bad host', async () => {
    const err = await bootstrapDatabaseServer({
      ...options(),
      admin: { ...pg.clientConfig(), password: 'nope' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootstrapError);
    expect(err).toMatchObject({ code: BootstrapErrorCode.ADMIN_UNAVAILABLE });
    expect((err as Error).message).toMatch(
      /^cannot connect to database server "pg-eu-1" as the admin user: password authentication failed/,
    );
    // pg-peer above is the same PostgreSQL: bring pg-eu-1's KV password back in line first.
    await bootstrapDatabaseServer(options());
    const kvBefore = await readServerCredentials(root, SERVER);
    const failed = await bootstrapDatabaseServer({
      ...options(),
      registryDatabases: [{ name: 'sysmanage_registry', connect: ['no_such_role'] }],
    }).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: BootstrapErrorCode.POSTGRES_FAILED,
      message: 'bootstrap SQL on database server "pg-eu-1" failed: role "no_such_role" does not exist',
    });
    // One transaction: the password PostgreSQL has is still the one in KV.
    await expect(loginRefusal(pg, kvBefore.username, kvBefore.password)).resolves.toBeNull();
    await expect(readServerCredentials(root, SERVER)).resolves.toMatchObject({ password: kvBefore.password });
    await expect(
      bootstrapDatabaseServer({ ...options(), server: { name: SERVER, host: 'h@x', port: 5432 } }),
    ).rejects.toMatchObject({
      code: BootstrapErrorCode.INVALID_INPUT,
      message: 'database server host "h@x" is not a plain host name or address',
    });
    await expect(readServerCredentials(root, 'never-bootstrapped')).rejects.toMatchObject({
      code: BootstrapErrorCode.CREDENTIALS_MISSING,
      message:
        'no credentials for database server "never-bootstrapped" at secret/sysmanage/database-servers/never-bootstrapped: run provision-bootstrap --server never-bootstrapped',
    });
  });
});
