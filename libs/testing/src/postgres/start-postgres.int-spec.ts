import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Client, type DatabaseError } from 'pg';
import { HarnessErrorCode, startPostgres, type PgInstance } from '../index';
import { processStartTime } from '../process/proc-info';

async function connectError(config: ConstructorParameters<typeof Client>[0]): Promise<DatabaseError> {
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return err as DatabaseError;
  }
  await client.end();
  throw new Error('connection unexpectedly succeeded');
}

describe('startPostgres', () => {
  let pg: PgInstance;
  let other: PgInstance;

  beforeAll(async () => {
    [pg, other] = await Promise.all([startPostgres({ name: 'auth' }), startPostgres({ name: 'second' })]);
  });
  afterAll(async () => {
    await Promise.all([pg.stop(), other.stop()]);
  });

  it('rejects a wrong password with 28P01 and accepts the right one', async () => {
    const err = await connectError({ ...pg.clientConfig(), password: 'wrong-password' });
    expect(err.code).toBe('28P01');
    expect(err.message).toBe('password authentication failed for user "postgres"');

    const client = new Client(pg.clientConfig());
    await client.connect();
    const { rows } = await client.query<{ user: string; port: number }>(
      'SELECT current_user AS user, inet_server_port() AS port',
    );
    await client.end();
    expect(rows).toEqual([{ user: 'postgres', port: pg.port }]);
  });

  it('accepts the url form of the same credentials', async () => {
    const client = new Client({ connectionString: pg.url() });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    expect(rows).toEqual([{ db: 'postgres' }]);
  });

  it('has no trust rule in pg_hba.conf: every rule is scram-sha-256', async () => {
    const rules = await pg.query<{ type: string; auth_method: string }>(
      'SELECT type, auth_method FROM pg_hba_file_rules',
    );
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.auth_method))).toEqual(new Set(['scram-sha-256']));
    const [listen] = await pg.query<{ listen_addresses: string }>('SHOW listen_addresses');
    expect(listen).toEqual({ listen_addresses: '127.0.0.1' });
  });

  it('gives each instance its own port, password and data', async () => {
    expect(other.port).not.toBe(pg.port);
    expect(other.superuserPassword).not.toBe(pg.superuserPassword);
    expect(other.dataDir).not.toBe(pg.dataDir);
    await pg.query('CREATE TABLE only_in_first (id int)');
    const here = await pg.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_first'",
    );
    const there = await other.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_first'",
    );
    expect(here).toEqual([{ n: 1 }]);
    expect(there).toEqual([{ n: 0 }]);
    // One instance's password does not open the other.
    const err = await connectError({ ...other.clientConfig(), password: pg.superuserPassword });
    expect(err.code).toBe('28P01');
  });

  it('creates a database by a validated, quoted name and refuses unsafe names', async () => {
    await pg.createDatabase('tenant_acme');
    expect(await pg.query<{ db: string }>('SELECT current_database() AS db', [], 'tenant_acme')).toEqual([
      { db: 'tenant_acme' },
    ]);

    await expect(pg.createDatabase('x"; DROP DATABASE postgres; --')).rejects.toMatchObject({
      name: 'HarnessError',
      code: HarnessErrorCode.INVALID_IDENTIFIER,
      message: expect.stringContaining('invalid database name "x\\"; DROP DATABASE postgres; --"'),
    });
    await expect(pg.createDatabase('Tenant')).rejects.toMatchObject({
      code: HarnessErrorCode.INVALID_IDENTIFIER,
    });
    await expect(pg.createDatabase('tenant_acme')).rejects.toMatchObject({ code: '42P04' });
  });
});

describe('PgInstance lifecycle', () => {
  it('stop() leaves no process and no data directory, and is idempotent', async () => {
    const pg = await startPostgres({ name: 'stop' });
    const pid = pg.pid!;
    expect(processStartTime(pid)).not.toBeNull();
    expect(existsSync(pg.dataDir)).toBe(true);

    await pg.stop();

    expect(pg.isRunning()).toBe(false);
    expect(pg.pid).toBeNull();
    expect(processStartTime(pid)).toBeNull();
    expect(existsSync(dirname(pg.dataDir))).toBe(false);
    await expect(pg.stop()).resolves.toBeUndefined();
    await expect(pg.query('SELECT 1')).rejects.toMatchObject({
      code: HarnessErrorCode.NOT_RUNNING,
      message: `PostgreSQL "stop" on port ${pg.port} is not running`,
    });
    await expect(pg.start()).rejects.toMatchObject({
      code: HarnessErrorCode.START_FAILED,
      message: expect.stringContaining('its data directory was removed by stop()'),
    });
  });

  it('stop({ keepData: true }) then start() brings the same data back on the same port', async () => {
    const pg = await startPostgres({ name: 'restart' });
    try {
      await pg.createDatabase('tenant_kept');
      await pg.query("CREATE TABLE kept AS SELECT 'still here'::text AS v", [], 'tenant_kept');
      const { port, superuserPassword } = pg;
      const firstPid = pg.pid!;

      await pg.stop({ keepData: true });
      expect(pg.isRunning()).toBe(false);
      expect(processStartTime(firstPid)).toBeNull();
      expect(existsSync(pg.dataDir)).toBe(true);
      const down = await connectError(pg.clientConfig());
      expect((down as unknown as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');

      await pg.start();
      expect(pg.isRunning()).toBe(true);
      expect(pg.port).toBe(port);
      expect(pg.superuserPassword).toBe(superuserPassword);
      expect(await pg.query('SELECT v FROM kept', [], 'tenant_kept')).toEqual([{ v: 'still here' }]);
      await expect(pg.start()).rejects.toMatchObject({ code: HarnessErrorCode.ALREADY_RUNNING });
    } finally {
      await pg.stop();
    }
    expect(existsSync(pg.dataDir)).toBe(false);
  });

  it('start() after stop({ keepData: true }) fails with START_FAILED when its port was taken meanwhile', async () => {
    const pg = await startPostgres({ name: 'squatted' });
    try {
      await pg.stop({ keepData: true });
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(pg.port, '127.0.0.1', () => resolve()));
      try {
        await expect(pg.start()).rejects.toMatchObject({
          code: HarnessErrorCode.START_FAILED,
          message: expect.stringContaining(`PostgreSQL "squatted" cannot start: port ${pg.port} is taken`),
        });
        expect(pg.isRunning()).toBe(false);
      } finally {
        await new Promise<void>((resolve) => squatter.close(() => resolve()));
      }
      await pg.start();
      expect(await pg.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await pg.stop();
    }
  });
});
