import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-tenant schema (unprefixed tables). Applied to every tenant database,
 * and to the bootstrap database in collapsed mode.
 */
export class TenantInitial1764300000000 implements MigrationInterface {
  readonly name = 'TenantInitial1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hosts" (
        "id" uuid NOT NULL,
        "hostname" text NOT NULL,
        "fqdn" text,
        "machine_id" text NOT NULL,
        "os" text,
        "os_version" text,
        "agent_version" text,
        "ip_addresses" jsonb NOT NULL DEFAULT '[]',
        "system_info" jsonb NOT NULL DEFAULT '{}',
        "status" text NOT NULL DEFAULT 'active',
        "enrolled_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "hosts_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "hosts_machine_id_key" UNIQUE ("machine_id"),
        CONSTRAINT "hosts_status_check" CHECK ("status" IN ('active', 'offline', 'revoked'))
      )`);
    await queryRunner.query(`CREATE INDEX "hosts_hostname_idx" ON "hosts" ("hostname")`);
    await queryRunner.query(`CREATE INDEX "hosts_last_seen_at_idx" ON "hosts" ("last_seen_at")`);

    await queryRunner.query(`
      CREATE TABLE "host_heartbeats" (
        "id" bigserial NOT NULL,
        "host_id" uuid NOT NULL,
        "message_id" text NOT NULL,
        "at" timestamptz NOT NULL,
        "cpu_percent" double precision,
        "memory_percent" double precision,
        "disk_percent" double precision,
        "load_average_1m" double precision,
        "metrics" jsonb NOT NULL DEFAULT '{}',
        "received_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "host_heartbeats_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "host_heartbeats_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "hosts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "host_heartbeats_host_at_idx" ON "host_heartbeats" ("host_id", "at")`,
    );

    await queryRunner.query(`
      CREATE TABLE "software_packages" (
        "id" bigserial NOT NULL,
        "host_id" uuid NOT NULL,
        "name" text NOT NULL,
        "version" text NOT NULL,
        "package_manager" text NOT NULL,
        "architecture" text NOT NULL DEFAULT '',
        "source" text,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "software_packages_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "software_packages_host_package_key" UNIQUE ("host_id", "package_manager", "name", "architecture"),
        CONSTRAINT "software_packages_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "hosts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);

    await queryRunner.query(`
      CREATE TABLE "processed_messages" (
        "host_id" uuid NOT NULL,
        "message_id" text NOT NULL,
        "type" text NOT NULL,
        "processed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "processed_messages_pkey" PRIMARY KEY ("host_id", "message_id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "processed_messages_processed_at_idx" ON "processed_messages" ("processed_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "processed_messages"`);
    await queryRunner.query(`DROP TABLE "software_packages"`);
    await queryRunner.query(`DROP TABLE "host_heartbeats"`);
    await queryRunner.query(`DROP TABLE "hosts"`);
  }
}
