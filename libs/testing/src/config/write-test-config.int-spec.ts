import { statSync, readFileSync } from 'node:fs';
import { loadConfig } from '@sysmanage/config';
import { parse } from 'yaml';
import { startPostgres, writeTestConfig, type PgInstance } from '../index';

describe('writeTestConfig', () => {
  let registry: PgInstance;
  let shared: PgInstance;

  beforeAll(async () => {
    [registry, shared] = await Promise.all([
      startPostgres({ name: 'cfg-registry' }),
      startPostgres({ name: 'cfg-shared' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([registry.stop(), shared.stop()]);
  });

  it('writes a 0600 YAML file that loadConfig reads back as the instances', () => {
    const path = writeTestConfig({
      registry: { instance: registry, database: 'sysmanage_registry' },
      shared: { instance: shared, database: 'sysmanage_shared', poolSize: 3 },
      nats: ['nats://127.0.0.1:14222'],
      multitenancy: { enabled: false, selfServiceProvisioning: true },
      vault: { url: 'http://127.0.0.1:18200', token: 'dev-token' },
      apiPorts: { registry: 0, ingest: 18081 },
      loggingLevel: 'warn',
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const { config } = loadConfig({ path, argv: [], env: {} });
    expect(config.registry).toMatchObject({
      host: '127.0.0.1',
      port: registry.port,
      name: 'sysmanage_registry',
      user: 'postgres',
      password: registry.superuserPassword,
      ssl: 'disable',
    });
    expect(config.sharedIsSeparate).toBe(true);
    expect(config.shared).toMatchObject({
      port: shared.port,
      name: 'sysmanage_shared',
      password: shared.superuserPassword,
      poolSize: 3,
    });
    expect(config.nats.servers).toEqual(['nats://127.0.0.1:14222']);
    expect(config.multitenancy).toMatchObject({ enabled: false, selfServiceProvisioning: true });
    expect(config.vault).toMatchObject({ url: 'http://127.0.0.1:18200', token: 'dev-token' });
    expect(config.api.registry).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.api.ingest).toEqual({ host: '127.0.0.1', port: 18081 });
    expect(config.logging.level).toBe('warn');
  });

  it('defaults to the superuser, the postgres database and the machine NATS; a login of its own brings no superuser password', () => {
    const path = writeTestConfig({ registry, shared: { instance: registry, user: 'app' } });
    const doc = parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(doc['registry']).toMatchObject({
      name: 'postgres',
      user: 'postgres',
      password: registry.superuserPassword,
    });
    expect(doc['shared']).toEqual({
      host: '127.0.0.1',
      port: registry.port,
      name: 'postgres',
      user: 'app',
      ssl: 'disable',
    });
    expect(doc['nats']).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(doc['vault']).toBeUndefined();
  });

  it('merges overrides into the document, null deleting a key', () => {
    const path = writeTestConfig(
      { registry },
      { registry: { port: 1, password: null }, logging: { level: 'debug' } },
    );
    const doc = parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(doc['registry']).toEqual({
      host: '127.0.0.1',
      port: 1,
      name: 'postgres',
      user: 'postgres',
      ssl: 'disable',
    });
    expect(doc['logging']).toEqual({ level: 'debug' });
  });
});
