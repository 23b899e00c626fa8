import { TestEnvironment } from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { tenantSchemaClient } from '../__fixtures__/tenant-schema-client';
import { pruneExpired } from './retention';

/** pruneExpired against a real tenant schema (the tenant chain applied to a harness PostgreSQL). */
describe('retention', () => {
  const env = new TestEnvironment();
  let client: Client;

  beforeAll(async () => {
    client = await tenantSchemaClient(env, 'tenant_lp');
  });
  afterAll(async () => {
    await client?.end();
    await env.stopAll();
  });

  it('deletes the ledger rows older than the retention, in batches, and keeps the rest', async () => {
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

    expect(await pruneExpired(client, 'ledger', 168, 3)).toBe(7);
    const left = await client.query<{ message_id: string }>(
      'SELECT message_id FROM processed_messages WHERE host_id = $1 ORDER BY message_id',
      [host],
    );
    expect(left.rows.map((r) => r.message_id)).toEqual(['edge', 'new']);
    expect(await pruneExpired(client, 'ledger', 168, 3)).toBe(0);
  });

  it("deletes every host's heartbeats older than the retention by agent time, in batches", async () => {
    const hosts = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of hosts.entries()) {
      await client.query(`INSERT INTO hosts (id, hostname, machine_id) VALUES ($1, $2, $3)`, [
        id,
        `h-${i}`,
        `m-${id}`,
      ]);
    }
    const beat = (host: string, id: string, daysAgo: number) =>
      client.query(
        `INSERT INTO host_heartbeats (host_id, message_id, at) VALUES ($1, $2, now() - make_interval(days => $3))`,
        [host, id, daysAgo],
      );
    // Host 0: four old and one kept; host 1: three old (received just now: the agent's time counts); host 2: only recent.
    for (let i = 0; i < 4; i += 1) await beat(hosts[0]!, `old-${i}`, 40);
    await beat(hosts[0]!, 'kept', 29);
    for (let i = 0; i < 3; i += 1) await beat(hosts[1]!, `old-${i}`, 31);
    await beat(hosts[2]!, 'recent', 0);

    expect(await pruneExpired(client, 'heartbeats', 30, 2)).toBe(7);
    const left = await client.query<{ host_id: string; message_id: string }>(
      'SELECT host_id, message_id FROM host_heartbeats WHERE host_id = ANY($1) ORDER BY message_id',
      [hosts],
    );
    expect(left.rows).toEqual([
      { host_id: hosts[0], message_id: 'kept' },
      { host_id: hosts[2], message_id: 'recent' },
    ]);
    expect(await pruneExpired(client, 'heartbeats', 30, 2)).toBe(0);
  });
});
