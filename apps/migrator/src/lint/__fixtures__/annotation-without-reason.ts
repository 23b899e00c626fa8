import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DropLegacyColumn1700000000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // expand-contract-ok:
    await queryRunner.query(`ALTER TABLE "hosts" DROP COLUMN "legacy_name"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" ADD "legacy_name" character varying`);
  }
}
