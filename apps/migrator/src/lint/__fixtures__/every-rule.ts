import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EveryRule1700000000005 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    const table = 'hosts';
    await queryRunner.query(`DROP TABLE "host_metrics_old"`);
    await queryRunner.query(`ALTER TABLE "${table}" RENAME COLUMN "name" TO "hostname"`);
    await queryRunner.query('ALTER TABLE "hosts" RENAME TO "machines"');
    await queryRunner.query(`ALTER TABLE "machines" ALTER COLUMN "ram_mb" TYPE bigint`);
    await queryRunner.query(`ALTER TABLE "machines" ALTER COLUMN "fqdn" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "machines" ADD "site_id" uuid NOT NULL`);
    await queryRunner.query(`ALTER TABLE "machines" DROP CONSTRAINT "FK_x", ALTER COLUMN "os" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "machines" RENAME CONSTRAINT "PK_a" TO "PK_b"`);
  }

  public async down(): Promise<void> {
    // Nothing: the rules only look at up().
  }
}
