import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DropLegacyColumn1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" ADD "fqdn_lower" character varying`);
    await queryRunner.query(`ALTER TABLE "hosts" DROP COLUMN "legacy_name"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" ADD "legacy_name" character varying`);
    await queryRunner.query(`ALTER TABLE "hosts" DROP COLUMN "fqdn_lower"`);
  }
}
