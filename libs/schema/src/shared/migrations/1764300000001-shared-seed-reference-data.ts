import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OS_RELEASE_SEED } from '../seed/os-releases.seed';
import { PACKAGE_MANAGER_SEED } from '../seed/package-managers.seed';

/**
 * Seeds the shared reference data with idempotent upserts: re-running it
 * leaves the rows as they are (a row is only rewritten, and its updated_at
 * only bumped, when a seeded value differs), so a shared database that
 * several deployments point at converges on the same content.
 */
export class SharedSeedReferenceData1764300000001 implements MigrationInterface {
  readonly name = 'SharedSeedReferenceData1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const r of OS_RELEASE_SEED) {
      await queryRunner.query(
        `INSERT INTO "shared_os_releases"
           ("os_family", "os_name", "version", "codename", "release_date", "end_of_support_date", "lts")
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ("os_name", "version") DO UPDATE SET
           "os_family" = EXCLUDED."os_family",
           "codename" = EXCLUDED."codename",
           "release_date" = EXCLUDED."release_date",
           "end_of_support_date" = EXCLUDED."end_of_support_date",
           "lts" = EXCLUDED."lts",
           "updated_at" = now()
         WHERE ("shared_os_releases"."os_family", "shared_os_releases"."codename", "shared_os_releases"."release_date",
                "shared_os_releases"."end_of_support_date", "shared_os_releases"."lts")
           IS DISTINCT FROM
               (EXCLUDED."os_family", EXCLUDED."codename", EXCLUDED."release_date", EXCLUDED."end_of_support_date", EXCLUDED."lts")`,
        [r.osFamily, r.osName, r.version, r.codename, r.releaseDate, r.endOfSupportDate, r.lts],
      );
    }
    for (const m of PACKAGE_MANAGER_SEED) {
      await queryRunner.query(
        `INSERT INTO "shared_package_managers" ("name", "display_name", "os_family")
         VALUES ($1, $2, $3)
         ON CONFLICT ("name") DO UPDATE SET
           "display_name" = EXCLUDED."display_name",
           "os_family" = EXCLUDED."os_family"
         WHERE ("shared_package_managers"."display_name", "shared_package_managers"."os_family")
           IS DISTINCT FROM (EXCLUDED."display_name", EXCLUDED."os_family")`,
        [m.name, m.displayName, m.osFamily],
      );
    }
  }

  /** Removes exactly the seeded keys; rows an operator added are left alone. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "shared_package_managers" WHERE "name" = ANY($1::text[])`, [
      PACKAGE_MANAGER_SEED.map((m) => m.name),
    ]);
    await queryRunner.query(
      `DELETE FROM "shared_os_releases" r
       USING unnest($1::text[], $2::text[]) AS k("os_name", "version")
       WHERE r."os_name" = k."os_name" AND r."version" = k."version"`,
      [OS_RELEASE_SEED.map((r) => r.osName), OS_RELEASE_SEED.map((r) => r.version)],
    );
  }
}
