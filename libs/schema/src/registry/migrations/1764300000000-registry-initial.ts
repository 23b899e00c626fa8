import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry partition's first schema. Enum-like columns are text with a
 * CHECK (widened later by replacing the constraint, never by an ALTER TYPE);
 * foreign keys stay inside the partition.
 */
export class RegistryInitial1764300000000 implements MigrationInterface {
  readonly name = 'RegistryInitial1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "registry_tenants" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "slug" text NOT NULL,
        "name" text NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "edition" text NOT NULL DEFAULT 'standard',
        "limits" jsonb NOT NULL DEFAULT '{}',
        "settings" jsonb NOT NULL DEFAULT '{}',
        "region" text,
        "jurisdiction" text,
        "failed_step" text,
        "last_error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registry_tenants_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registry_tenants_slug_key" UNIQUE ("slug"),
        CONSTRAINT "registry_tenants_slug_check" CHECK ("slug" ~ '^[a-z][a-z0-9_]{0,39}$'),
        CONSTRAINT "registry_tenants_status_check" CHECK ("status" IN ('pending', 'provisioning', 'active', 'suspended', 'deprovisioning', 'deleted', 'failed'))
      )`);
    await queryRunner.query(`CREATE INDEX "registry_tenants_status_idx" ON "registry_tenants" ("status")`);

    await queryRunner.query(`
      CREATE TABLE "registry_database_servers" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "host" text NOT NULL,
        "port" integer NOT NULL DEFAULT 5432,
        "region" text NOT NULL,
        "jurisdiction" text NOT NULL,
        "capacity" integer NOT NULL,
        "maintenance_database" text NOT NULL DEFAULT 'postgres',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registry_database_servers_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registry_database_servers_name_key" UNIQUE ("name"),
        CONSTRAINT "registry_database_servers_port_check" CHECK ("port" BETWEEN 1 AND 65535),
        CONSTRAINT "registry_database_servers_capacity_check" CHECK ("capacity" >= 0)
      )`);

    await queryRunner.query(`
      CREATE TABLE "registry_placements" (
        "tenant_id" uuid NOT NULL,
        "server_id" uuid NOT NULL,
        "database_name" text NOT NULL,
        "owner_role" text NOT NULL,
        "app_role" text NOT NULL,
        "vault_app_role" text NOT NULL,
        "vault_owner_role" text NOT NULL,
        "region" text NOT NULL,
        "jurisdiction" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registry_placements_pkey" PRIMARY KEY ("tenant_id"),
        CONSTRAINT "registry_placements_server_database_key" UNIQUE ("server_id", "database_name"),
        CONSTRAINT "registry_placements_identifiers_check" CHECK ("database_name" ~ '^[a-z_][a-z0-9_]{0,62}$' AND "owner_role" ~ '^[a-z_][a-z0-9_]{0,62}$' AND "app_role" ~ '^[a-z_][a-z0-9_]{0,62}$'),
        CONSTRAINT "registry_placements_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "registry_tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "registry_placements_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "registry_database_servers" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);

    await queryRunner.query(`
      CREATE TABLE "registry_tenant_db_versions" (
        "tenant_id" uuid NOT NULL,
        "chain" text NOT NULL,
        "version" text NOT NULL,
        "applied_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registry_tenant_db_versions_pkey" PRIMARY KEY ("tenant_id", "chain"),
        CONSTRAINT "registry_tenant_db_versions_chain_check" CHECK ("chain" IN ('registry', 'shared', 'tenant')),
        CONSTRAINT "registry_tenant_db_versions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "registry_tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);

    await queryRunner.query(`
      CREATE TABLE "registry_enrollment_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant_id" uuid NOT NULL,
        "label" text NOT NULL DEFAULT '',
        "token_hash" text NOT NULL,
        "prefix" text NOT NULL,
        "max_uses" integer,
        "uses" integer NOT NULL DEFAULT 0,
        "expires_at" timestamptz,
        "revoked_at" timestamptz,
        "last_used_at" timestamptz,
        "created_by" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registry_enrollment_tokens_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registry_enrollment_tokens_token_hash_key" UNIQUE ("token_hash"),
        CONSTRAINT "registry_enrollment_tokens_token_hash_check" CHECK ("token_hash" ~ '^[0-9a-f]{64}$'),
        CONSTRAINT "registry_enrollment_tokens_max_uses_check" CHECK ("max_uses" IS NULL OR "max_uses" > 0),
        CONSTRAINT "registry_enrollment_tokens_uses_check" CHECK ("uses" >= 0 AND ("max_uses" IS NULL OR "uses" <= "max_uses")),
        CONSTRAINT "registry_enrollment_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "registry_tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "registry_enrollment_tokens_tenant_id_idx" ON "registry_enrollment_tokens" ("tenant_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "registry_host_index" (
        "host_id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant_id" uuid NOT NULL,
        "machine_id" text NOT NULL,
        "enrollment_token_id" uuid,
        "credential_hash" text NOT NULL,
        "credential_revoked_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registry_host_index_pkey" PRIMARY KEY ("host_id"),
        CONSTRAINT "registry_host_index_credential_hash_key" UNIQUE ("credential_hash"),
        CONSTRAINT "registry_host_index_tenant_machine_key" UNIQUE ("tenant_id", "machine_id"),
        CONSTRAINT "registry_host_index_credential_hash_check" CHECK ("credential_hash" ~ '^[0-9a-f]{64}$'),
        CONSTRAINT "registry_host_index_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "registry_tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "registry_host_index_enrollment_token_id_fkey" FOREIGN KEY ("enrollment_token_id") REFERENCES "registry_enrollment_tokens" ("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "registry_host_index_enrollment_token_id_idx" ON "registry_host_index" ("enrollment_token_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "registry_provisioning_jobs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "step" text,
        "status" text NOT NULL DEFAULT 'queued',
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        CONSTRAINT "registry_provisioning_jobs_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registry_provisioning_jobs_kind_check" CHECK ("kind" IN ('provision', 'deprovision', 'suspend', 'resume')),
        CONSTRAINT "registry_provisioning_jobs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed')),
        CONSTRAINT "registry_provisioning_jobs_attempts_check" CHECK ("attempts" >= 0),
        CONSTRAINT "registry_provisioning_jobs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "registry_tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "registry_provisioning_jobs_tenant_started_idx" ON "registry_provisioning_jobs" ("tenant_id", "started_at")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "registry_provisioning_jobs_one_open_per_tenant" ON "registry_provisioning_jobs" ("tenant_id") WHERE "status" IN ('queued', 'running')`,
    );

    await queryRunner.query(`
      CREATE TABLE "registry_admin_principals" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "role" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "disabled_at" timestamptz,
        CONSTRAINT "registry_admin_principals_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registry_admin_principals_name_key" UNIQUE ("name"),
        CONSTRAINT "registry_admin_principals_role_check" CHECK ("role" IN ('operator', 'viewer'))
      )`);

    await queryRunner.query(`
      CREATE TABLE "registry_admin_api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "principal_id" uuid NOT NULL,
        "key_hash" text NOT NULL,
        "prefix" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "registry_admin_api_keys_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registry_admin_api_keys_key_hash_key" UNIQUE ("key_hash"),
        CONSTRAINT "registry_admin_api_keys_key_hash_check" CHECK ("key_hash" ~ '^[0-9a-f]{64}$'),
        CONSTRAINT "registry_admin_api_keys_principal_id_fkey" FOREIGN KEY ("principal_id") REFERENCES "registry_admin_principals" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "registry_admin_api_keys_principal_id_idx" ON "registry_admin_api_keys" ("principal_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "registry_audit_log" (
        "id" bigserial NOT NULL,
        "at" timestamptz NOT NULL DEFAULT now(),
        "actor" text NOT NULL,
        "action" text NOT NULL,
        "target_type" text NOT NULL,
        "target_id" text,
        "tenant_id" uuid,
        "request_id" text,
        "detail" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "registry_audit_log_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "registry_audit_log_at_idx" ON "registry_audit_log" ("at")`);
    await queryRunner.query(
      `CREATE INDEX "registry_audit_log_tenant_at_idx" ON "registry_audit_log" ("tenant_id", "at")`,
    );
  }

  /** Exactly reverses up(): dependants first; each table's indexes go with it. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "registry_audit_log"`);
    await queryRunner.query(`DROP TABLE "registry_admin_api_keys"`);
    await queryRunner.query(`DROP TABLE "registry_admin_principals"`);
    await queryRunner.query(`DROP TABLE "registry_provisioning_jobs"`);
    await queryRunner.query(`DROP TABLE "registry_host_index"`);
    await queryRunner.query(`DROP TABLE "registry_enrollment_tokens"`);
    await queryRunner.query(`DROP TABLE "registry_tenant_db_versions"`);
    await queryRunner.query(`DROP TABLE "registry_placements"`);
    await queryRunner.query(`DROP TABLE "registry_database_servers"`);
    await queryRunner.query(`DROP TABLE "registry_tenants"`);
  }
}
