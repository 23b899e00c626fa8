import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenBaoClient } from '@sysmanage/openbao';
import { createChainDataSource } from '@sysmanage/schema';
import { readServerCredentials } from '@sysmanage/tenancy';
import { type OpenBaoInstance, type PgInstance, TestEnvironment, writeTestConfig } from '@sysmanage/testing';
import { Client } from 'pg';
import { type CliRun, runCli } from './__fixtures__/run-cli';
import { ProvisionBootstrapExit } from './main';

jest.setTimeout(120_000);

const REGISTRY_USER = 'sysmanage';
const REGISTRY_PASSWORD = 'registry-password';

type Run = CliRun;

async function loginWorks(
  pg: PgInstance,
  user: string,
  password: string,
  database: string,
): Promise<boolean> {
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
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('provision-bootstrap end to end (in-process) against real PostgreSQL and OpenBAO', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let bao: OpenBaoInstance;
  let root: OpenBaoClient;
  let configPath: string;
  let workDir: string;

  const cli = (argv: string[], extraEnv: Record<string, string> = {}): Promise<Run> =>
    runCli(argv, workDir, { BAO_TOKEN: bao.rootToken, ...extraEnv });

  /** Nothing secret in what the CLI printed: the token, the KV passwords, the secret ids. */
  const assertNoSecrets = async (run: Run, servers: string[]): Promise<void> => {
    const printed = run.out + run.err;
    expect(printed).not.toContain(bao.rootToken);
    expect(printed).not.toContain(pg.superuserPassword);
    for (const server of servers)
      expect(printed).not.toContain((await readServerCredentials(root, server)).password);
    for (const service of ['provisioner', 'ingest', 'migrator', 'registry']) {
      expect(printed).not.toContain(
        readFileSync(path.join(workDir, 'data/approle', `${service}.secret-id`), 'utf8').trim(),
      );
    }
  };

  beforeAll(async () => {
    [pg, bao] = await Promise.all([env.postgres({ name: 'provision-bootstrap' }), env.openBao()]);
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    await pg.query(`CREATE ROLE ${REGISTRY_USER} LOGIN PASSWORD '${REGISTRY_PASSWORD}'`);
    await pg.createDatabase('sysmanage_registry');
    await pg.query(`ALTER DATABASE sysmanage_registry OWNER TO ${REGISTRY_USER}`);
    const registry = createChainDataSource('registry', {
      host: pg.host,
      port: pg.port,
      user: REGISTRY_USER,
      password: REGISTRY_PASSWORD,
      database: 'sysmanage_registry',
    });
    await registry.initialize();
    await registry.runMigrations();
    await registry.destroy();
    configPath = writeTestConfig({
      registry: {
        instance: pg,
        database: 'sysmanage_registry',
        user: REGISTRY_USER,
        password: REGISTRY_PASSWORD,
      },
      vault: { url: bao.url },
    });
    workDir = mkdtempSync(path.join(tmpdir(), 'provision-bootstrap-'));
  });
  afterAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
    await env.stopAll();
  });

  it('refuses a bad command line with exit 2 and the reason, before touching anything', async () => {
    const noToken = await cli(['--config', configPath], { BAO_TOKEN: '' });
    expect(noToken.code).toBe(ProvisionBootstrapExit.USAGE);
    expect(noToken.err).toMatch(
      /^provision-bootstrap: an OpenBAO operator token is required: --bao-token, --bao-token-file, or \$BAO_TOKEN \/ \$VAULT_TOKEN\n\nusage: provision-bootstrap/,
    );
    const badServer = await cli(['--config', configPath, '--server', 'Bad Name']);
    expect(badServer.err).toContain(
      'provision-bootstrap: --server must match ^[a-z][a-z0-9_-]{1,62}$, not "Bad Name"',
    );
    const stray = await cli(['--config', configPath, '--region', 'eu']);
    expect(stray).toMatchObject({
      code: ProvisionBootstrapExit.USAGE,
      err: expect.stringContaining('--region only goes with --register'),
    });
    const unknown = await cli(['--config', configPath, '--bogus']);
    expect(unknown).toMatchObject({
      code: ProvisionBootstrapExit.USAGE,
      err: expect.stringContaining("Unknown option '--bogus'"),
    });
    await expect(root.readPolicy('sysmanage-ingest')).resolves.toBeNull();
    const help = await cli(['--help']);
    expect(help).toMatchObject({
      code: 0,
      err: '',
      out: expect.stringMatching(/^usage: provision-bootstrap \[options\]/),
    });
  });

  it('bootstraps OpenBAO and the server, registers it, and prints what it did without a secret', async () => {
    const run = await cli([
      '--config',
      configPath,
      '--pg-admin-url',
      pg.url(),
      '--register',
      '--region',
      'eu-west',
      '--jurisdiction',
      'eu',
      '--capacity',
      '50',
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(ProvisionBootstrapExit.OK);
    expect(run.out).toContain(
      `openbao: ${bao.url}: database engine at database/ (lease TTL 15m, max 24h), kv v2 at secret/, approle at auth/approle/\n`,
    );
    expect(run.out).toContain(
      'openbao: approle sysmanage-ingest (policies sysmanage-ingest, sysmanage-ingest-tenants): data/approle/ingest.role-id, data/approle/ingest.secret-id (new secret id)\n',
    );
    expect(run.out).toContain(
      `server local: ${pg.host}:${pg.port}\nserver local: admin postgres@${pg.host}:${pg.port} (superuser)\n`,
    );
    expect(run.out).toContain(
      'server local: roles sysmanage_provisioner, sysmanage_openbao created/updated\n',
    );
    expect(run.out).toContain(
      'server local: CONNECT revoked from PUBLIC on postgres, template1, sysmanage_registry\n',
    );
    expect(run.out).toContain(
      'registry: server local registered (region eu-west, jurisdiction eu, capacity 50)\n',
    );
    await assertNoSecrets(run, ['local']);

    for (const service of ['provisioner', 'ingest', 'migrator', 'registry']) {
      for (const kind of ['role-id', 'secret-id'])
        expect(statSync(path.join(workDir, 'data/approle', `${service}.${kind}`)).mode & 0o777).toBe(0o600);
    }
    const roleId = readFileSync(path.join(workDir, 'data/approle/migrator.role-id'), 'utf8').trim();
    const secretId = readFileSync(path.join(workDir, 'data/approle/migrator.secret-id'), 'utf8').trim();
    await expect(root.withToken('').loginAppRole(roleId, secretId)).resolves.toMatchObject({
      policies: ['default', 'sysmanage-migrator', 'sysmanage-migrator-tenants'],
    });

    await expect(
      pg.query(
        `SELECT name, host, port, region, jurisdiction, capacity FROM registry_database_servers`,
        [],
        'sysmanage_registry',
      ),
    ).resolves.toEqual([
      { name: 'local', host: pg.host, port: pg.port, region: 'eu-west', jurisdiction: 'eu', capacity: 50 },
    ]);
    const creds = await readServerCredentials(root, 'local');
    await expect(loginWorks(pg, creds.username, creds.password, 'postgres')).resolves.toBe(true);
    await expect(
      pg.query(`SELECT rolsuper FROM pg_roles WHERE rolname = 'sysmanage_provisioner'`),
    ).resolves.toEqual([{ rolsuper: false }]);
    expect(run.out).not.toContain('WARNING');
    await expect(
      pg.query(
        `SELECT datname, has_database_privilege('public', datname, 'CONNECT') AS public FROM pg_database WHERE datname IN ('postgres', 'sysmanage_registry') ORDER BY 1`,
      ),
    ).resolves.toEqual([
      { datname: 'postgres', public: false },
      { datname: 'sysmanage_registry', public: false },
    ]);
    await expect(loginWorks(pg, REGISTRY_USER, REGISTRY_PASSWORD, 'sysmanage_registry')).resolves.toBe(true);
  });

  it('is harmless to re-run: secret ids kept, the server found registered; warns of databases still open to PUBLIC', async () => {
    await pg.createDatabase('legacy_app');
    const secretBefore = readFileSync(path.join(workDir, 'data/approle/ingest.secret-id'), 'utf8');
    const run = await cli(['--config', configPath, '--pg-admin-url', pg.url(), '--register']);
    expect(run).toMatchObject({ code: ProvisionBootstrapExit.OK, err: '' });
    expect(run.out).toContain('(secret id kept)');
    expect(run.out).not.toContain('new secret id');
    expect(run.out).toContain('registry: server local already registered\n');
    expect(run.out).toContain(
      'server local: WARNING: any login, tenant credentials included, may still connect to legacy_app (REVOKE CONNECT ... FROM PUBLIC if that is not intended)\n',
    );
    expect(readFileSync(path.join(workDir, 'data/approle/ingest.secret-id'), 'utf8')).toBe(secretBefore);
    await expect(
      pg.query(`SELECT count(*)::int AS n FROM registry_database_servers`, [], 'sysmanage_registry'),
    ).resolves.toEqual([{ n: 1 }]);
    await assertNoSecrets(run, ['local']);
  });

  it('writes the SQL to a 0600 file and exits 3 with --sql-only; an admin that cannot log in finds the earlier bootstrap in place', async () => {
    const run = await cli([
      '--config',
      configPath,
      '--sql-only',
      '--server',
      'peer',
      '--sql-out',
      'out/peer.sql',
    ]);
    expect(run.code).toBe(ProvisionBootstrapExit.SQL_PENDING);
    expect(run.out).toContain(
      'server peer: roles sysmanage_provisioner, sysmanage_openbao NOT created yet: the SQL must be applied\n',
    );
    expect(run.out).toContain(
      'server peer: SQL written to out/peer.sql (0600). Apply it as a PostgreSQL superuser, e.g.\n',
    );
    const file = path.join(workDir, 'out/peer.sql');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const sql = readFileSync(file, 'utf8');
    expect(sql).toContain('GRANT pg_signal_backend TO "sysmanage_provisioner";');
    expect(sql).toContain('REVOKE CONNECT ON DATABASE "postgres" FROM PUBLIC;');
    await assertNoSecrets(run, ['local', 'peer']);
    expect(sql).not.toContain((await readServerCredentials(root, 'peer')).password);

    const wrongAdmin = await cli([
      '--config',
      configPath,
      '--pg-admin-url',
      pg.url().replace(pg.superuserPassword, 'wrong'),
    ]);
    expect(wrongAdmin.code).toBe(ProvisionBootstrapExit.OK);
    expect(wrongAdmin.out).toContain(
      `server local: admin postgres@${pg.host}:${pg.port}: password authentication failed for user "postgres"\nserver local: no admin connection worked; writing the SQL for an operator instead\n`,
    );
    expect(wrongAdmin.out).toContain(
      'server local: roles sysmanage_provisioner, sysmanage_openbao already in place (nothing to apply)\n',
    );
  });

  it('without --pg-admin-url tries postgres ($PGPASSWORD), then the registry user, and takes the most capable', async () => {
    const superuser = await cli(['--config', configPath], { PGPASSWORD: pg.superuserPassword });
    expect(superuser).toMatchObject({ code: ProvisionBootstrapExit.OK, err: '' });
    expect(superuser.out).toContain(`server local: admin postgres@${pg.host}:${pg.port} (superuser)\n`);
    expect(superuser.out).toContain(
      'server local: roles sysmanage_provisioner, sysmanage_openbao created/updated\n',
    );

    const weak = await cli(['--config', configPath], { PGPASSWORD: 'wrong' });
    expect(weak).toMatchObject({ code: ProvisionBootstrapExit.OK, err: '' });
    expect(weak.out).toContain(
      `server local: admin postgres@${pg.host}:${pg.port}: password authentication failed for user "postgres"\n`,
    );
    expect(weak.out).toContain(
      `server local: admin sysmanage@${pg.host}:${pg.port} (registry user): not a superuser\n`,
    );
    expect(weak.out).toContain(
      `server local: admin sysmanage@${pg.host}:${pg.port} (registry user) (neither superuser nor CREATEROLE)\n`,
    );
    // It may not apply the SQL, but the earlier bootstrap is in place: nothing to do.
    expect(weak.out).toContain(
      'server local: roles sysmanage_provisioner, sysmanage_openbao already in place (nothing to apply)\n',
    );
    await assertNoSecrets(weak, ['local']);
  });

  it('fails with exit 1 naming the cause when --register finds no registry tables', async () => {
    const bare = writeTestConfig({
      registry: { instance: pg, database: 'postgres' },
      vault: { url: bao.url },
    });
    const run = await cli(['--config', bare, '--pg-admin-url', pg.url(), '--register']);
    expect(run.code).toBe(ProvisionBootstrapExit.FAILED);
    expect(run.err).toBe(
      'provision-bootstrap: REGISTRATION_FAILED: database "postgres" has no registry_database_servers table: run `make migrate` first, or leave out --register\n',
    );
  });

  it('fails with exit 1 and OpenBAO’s reason for a token without rights, never echoing it', async () => {
    const run = await cli(['--config', configPath, '--pg-admin-url', pg.url()], {
      BAO_TOKEN: 'not-a-real-token-0123456789',
    });
    expect(run.code).toBe(ProvisionBootstrapExit.FAILED);
    expect(run.err).toMatch(/^provision-bootstrap: OpenBaoError PERMISSION_DENIED: .*403/);
    expect(run.err + run.out).not.toContain('not-a-real-token-0123456789');
    const down = await cli(['--config', configPath, '--bao-addr', 'http://127.0.0.1:1']);
    expect(down.code).toBe(ProvisionBootstrapExit.FAILED);
    expect(down.err).toMatch(
      /^provision-bootstrap: OpenBaoError UNREACHABLE: .*\(is OpenBAO running\? with vault.bootstrap in the config, provision-bootstrap starts it unless --bao-addr points elsewhere; else start it, or pass --bao-addr\)\n$/,
    );
  });
});
