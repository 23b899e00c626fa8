import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Shared reference tables (empty; the next migration seeds them). */
export class SharedInitial1764300000000 implements MigrationInterface {
  readonly name = 'SharedInitial1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "shared_os_releases" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "os_family" text NOT NULL,
        "os_name" text NOT NULL,
        "version" text NOT NULL,
        "codename" text,
        "release_date" date NOT NULL,
        "end_of_support_date" date,
        "lts" boolean NOT NULL DEFAULT false,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "shared_os_releases_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "shared_os_releases_os_version_key" UNIQUE ("os_name", "version"),
        CONSTRAINT "shared_os_releases_family_check" CHECK ("os_family" IN ('linux', 'bsd', 'windows', 'macos')),
        CONSTRAINT "shared_os_releases_dates_check" CHECK ("end_of_support_date" IS NULL OR "end_of_support_date" >= "release_date")
      )`);
    await queryRunner.query(`
      CREATE TABLE "shared_package_managers" (
        "name" text NOT NULL,
        "display_name" text NOT NULL,
        "os_family" text NOT NULL,
        CONSTRAINT "shared_package_managers_pkey" PRIMARY KEY ("name"),
        CONSTRAINT "shared_package_managers_name_check" CHECK ("name" ~ '^[a-z][a-z0-9_-]{0,31}$'),
        CONSTRAINT "shared_package_managers_family_check" CHECK ("os_family" IN ('linux', 'bsd', 'windows', 'macos'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "shared_package_managers"`);
    await queryRunner.query(`DROP TABLE "shared_os_releases"`);
  }
}
