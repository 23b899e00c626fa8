import { Injectable } from '@nestjs/common';
import { RegistryAdminApiKey, RegistryAdminPrincipal, type AdminRole } from '@sysmanage/schema';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from './principal';

/** Admin principals and their hashed API keys. */
@Injectable()
export class AdminKeysRepository {
  constructor(private readonly ds: DataSource) {}

  /** The enabled principal owning an unrevoked key with this hash, or null. */
  async findPrincipalByKeyHash(
    keyHash: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<Principal | null> {
    const rows: Principal[] = await manager.query(
      `SELECT p.id, p.name, p.role
         FROM registry_admin_api_keys k
         JOIN registry_admin_principals p ON p.id = k.principal_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND p.disabled_at IS NULL`,
      [keyHash],
    );
    return rows[0] ?? null;
  }

  findPrincipalByName(
    name: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryAdminPrincipal | null> {
    return manager.findOne(RegistryAdminPrincipal, { where: { name } });
  }

  /** Creates the principal unless one of that name exists; returns the stored row and whether it was created. */
  async ensurePrincipal(
    name: string,
    role: AdminRole,
    manager: EntityManager = this.ds.manager,
  ): Promise<{ principal: RegistryAdminPrincipal; created: boolean }> {
    const inserted: RegistryAdminPrincipal[] = await manager.query(
      `INSERT INTO registry_admin_principals (name, role) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT registry_admin_principals_name_key DO NOTHING
       RETURNING id, name, role`,
      [name, role],
    );
    if (inserted[0]) return { principal: inserted[0], created: true };
    const existing = await this.findPrincipalByName(name, manager);
    if (!existing) throw new Error(`principal ${name} vanished between insert and read`);
    return { principal: existing, created: false };
  }

  /** Stores a key hash for the principal; false when that hash is already stored. */
  async addKey(
    principalId: string,
    keyHash: string,
    prefix: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryAdminApiKey | null> {
    const rows: RegistryAdminApiKey[] = await manager.query(
      `INSERT INTO registry_admin_api_keys (principal_id, key_hash, prefix) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT registry_admin_api_keys_key_hash_key DO NOTHING
       RETURNING id, prefix, created_at AS "createdAt"`,
      [principalId, keyHash, prefix],
    );
    return rows[0] ?? null;
  }
}
