import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A heartbeat is keyed by what identifies it, (host_id, message_id), instead
 * of a surrogate bigserial: the primary key itself makes a redelivered or
 * re-sent heartbeat a no-op, so ingest no longer writes a processed_messages
 * ledger row per heartbeat (one index-maintained insert per heartbeat instead
 * of two, and a ledger that no longer grows with every heartbeat).
 *
 * Safe for a rolling upgrade in both directions: no release reads or writes
 * `id` (the writer never named it), and the ledger keeps every row it has, so
 * a writer of the previous release still skips what it stored itself. If it
 * receives again a heartbeat a new writer stored (no ledger row), the key
 * refuses the insert: that message is isolated and logged as bad data, and
 * stays stored once.
 * Duplicates cannot exist (the ledger admitted each pair once); any a manual
 * insert left are removed first, keeping the earliest row of each pair.
 */
export class TenantHeartbeatsKeyedByMessage1764400000000 implements MigrationInterface {
  readonly name = 'TenantHeartbeatsKeyedByMessage1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM "host_heartbeats" h
       USING "host_heartbeats" d
       WHERE d."host_id" = h."host_id" AND d."message_id" = h."message_id" AND d."id" < h."id"`);
    await queryRunner.query(`ALTER TABLE "host_heartbeats" DROP CONSTRAINT "host_heartbeats_pkey"`);
    // expand-contract-ok: no release reads or writes id (the writer never named it); see the class comment.
    await queryRunner.query(`ALTER TABLE "host_heartbeats" DROP COLUMN "id"`);
    await queryRunner.query(
      `ALTER TABLE "host_heartbeats" ADD CONSTRAINT "host_heartbeats_pkey" PRIMARY KEY ("host_id", "message_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "host_heartbeats" DROP CONSTRAINT "host_heartbeats_pkey"`);
    await queryRunner.query(`ALTER TABLE "host_heartbeats" ADD COLUMN "id" bigserial NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "host_heartbeats" ADD CONSTRAINT "host_heartbeats_pkey" PRIMARY KEY ("id")`,
    );
    // The previous writer finds already-stored heartbeats through the ledger.
    await queryRunner.query(`
      INSERT INTO "processed_messages" ("host_id", "message_id", "type", "processed_at")
      SELECT "host_id", "message_id", 'heartbeat', "received_at" FROM "host_heartbeats"
      ON CONFLICT DO NOTHING`);
  }
}
