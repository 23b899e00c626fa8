import { createChainDataSource } from '@sysmanage/schema';
import type { TestEnvironment } from '@sysmanage/testing';
import { Client } from 'pg';

/**
 * A connected client to database `name` on a harness PostgreSQL of its own
 * (tracked by `env`) with the tenant chain applied: the real tenant schema for
 * the writers' statements. The caller ends the client; `env.stopAll()` the server.
 */
export async function tenantSchemaClient(env: TestEnvironment, name: string): Promise<Client> {
  const pg = await env.postgres({ name: `ingest-${name}` });
  await pg.createDatabase(name);
  const dataSource = createChainDataSource('tenant', pg.clientConfig(name));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  const client = new Client(pg.clientConfig(name));
  await client.connect();
  return client;
}
