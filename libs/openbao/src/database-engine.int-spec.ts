import { randomBytes } from 'node:crypto';
import { type OpenBaoInstance, TestEnvironment } from '@sysmanage/testing';
import { OpenBaoClient } from './openbao-client';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import {
  addAdmin,
  connectAs,
  dynamicRole,
  eventually,
  type PgFixture,
  preparePg,
  queryAs,
} from './__fixtures__/pg-fixture';

jest.setTimeout(90_000);

const MOUNT = 'database';
const CONNECTION = 'pg-main';

describe('database secrets engine against real OpenBAO and PostgreSQL', () => {
  const env = new TestEnvironment();
  let bao: OpenBaoInstance;
  let root: OpenBaoClient;
  let fx: PgFixture;

  beforeAll(async () => {
    const [pg, server] = await Promise.all([env.postgres({ name: 'openbao-engine' }), env.openBao()]);
    bao = server;
    fx = await preparePg(pg);
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
  });
  afterAll(() => env.stopAll());

  it('mounts the engine with explicit TTLs, idempotently, and refuses another type at the same path', async () => {
    await root.enableSecretsEngine(MOUNT, 'database', { defaultLeaseTtl: '1m', maxLeaseTtl: '10m' });
    await expect(root.readMount(MOUNT)).resolves.toMatchObject({
      type: 'database',
      defaultLeaseTtl: 60,
      maxLeaseTtl: 600,
    });
    await root.enableSecretsEngine(MOUNT, 'database', { defaultLeaseTtl: 120, maxLeaseTtl: 900 });
    await expect(root.readMount(MOUNT)).resolves.toMatchObject({
      type: 'database',
      defaultLeaseTtl: 120,
      maxLeaseTtl: 900,
    });
    await expect(root.readMount('nothing-here')).resolves.toBeNull();
    const err = await root.enableSecretsEngine(MOUNT, 'kv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenBaoError);
    expect(err).toMatchObject({
      code: OpenBaoErrorCode.BAD_REQUEST,
      status: 400,
      message:
        'OpenBAO POST sys/mounts/database failed (400): database/ is already mounted as type database, not kv',
    });
  });

  it('configures a connection as a CREATEROLE (non-superuser) user, verified by OpenBAO', async () => {
    const [admin] = await fx.pg.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
      `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1`,
      [fx.adminUser],
    );
    expect(admin).toEqual({ rolsuper: false, rolcreaterole: true });
    await root.writeDatabaseConnection(MOUNT, CONNECTION, {
      connectionUrl: fx.connectionUrl,
      username: fx.adminUser,
      password: fx.adminPassword,
      allowedRoles: ['app', 'app-*'],
      passwordAuthentication: 'scram-sha-256',
      maxOpenConnections: 2,
    });
    const connection = await root.readDatabaseConnection(MOUNT, CONNECTION);
    expect(connection).toEqual({
      name: CONNECTION,
      pluginName: 'postgresql-database-plugin',
      connectionUrl: fx.connectionUrl,
      username: fx.adminUser,
      allowedRoles: ['app', 'app-*'],
      maxOpenConnections: 2,
      passwordAuthentication: 'scram-sha-256',
    });
    expect(JSON.stringify(connection)).not.toContain(fx.adminPassword);
    await expect(root.readDatabaseConnection(MOUNT, 'absent')).resolves.toBeNull();
  });

  it('refuses a connection whose password PostgreSQL rejects (400 with PostgreSQL’s reason, not retried)', async () => {
    const err = (await root
      .writeDatabaseConnection(MOUNT, 'pg-bad', {
        connectionUrl: fx.connectionUrl,
        username: fx.adminUser,
        password: 'wrong-password',
        allowedRoles: ['*'],
      })
      .catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toMatchObject({
      code: OpenBaoErrorCode.BAD_REQUEST,
      status: 400,
      transient: false,
      attempts: 1,
      path: 'database/config/pg-bad',
    });
    expect(err.message).toMatch(
      /^OpenBAO POST database\/config\/pg-bad failed \(400\): .*password authentication failed for user "vault_admin"/,
    );
  });

  it('writes, reads, lists and deletes roles', async () => {
    await root.writeDatabaseRole(MOUNT, 'app', dynamicRole(fx, CONNECTION, 300, 600));
    await root.writeDatabaseRole(MOUNT, 'app-temp', {
      ...dynamicRole(fx, CONNECTION, 0, 0),
      defaultTtl: '1m',
      maxTtl: '2m',
    });
    await expect(root.readDatabaseRole(MOUNT, 'app')).resolves.toEqual({
      name: 'app',
      dbName: CONNECTION,
      creationStatements: dynamicRole(fx, CONNECTION, 0, 0).creationStatements,
      revocationStatements: dynamicRole(fx, CONNECTION, 0, 0).revocationStatements,
      renewStatements: [],
      defaultTtl: 300,
      maxTtl: 600,
    });
    await expect(root.listDatabaseRoles(MOUNT)).resolves.toEqual(['app', 'app-temp']);
    await root.deleteDatabaseRole(MOUNT, 'app-temp');
    await expect(root.readDatabaseRole(MOUNT, 'app-temp')).resolves.toBeNull();
    await expect(root.listDatabaseRoles(MOUNT)).resolves.toEqual(['app']);
  });

  it('leases a working login; revoking it ends the open session and refuses new connections', async () => {
    const credential = await root.generateCredentials(MOUNT, 'app');
    expect(credential.leaseId).toMatch(/^database\/creds\/app\//);
    expect(credential).toMatchObject({ leaseDuration: 300, renewable: true });
    const [row] = await queryAs(
      fx,
      credential,
      `SELECT current_user AS who, pg_has_role(current_user, 'app_group', 'member') AS member, (SELECT name FROM items WHERE id = 1) AS item`,
    );
    expect(row).toEqual({ who: credential.username, member: true, item: 'first' });

    const session = await connectAs(fx, credential);
    await expect(session.client.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });

    await root.revokeLease(credential.leaseId);

    await expect(
      fx.pg.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [credential.username]),
    ).resolves.toEqual([]);
    expect(await eventually(() => session.errors.length > 0, 5_000)).toBe(true);
    expect(session.errors[0]).toMatchObject({ code: '57P01' }); // terminating connection due to administrator command
    await expect(session.client.query('SELECT 1')).rejects.toThrow();
    await session.client.end().catch(() => undefined);

    await expect(queryAs(fx, credential, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    await expect(root.lookupLease(credential.leaseId)).resolves.toBeNull();
  });

  it('answers a role outside the connection’s allowed_roles with a permanent 500, not retried', async () => {
    await root.writeDatabaseRole(MOUNT, 'outsider', dynamicRole(fx, CONNECTION, 60, 120));
    const err = (await root.generateCredentials(MOUNT, 'outsider').catch((e: unknown) => e)) as OpenBaoError;
    expect(err).toBeInstanceOf(OpenBaoError);
    expect(err).toMatchObject({
      code: OpenBaoErrorCode.SERVER_ERROR,
      status: 500,
      transient: false,
      attempts: 1,
    });
    expect(err.message).toBe(
      'OpenBAO GET database/creds/outsider failed (500): "outsider" is not an allowed role',
    );
  });

  it('answers an unknown role with 400', async () => {
    await expect(root.generateCredentials(MOUNT, 'no-such-role')).rejects.toMatchObject({
      code: OpenBaoErrorCode.BAD_REQUEST,
      status: 400,
      message: 'OpenBAO GET database/creds/no-such-role failed (400): unknown role: no-such-role',
    });
  });

  it('revokePrefix revokes every lease of a role', async () => {
    const a = await root.generateCredentials(MOUNT, 'app');
    const b = await root.generateCredentials(MOUNT, 'app');
    await expect(queryAs(fx, a, 'SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    await root.revokePrefix(`${MOUNT}/creds/app`);
    await expect(queryAs(fx, a, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    await expect(queryAs(fx, b, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
  });

  it('rotateRoot leaves only OpenBAO knowing the connection user’s password, and leasing still works', async () => {
    const password = randomBytes(12).toString('hex');
    await addAdmin(fx.pg, 'vault_rotated', password, fx.group);
    await root.writeDatabaseConnection(MOUNT, 'pg-rotated', {
      connectionUrl: fx.connectionUrl,
      username: 'vault_rotated',
      password,
      allowedRoles: ['app-rotated'],
    });
    await root.writeDatabaseRole(MOUNT, 'app-rotated', dynamicRole(fx, 'pg-rotated', 60, 120));
    await expect(queryAs(fx, { username: 'vault_rotated', password }, 'SELECT 1 AS one')).resolves.toEqual([
      { one: 1 },
    ]);

    await root.rotateRoot(MOUNT, 'pg-rotated');

    await expect(queryAs(fx, { username: 'vault_rotated', password }, 'SELECT 1')).rejects.toMatchObject({
      code: '28P01',
    });
    const credential = await root.generateCredentials(MOUNT, 'app-rotated');
    await expect(queryAs(fx, credential, 'SELECT current_user AS who')).resolves.toEqual([
      { who: credential.username },
    ]);
    await root.revokeLease(credential.leaseId);
  });

  it('deletes a connection', async () => {
    await root.deleteDatabaseConnection(MOUNT, 'pg-rotated');
    await expect(root.readDatabaseConnection(MOUNT, 'pg-rotated')).resolves.toBeNull();
  });
});
