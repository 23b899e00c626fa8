import { randomUUID } from 'node:crypto';
import { TestEnvironment } from '@sysmanage/testing';
import { migrateUp } from '../__fixtures__/migrate';
import { startScratchDatabase, type ScratchDatabase } from '../__fixtures__/scratch-database';
import { createChainDataSource } from '../index';

/** Reverts the tenant chain's newest migration, as `sysmanage-migrate down` would. */
async function undoLast(db: ScratchDatabase): Promise<void> {
  const dataSource = createChainDataSource('tenant', db.connection);
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

describe('TenantHeartbeatsKeyedByMessage1764400000000 on a database with data', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;
  const host = randomUUID();

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'heartbeat_key');
    await migrateUp('tenant', db.connection);
    await undoLast(db);
    await db.query(`INSERT INTO "hosts" ("id", "hostname", "machine_id") VALUES ($1, 'h', 'm')`, [host]);
  });
  afterAll(() => env.stopAll());

  it('up keeps the earliest row of a duplicated (host, message id) and every other row', async () => {
    const beat = `INSERT INTO "host_heartbeats" ("host_id", "message_id", "at", "cpu_percent") VALUES ($1, $2, now(), $3)`;
    await db.query(beat, [host, 'hb-1', 1]);
    await db.query(beat, [host, 'hb-2', 2]);
    await db.query(beat, [host, 'hb-1', 3]);

    expect(await migrateUp('tenant', db.connection)).toEqual(['TenantHeartbeatsKeyedByMessage1764400000000']);

    const rows = await db.query<{ message_id: string; cpu_percent: number }>(
      `SELECT "message_id", "cpu_percent" FROM "host_heartbeats" ORDER BY "message_id"`,
    );
    expect(rows).toEqual([
      { message_id: 'hb-1', cpu_percent: 1 },
      { message_id: 'hb-2', cpu_percent: 2 },
    ]);
    const columns = await db.query<{ column_name: string }>(
      `SELECT "column_name" FROM information_schema.columns WHERE "table_name" = 'host_heartbeats' AND "column_name" = 'id'`,
    );
    expect(columns).toEqual([]);
  });

  it('down gives the heartbeats ids again and ledger rows, so the previous writer skips them', async () => {
    await undoLast(db);

    const rows = await db.query<{ id: string; message_id: string }>(
      `SELECT "id", "message_id" FROM "host_heartbeats" ORDER BY "message_id"`,
    );
    expect(rows.map((row) => row.message_id)).toEqual(['hb-1', 'hb-2']);
    expect(new Set(rows.map((row) => row.id)).size).toBe(2);
    const ledger = await db.query<{ message_id: string; type: string }>(
      `SELECT "message_id", "type" FROM "processed_messages" WHERE "host_id" = $1 ORDER BY "message_id"`,
      [host],
    );
    expect(ledger).toEqual([
      { message_id: 'hb-1', type: 'heartbeat' },
      { message_id: 'hb-2', type: 'heartbeat' },
    ]);
  });
});
