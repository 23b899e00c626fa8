import { randomUUID } from 'node:crypto';
import { TestEnvironment } from '@sysmanage/testing';
import { migrateUp } from '../__fixtures__/migrate';
import { checkViolation, foreignKeyViolation, uniqueViolation } from '../__fixtures__/pg-violation';
import { startScratchDatabase, type ScratchDatabase } from '../__fixtures__/scratch-database';
import { createChainDataSource, Host, HostHeartbeat } from '../index';

describe('tenant constraints', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;

  async function host(machineId: string): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO "hosts" ("id", "hostname", "machine_id") VALUES ($1, $2, $2)`, [
      id,
      machineId,
    ]);
    return id;
  }

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'tenant');
    await migrateUp('tenant', db.connection);
  });
  afterAll(() => env.stopAll());

  it('a host keeps the id it was given (the registry host id) and defaults to active', async () => {
    const id = await host('machine-a');
    const [row] = await db.query(
      `SELECT "id", "status", "ip_addresses", "system_info" FROM "hosts" WHERE "machine_id" = 'machine-a'`,
    );
    expect(row).toEqual({ id, status: 'active', ip_addresses: [], system_info: {} });
    await expect(host('machine-a')).rejects.toMatchObject(uniqueViolation('hosts_machine_id_key'));
    await expect(
      db.query(`UPDATE "hosts" SET "status" = 'lost' WHERE "id" = $1`, [id]),
    ).rejects.toMatchObject(checkViolation('hosts_status_check'));
  });

  it('a redelivered message hits the ledger key; the same message id from another host does not', async () => {
    const a = await host('machine-ledger-a');
    const b = await host('machine-ledger-b');
    const record = `INSERT INTO "processed_messages" ("host_id", "message_id", "type") VALUES ($1, 'msg-1', 'heartbeat')`;
    await db.query(record, [a]);
    await expect(db.query(record, [a])).rejects.toMatchObject(uniqueViolation('processed_messages_pkey'));
    await expect(db.query(record, [b])).resolves.toEqual([]);
  });

  it('a package upsert on its natural key updates in place', async () => {
    const id = await host('machine-pkg');
    const upsert = `INSERT INTO "software_packages" ("host_id", "name", "version", "package_manager") VALUES ($1, 'openssl', $2, 'apt')
                    ON CONFLICT ON CONSTRAINT "software_packages_host_package_key" DO UPDATE SET "version" = EXCLUDED."version"`;
    await db.query(upsert, [id, '3.0.2']);
    await db.query(upsert, [id, '3.0.13']);
    const rows = await db.query(
      `SELECT "name", "version", "architecture" FROM "software_packages" WHERE "host_id" = $1`,
      [id],
    );
    expect(rows).toEqual([{ name: 'openssl', version: '3.0.13', architecture: '' }]);
  });

  it('heartbeats belong to an existing host, are keyed by (host, message id) and go with the host', async () => {
    const dataSource = createChainDataSource('tenant', db.connection);
    await dataSource.initialize();
    try {
      const id = await host('machine-hb');
      const other = await host('machine-hb-other');
      const beat = { messageId: 'hb-1', at: new Date('2026-01-01T00:00:00Z'), cpuPercent: 12.5 };
      await dataSource
        .getRepository(HostHeartbeat)
        .insert({ ...beat, hostId: id, metrics: { cpu: { cores: 4 } } });
      // The same message id again: the key refuses it (this is what de-duplicates redelivered heartbeats)...
      await expect(
        dataSource.getRepository(HostHeartbeat).insert({ ...beat, hostId: id, cpuPercent: 99 }),
      ).rejects.toMatchObject({ driverError: uniqueViolation('host_heartbeats_pkey') });
      // ...while another host may use the same id.
      await dataSource.getRepository(HostHeartbeat).insert({ ...beat, hostId: other });
      expect(await dataSource.getRepository(HostHeartbeat).findOneByOrFail({ hostId: id })).toMatchObject({
        messageId: 'hb-1',
        cpuPercent: 12.5,
        metrics: { cpu: { cores: 4 } },
      });
      await expect(
        dataSource
          .getRepository(HostHeartbeat)
          .insert({ hostId: randomUUID(), messageId: 'hb-2', at: new Date() }),
      ).rejects.toMatchObject({ driverError: foreignKeyViolation('host_heartbeats_host_id_fkey') });
      await dataSource.getRepository(Host).delete({ id });
      expect(await dataSource.getRepository(HostHeartbeat).countBy({ hostId: id })).toBe(0);
    } finally {
      await dataSource.destroy();
    }
  });
});
