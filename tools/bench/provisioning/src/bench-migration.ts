import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The benchmark's additive tenant migration (expand-only: a nullable column,
 * no rewrite). Its timestamp lies far in the future so it is the tenant
 * chain's head whatever real migrations are added later. It exists only in
 * the bench's migrator runs (register-bench-migration.ts); the bench reverts
 * it between runs and never leaves it behind.
 */
export class BenchAddHostNote4102444800000 implements MigrationInterface {
  name = 'BenchAddHostNote4102444800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" ADD COLUMN "bench_note" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hosts" DROP COLUMN "bench_note"`);
  }
}

export const BENCH_MIGRATION_NAME = 'BenchAddHostNote4102444800000';
export const BENCH_COLUMN = 'bench_note';
