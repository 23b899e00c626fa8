import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DropLegacyColumn1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // expand-contract-ok: legacy_name unread since 1.4, contract step of the fqdn rename
    await queryRunner.query(`ALTER TABLE "hosts" DROP COLUMN "legacy_name"`);
    await queryRunner.query(`
      ALTER TABLE "hosts"
        DROP COLUMN "old_notes" -- expand-contract-ok: notes moved to host_notes in 1.3
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" ADD "old_notes" text`);
    await queryRunner.query(`ALTER TABLE "hosts" ADD "legacy_name" character varying`);
  }
}
