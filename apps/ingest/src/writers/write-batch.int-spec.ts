import type { IngestMessage } from '@sysmanage/contracts';
import { TestEnvironment } from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { tenantSchemaClient } from '../__fixtures__/tenant-schema-client';
import { toAgentChange, type AgentChange } from './agent-change';
import { ledgerKey } from './ingest-record';
import { writeBatch } from './write-batch';

const TENANT = '6f1d7c2e-0c1b-4a6e-9a53-1f8f3e2b9d10';

/** The statement against a real tenant schema (the tenant chain applied to a harness PostgreSQL). */
describe('writeBatch', () => {
  const env = new TestEnvironment();
  let client: Client;

  function change(
    hostId: string,
    type: string,
    payload: Record<string, unknown>,
    at: number,
    received = at,
    messageId: string = randomUUID(),
  ): AgentChange {
    const message: IngestMessage = {
      messageId,
      tenantId: TENANT,
      hostId,
      type,
      timestamp: new Date(at).toISOString(),
      receivedAt: new Date(received).toISOString(),
      payload,
    };
    return toAgentChange({ message, key: ledgerKey(hostId, messageId) });
  }

  const pkg = (name: string, version: string, architecture?: string) => ({
    name,
    version,
    package_manager: 'apt',
    ...(architecture ? { architecture } : {}),
  });

  async function host(): Promise<string> {
    const id = randomUUID();
    await client.query('INSERT INTO hosts (id, hostname, machine_id, os) VALUES ($1, $2, $3, $4)', [
      id,
      'registered-name',
      `machine-${id}`,
      'linux',
    ]);
    return id;
  }

  async function rows<R>(sql: string, params: unknown[]): Promise<R[]> {
    return (await client.query(sql, params)).rows as R[];
  }

  const packagesOf = async (hostId: string): Promise<string[]> =>
    (
      await rows<{ p: string }>(
        `SELECT name || '=' || version || '/' || architecture AS p FROM software_packages WHERE host_id = $1 ORDER BY 1`,
        [hostId],
      )
    ).map((r) => r.p);

  beforeAll(async () => {
    client = await tenantSchemaClient(env, 'tenant_wb');
  });
  afterAll(async () => {
    await client?.end();
    await env.stopAll();
  });

  it('stores every heartbeat once, moves last seen to the latest receivedAt, and a second run changes nothing', async () => {
    const [h1, h2] = [await host(), await host()];
    const batch = [
      change(h1, 'heartbeat', { cpu_percent: 5, metrics: { temp: 40 } }, 2_000, 9_000),
      change(h1, 'heartbeat', {}, 1_000, 10_000),
      change(h2, 'heartbeat', { load_average_1m: 0.5 }, 3_000, 4_000),
    ];
    const first = await writeBatch(client, batch);
    expect(first.applied).toHaveLength(3);
    expect(first.duplicates).toEqual([]);
    const stored = await rows<Record<string, unknown>>(
      `SELECT host_id::text, cpu_percent, memory_percent, load_average_1m, metrics FROM host_heartbeats
        WHERE host_id = ANY($1::uuid[]) ORDER BY at`,
      [[h1, h2]],
    );
    expect(stored).toEqual([
      { host_id: h1, cpu_percent: null, memory_percent: null, load_average_1m: null, metrics: {} },
      { host_id: h1, cpu_percent: 5, memory_percent: null, load_average_1m: null, metrics: { temp: 40 } },
      { host_id: h2, cpu_percent: null, memory_percent: null, load_average_1m: 0.5, metrics: {} },
    ]);
    const seen = await rows<{ id: string; last_seen_at: Date }>(
      'SELECT id::text, last_seen_at FROM hosts WHERE id = ANY($1::uuid[])',
      [[h1, h2]],
    );
    expect(Object.fromEntries(seen.map((r) => [r.id, r.last_seen_at.getTime()]))).toEqual({
      [h1]: 10_000,
      [h2]: 4_000,
    });

    // A redelivery: every pair is in the ledger, nothing is written again.
    const again = await writeBatch(client, batch);
    expect(again.applied).toEqual([]);
    expect(again.duplicates).toHaveLength(3);
    const [count] = await rows<{ n: string }>(
      'SELECT count(*) AS n FROM host_heartbeats WHERE host_id = ANY($1::uuid[])',
      [[h1, h2]],
    );
    expect(Number(count?.n)).toBe(3);
  });

  it('applies the system_info with the latest agent timestamp, whatever the delivery order', async () => {
    const h = await host();
    const outcome = await writeBatch(client, [
      change(h, 'system_info', { hostname: 'new', ip_addresses: ['10.0.0.2'], kernel: '6.1' }, 5_000),
      change(h, 'system_info', { hostname: 'old', os: 'bsd' }, 1_000),
    ]);
    expect(outcome.applied).toHaveLength(2);
    const [row] = await rows<Record<string, unknown>>(
      'SELECT hostname, os, ip_addresses, system_info FROM hosts WHERE id = $1',
      [h],
    );
    // The older report is not applied at all: `os` keeps the registered value.
    expect(row).toEqual({
      hostname: 'new',
      os: 'linux',
      ip_addresses: ['10.0.0.2'],
      system_info: { hostname: 'new', ip_addresses: ['10.0.0.2'], kernel: '6.1' },
    });
  });

  it('lets a complete inventory replace earlier reports and later partial ones add to it', async () => {
    const [h1, h2] = [await host(), await host()];
    await writeBatch(client, [
      change(h1, 'software_inventory', { packages: [pkg('old-tool', '1')] }, 500),
      change(h2, 'software_inventory', { packages: [pkg('kept', '1')] }, 500),
    ]);
    await writeBatch(client, [
      change(h1, 'software_inventory', { packages: [pkg('curl', '7'), pkg('bash', '5.2')] }, 3_000),
      change(h1, 'software_inventory', { packages: [pkg('vim', '8'), pkg('bash', '5.0')] }, 1_000),
      change(h1, 'software_inventory', { packages: [pkg('bash', '5.1')], complete: true }, 2_000),
      change(
        h2,
        'software_inventory',
        { packages: [pkg('zsh', '5', 'arm64'), pkg('zsh', '5.1', 'arm64')] },
        1_500,
      ),
    ]);
    // h1: the complete report at 2 s removed old-tool and vim; curl and bash 5.2 came after it.
    expect(await packagesOf(h1)).toEqual(['bash=5.2/', 'curl=7/']);
    // h2: partial reports only add; within one report the last entry of a package wins.
    expect(await packagesOf(h2)).toEqual(['kept=1/', 'zsh=5.1/arm64']);
  });

  it('never re-applies a redelivered older inventory over a newer one', async () => {
    const h = await host();
    const older = change(h, 'software_inventory', { packages: [pkg('bash', '5.0')], complete: true }, 1_000);
    await writeBatch(client, [older]);
    await writeBatch(client, [
      change(
        h,
        'software_inventory',
        { packages: [pkg('bash', '5.2'), pkg('jq', '1.7')], complete: true },
        2_000,
      ),
    ]);
    const redelivered = await writeBatch(client, [older]);
    expect(redelivered.duplicates).toEqual([older]);
    expect(await packagesOf(h)).toEqual(['bash=5.2/', 'jq=1.7/']);
  });

  it('leaves out messages of hosts this tenant does not have and counts a repeat within the batch once', async () => {
    const h = await host();
    const stranger = randomUUID();
    const twice = change(h, 'heartbeat', { cpu_percent: 1 }, 1_000);
    const foreign = change(stranger, 'heartbeat', { cpu_percent: 99 }, 1_000);
    const outcome = await writeBatch(client, [twice, foreign, twice]);
    expect(outcome.applied).toEqual([twice]);
    expect(outcome.duplicates).toEqual([twice]);
    expect(outcome.unknownHosts).toEqual([foreign]);
    const stored = await rows<{ host_id: string; n: string }>(
      'SELECT host_id::text, count(*) AS n FROM host_heartbeats WHERE host_id = ANY($1::uuid[]) GROUP BY host_id',
      [[h, stranger]],
    );
    expect(stored).toEqual([{ host_id: h, n: '1' }]);
  });

  it('keys a heartbeat by its own row and the other types by a ledger row', async () => {
    const h = await host();
    const beat = change(h, 'heartbeat', { cpu_percent: 1 }, 1_000);
    const info = change(h, 'system_info', { hostname: 'keyed' }, 1_000);
    expect((await writeBatch(client, [beat, info])).applied).toEqual([beat, info]);
    const ledger = await rows<{ message_id: string; type: string }>(
      'SELECT message_id, type FROM processed_messages WHERE host_id = $1',
      [h],
    );
    expect(ledger).toEqual([{ message_id: info.record.message.messageId, type: 'system_info' }]);
    // Both again, in the other order, with a changed heartbeat: neither is applied, nothing changes.
    const again = change(h, 'heartbeat', { cpu_percent: 77 }, 1_000, 1_000, beat.record.message.messageId);
    const outcome = await writeBatch(client, [info, again]);
    expect(outcome.applied).toEqual([]);
    expect(outcome.duplicates).toEqual([info, again]);
    const beats = await rows<{ cpu_percent: number }>(
      'SELECT cpu_percent FROM host_heartbeats WHERE host_id = $1',
      [h],
    );
    expect(beats).toEqual([{ cpu_percent: 1 }]);
  });

  it('writes nothing of a batch PostgreSQL refuses (one statement: one transaction)', async () => {
    const h = await host();
    const good = change(h, 'heartbeat', { cpu_percent: 1 }, 1_000);
    // A package name with a NUL byte: PostgreSQL text cannot hold it (a data error, SQLSTATE class 22).
    const bad = change(h, 'software_inventory', { packages: [pkg('bad\u0000name', '1')] }, 1_000);
    await expect(writeBatch(client, [good, bad])).rejects.toMatchObject({
      code: expect.stringMatching(/^22/),
    });
    const [written] = await rows<{ n: string }>(
      `SELECT (SELECT count(*) FROM processed_messages WHERE host_id = $1)
            + (SELECT count(*) FROM host_heartbeats WHERE host_id = $1) AS n`,
      [h],
    );
    expect(Number(written?.n)).toBe(0);
    expect((await writeBatch(client, [good])).applied).toEqual([good]);
  });
});
