import { TestEnvironment } from '@sysmanage/testing';
import { migrateUp } from '../__fixtures__/migrate';
import { checkViolation } from '../__fixtures__/pg-violation';
import { startScratchDatabase, type ScratchDatabase } from '../__fixtures__/scratch-database';
import {
  createChainDataSource,
  OS_RELEASE_SEED,
  PACKAGE_MANAGER_SEED,
  SharedOsRelease,
  SharedSeedReferenceData1764300000001,
} from '../index';

interface ReleaseRow {
  os_name: string;
  version: string;
  codename: string | null;
  release_date: string;
  end_of_support_date: string | null;
  lts: boolean;
  updated_at: string;
}

const RELEASES_SQL = `
  SELECT "os_name", "version", "codename", "release_date"::text, "end_of_support_date"::text, "lts", "updated_at"::text
    FROM "shared_os_releases" ORDER BY "os_name", "version"`;

/** Runs the seed migration's up() once more, in a transaction, as a re-run would. */
async function reseed(db: ScratchDatabase): Promise<void> {
  const dataSource = createChainDataSource('shared', db.connection);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await new SharedSeedReferenceData1764300000001().up(runner);
    await runner.commitTransaction();
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

describe('shared chain seed', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'seed');
    await migrateUp('shared', db.connection);
  });
  afterAll(() => env.stopAll());

  it('is present after up: every seeded release and package manager', async () => {
    const rows = await db.query<ReleaseRow>(RELEASES_SQL);
    expect(rows).toHaveLength(OS_RELEASE_SEED.length);
    expect(rows.find((r) => r.os_name === 'Ubuntu' && r.version === '22.04')).toMatchObject({
      codename: 'Jammy Jellyfish',
      release_date: '2022-04-21',
      lts: true,
    });
    expect(rows.find((r) => r.os_name === 'Red Hat Enterprise Linux' && r.version === '9')).toMatchObject({
      release_date: '2022-05-17',
      end_of_support_date: '2032-05-31',
      lts: false,
    });
    const managers = await db.query<{ name: string }>(
      `SELECT "name" FROM "shared_package_managers" ORDER BY 1`,
    );
    expect(managers.map((m) => m.name)).toEqual(PACKAGE_MANAGER_SEED.map((m) => m.name).sort());
  });

  it('reads back through the entity with dates as YYYY-MM-DD strings', async () => {
    const dataSource = createChainDataSource('shared', db.connection);
    await dataSource.initialize();
    try {
      const debian = await dataSource
        .getRepository(SharedOsRelease)
        .findOneByOrFail({ osName: 'Debian', version: '11' });
      expect(debian).toMatchObject({
        osFamily: 'linux',
        codename: 'bullseye',
        releaseDate: '2021-08-14',
        endOfSupportDate: '2024-08-14',
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('is idempotent: re-running the seed changes no row (not even updated_at)', async () => {
    const before = await db.query<ReleaseRow>(RELEASES_SQL);
    await reseed(db);
    expect(await db.query<ReleaseRow>(RELEASES_SQL)).toEqual(before);
  });

  it('repairs a drifted seeded row and bumps only its updated_at, leaving operator rows alone', async () => {
    await db.query(
      `UPDATE "shared_os_releases" SET "end_of_support_date" = '2099-01-01' WHERE "os_name" = 'Debian' AND "version" = '10'`,
    );
    await db.query(
      `INSERT INTO "shared_os_releases" ("os_family", "os_name", "version", "release_date") VALUES ('linux', 'Alpine Linux', '3.20', '2024-05-22')`,
    );
    const before = await db.query<ReleaseRow>(RELEASES_SQL);
    await reseed(db);
    const after = await db.query<ReleaseRow>(RELEASES_SQL);

    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ os_name: 'Debian', version: '10', end_of_support_date: '2022-06-30' });
    expect(after.find((r) => r.os_name === 'Alpine Linux')).toMatchObject({ version: '3.20' });
  });

  it('refuses data the constraints forbid (unknown family, support ending before release)', async () => {
    await expect(
      db.query(
        `INSERT INTO "shared_os_releases" ("os_family", "os_name", "version", "release_date") VALUES ('plan9', 'Plan 9', '4', '2002-06-01')`,
      ),
    ).rejects.toMatchObject(checkViolation('shared_os_releases_family_check'));
    await expect(
      db.query(
        `INSERT INTO "shared_os_releases" ("os_family", "os_name", "version", "release_date", "end_of_support_date") VALUES ('linux', 'X', '1', '2020-01-01', '2019-01-01')`,
      ),
    ).rejects.toMatchObject(checkViolation('shared_os_releases_dates_check'));
  });
});
