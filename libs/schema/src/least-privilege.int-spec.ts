import { randomBytes } from 'node:crypto';
import { TestEnvironment } from '@sysmanage/testing';
import { migrateDownAll, migrateUp } from './__fixtures__/migrate';
import { startScratchDatabase, type ScratchDatabase } from './__fixtures__/scratch-database';
import { CHAIN_ORDER, chainMigrationNames } from './index';

/**
 * The chains must run as a plain database owner (the migrator holds a tenant
 * owner lease, not a superuser): no extension, no superuser-only statement.
 */
describe('the chains run as a non-superuser database owner', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;
  const role = 'schema_test_owner';
  const password = randomBytes(12).toString('hex');

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'owner');
    await db.query(`CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
    await db.query(`ALTER DATABASE "${db.name}" OWNER TO "${role}"`);
  });
  // The role and the database go with the server.
  afterAll(() => env.stopAll());

  it('applies and reverts every chain, and the tables belong to the owner', async () => {
    const asOwner = { ...db.connection, user: role, password };
    // The server checks passwords, so the chains below really run as the owner role.
    await expect(migrateUp('shared', { ...asOwner, password: 'not-the-password' })).rejects.toMatchObject({
      code: '28P01',
    });

    const [me] = await db.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = $1`, [
      role,
    ]);
    expect(me).toEqual({ rolsuper: false });

    for (const chain of CHAIN_ORDER)
      expect(await migrateUp(chain, asOwner)).toEqual(chainMigrationNames(chain));
    const owners = await db.query<{ owner: string }>(
      `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'`,
    );
    expect(owners).toEqual([{ owner: role }]);
    for (const chain of [...CHAIN_ORDER].reverse()) {
      expect(await migrateDownAll(chain, asOwner)).toEqual(chainMigrationNames(chain).reverse());
    }
  });
});
