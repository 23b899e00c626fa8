import type { DatabaseConfig } from '@sysmanage/config';
import { toPostgresConnectionFields } from './connection-options';
import { SchemaError, SchemaErrorCode } from './schema-error';

const databaseConfig: DatabaseConfig = {
  host: 'db.internal',
  port: 6432,
  name: 'sysmanage_registry',
  user: 'sysmanage',
  password: 'pw',
  ssl: 'disable',
  poolSize: 7,
};

describe('toPostgresConnectionFields', () => {
  it('maps a DatabaseConfig block (name -> database, user -> username, pool size -> pg max)', () => {
    expect(toPostgresConnectionFields(databaseConfig)).toEqual({
      host: 'db.internal',
      port: 6432,
      username: 'sysmanage',
      password: 'pw',
      database: 'sysmanage_registry',
      extra: { max: 7, ssl: false },
    });
  });

  it.each([
    ['require', { rejectUnauthorized: false }],
    ['verify-full', { rejectUnauthorized: true }],
  ] as const)('ssl %s becomes pg TLS options %j', (ssl, expected) => {
    expect(toPostgresConnectionFields({ ...databaseConfig, ssl }).extra.ssl).toEqual(expected);
  });

  it('refuses a DatabaseConfig without a database name, naming what is missing', () => {
    const attempt = () => toPostgresConnectionFields({ ...databaseConfig, name: '' });
    expect(attempt).toThrow(SchemaError);
    expect(attempt).toThrow(
      expect.objectContaining({
        code: SchemaErrorCode.INVALID_CONNECTION,
        message: expect.stringContaining('name=""'),
      }),
    );
  });

  it('maps a pg ClientConfig and passes unknown pg settings through to the pool', () => {
    expect(
      toPostgresConnectionFields({
        host: '127.0.0.1',
        port: 5433,
        user: 'postgres',
        password: 'secret',
        database: 'tenant_acme',
        ssl: false,
        statement_timeout: 5000,
        application_name: 'sysmanage-migrate',
      }),
    ).toEqual({
      url: undefined,
      host: '127.0.0.1',
      port: 5433,
      username: 'postgres',
      password: 'secret',
      database: 'tenant_acme',
      extra: { ssl: false, statement_timeout: 5000, application_name: 'sysmanage-migrate' },
    });
  });

  it('turns a pg password callback (sync or async) into the promise-returning form TypeORM takes', async () => {
    const sync = toPostgresConnectionFields({ database: 'd', password: () => 'from-lease' });
    const async = toPostgresConnectionFields({ database: 'd', password: async () => 'from-async-lease' });
    expect(typeof sync.password).toBe('function');
    await expect((sync.password as () => Promise<string>)()).resolves.toBe('from-lease');
    await expect((async.password as () => Promise<string>)()).resolves.toBe('from-async-lease');
  });

  it('accepts a connection string naming the database', () => {
    expect(toPostgresConnectionFields({ connectionString: 'postgresql://u@h/db' })).toMatchObject({
      url: 'postgresql://u@h/db',
    });
  });

  it('refuses a ClientConfig with no database at all (never an implicit default database)', () => {
    expect(() => toPostgresConnectionFields({ host: 'h', user: 'u' })).toThrow(
      expect.objectContaining({
        name: 'SchemaError',
        code: SchemaErrorCode.INVALID_CONNECTION,
        message: expect.stringMatching(/needs a database/),
      }),
    );
  });
});
