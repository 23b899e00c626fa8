import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An expand step: a new table with NOT NULL columns is safe, nothing reads it yet. */
export class CreateSoftwarePackages1700000000004 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "software_packages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "host_id" uuid NOT NULL, ` +
        `"name" character varying(255) NOT NULL, CONSTRAINT "PK_software_packages" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_software_packages_host" ON "software_packages" ("host_id")`);
    await queryRunner.query(
      `ALTER TABLE "hosts" ADD "os_family" character varying NOT NULL DEFAULT 'unknown'`,
    );
    await queryRunner.query(`COMMENT ON TABLE "software_packages" IS 'we never DROP TABLE here'`);
    // A comment that says DROP TABLE "hosts" is not a statement.
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" DROP COLUMN "os_family"`);
    await queryRunner.query(`DROP INDEX "IDX_software_packages_host"`);
    await queryRunner.query(`DROP TABLE "software_packages"`);
  }
}
