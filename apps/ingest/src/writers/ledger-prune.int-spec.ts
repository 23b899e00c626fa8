import { TestEnvironment } from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { tenantSchemaClient } from '../__fixtures__/tenant-schema-client';
import { pruneLedger } from './ledger-prune';

/** pruneLedger against a real tenant schema (the tenant chain applied to a harness PostgreSQL). */
describe('pruneLedger', () => {
  const env = new TestEnvironment();
  let client: Client;

  beforeAll(async () => {
    client = await tenantSchemaClient(env, 'tenant_lp');
  });
  afterAll(async () => {
    await client?.end();
    await env.stopAll();
  });

  it('deletes the rows older than the retention, in batches, and keeps the rest', async () => {
    const host = randomUUID();
    const record = (id: string, hoursAgo: number) =>
      client.query(
        `INSERT INTO processed_messages (host_id, message_id, type, processed_at)
         VALUES ($1, $2, 'software_inventory', now() - make_interval(hours => $3))`,
        [host, id, hoursAgo],
      );
    for (let i = 0; i < 7; i += 1) await record(`old-${i}`, 200);
    await record('edge', 167);
    await record('new', 0);

    expect(await pruneLedger(client, 168, 3)).toBe(7);
    const left = await client.query<{ message_id: string }>(
      'SELECT message_id FROM processed_messages WHERE host_id = $1 ORDER BY message_id',
      [host],
    );
    expect(left.rows.map((r) => r.message_id)).toEqual(['edge', 'new']);
    expect(await pruneLedger(client, 168, 3)).toBe(0);
  });
});
