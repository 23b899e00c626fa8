import type { MigrationInterface } from 'typeorm';
import { CHAIN_ORDER, isChainName, type ChainName } from './chain-name';
import { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS } from './registry/registry-chain';
import { SchemaError, SchemaErrorCode } from './schema-error';
import { SHARED_ENTITIES, SHARED_MIGRATIONS } from './shared/shared-chain';
import { TENANT_ENTITIES, TENANT_MIGRATIONS } from './tenant/tenant-chain';

export type MigrationClass = new () => MigrationInterface;
export type EntityClass = new () => object;

export interface ChainDefinition {
  name: ChainName;
  /** registry_migrations | shared_migrations | tenant_migrations */
  migrationsTableName: string;
  /** Every table of the chain starts with it; null for the unprefixed tenant chain. */
  tablePrefix: string | null;
  /** In application order; the last one is the head. */
  migrations: MigrationClass[];
  entities: EntityClass[];
}

export const CHAINS: Readonly<Record<ChainName, Readonly<ChainDefinition>>> = Object.freeze({
  registry: Object.freeze({
    name: 'registry',
    migrationsTableName: 'registry_migrations',
    tablePrefix: 'registry_',
    migrations: [...REGISTRY_MIGRATIONS],
    entities: [...REGISTRY_ENTITIES],
  }),
  shared: Object.freeze({
    name: 'shared',
    migrationsTableName: 'shared_migrations',
    tablePrefix: 'shared_',
    migrations: [...SHARED_MIGRATIONS],
    entities: [...SHARED_ENTITIES],
  }),
  tenant: Object.freeze({
    name: 'tenant',
    migrationsTableName: 'tenant_migrations',
    tablePrefix: null,
    migrations: [...TENANT_MIGRATIONS],
    entities: [...TENANT_ENTITIES],
  }),
});

export { CHAIN_ORDER };

/** The chain's definition, refusing anything but the three known names (e.g. from a CLI flag). */
export function chainDefinition(chain: string): Readonly<ChainDefinition> {
  if (!isChainName(chain)) {
    throw new SchemaError(
      SchemaErrorCode.UNKNOWN_CHAIN,
      `unknown migration chain "${chain}": expected one of ${CHAIN_ORDER.join(', ')}`,
    );
  }
  return CHAINS[chain];
}

/** Names of the chain's migrations in application order (as recorded in its version table). */
export function chainMigrationNames(chain: ChainName): string[] {
  return chainDefinition(chain).migrations.map((migration) => new migration().name ?? migration.name);
}

/** Name of the chain's last migration: what an up-to-date database has recorded last. */
export function chainHead(chain: ChainName): string {
  const names = chainMigrationNames(chain);
  return names[names.length - 1];
}
