import { getMetadataArgsStorage } from 'typeorm';
import {
  CHAIN_ORDER,
  CHAINS,
  chainDefinition,
  chainHead,
  chainMigrationNames,
  createChainDataSource,
  SchemaError,
  SchemaErrorCode,
} from './index';

describe('chains', () => {
  it('are applied registry, shared, tenant', () => {
    expect(CHAIN_ORDER).toEqual(['registry', 'shared', 'tenant']);
    expect(Object.keys(CHAINS).sort()).toEqual(['registry', 'shared', 'tenant']);
  });

  it('each has its own version table and prefix', () => {
    expect(CHAIN_ORDER.map((c) => [CHAINS[c].migrationsTableName, CHAINS[c].tablePrefix])).toEqual([
      ['registry_migrations', 'registry_'],
      ['shared_migrations', 'shared_'],
      ['tenant_migrations', null],
    ]);
  });

  it('list migrations in timestamp order with TypeORM-valid names, and expose the head', () => {
    for (const chain of CHAIN_ORDER) {
      const names = chainMigrationNames(chain);
      const stamps = names.map((n) => Number(/(\d{13})$/.exec(n)?.[1]));
      expect(stamps.every((s) => Number.isFinite(s))).toBe(true);
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
      expect(new Set(names).size).toBe(names.length);
      expect(chainHead(chain)).toBe(names[names.length - 1]);
    }
    expect(chainHead('registry')).toBe('RegistryInitial1764300000000');
    expect(chainHead('shared')).toBe('SharedSeedReferenceData1764300000001');
    expect(chainHead('tenant')).toBe('TenantHeartbeatsKeyedByMessage1764400000000');
  });

  it('name every migration instance after its class (what TypeORM records)', () => {
    for (const chain of CHAIN_ORDER) {
      for (const migration of CHAINS[chain].migrations) expect(new migration().name).toBe(migration.name);
    }
  });

  it('keep entity table names inside their partition', () => {
    const tables = getMetadataArgsStorage().tables;
    const tableOf = (target: unknown) => tables.find((t) => t.target === target)?.name ?? '';
    expect(CHAINS.registry.entities.map(tableOf).every((n) => n.startsWith('registry_'))).toBe(true);
    expect(CHAINS.shared.entities.map(tableOf).every((n) => n.startsWith('shared_'))).toBe(true);
    expect(CHAINS.tenant.entities.map(tableOf).some((n) => /^(registry|shared)_/.test(n))).toBe(false);
    expect(CHAINS.tenant.entities.map(tableOf)).toContain('hosts');
  });

  it('refuse an unknown chain name with the valid ones in the message', () => {
    expect(() => chainDefinition('tenants')).toThrow(SchemaError);
    expect(() => chainDefinition('tenants')).toThrow(
      expect.objectContaining({
        code: SchemaErrorCode.UNKNOWN_CHAIN,
        message: 'unknown migration chain "tenants": expected one of registry, shared, tenant',
      }),
    );
  });
});

describe('createChainDataSource', () => {
  it('builds an uninitialised postgres DataSource that never synchronises or auto-migrates', () => {
    const ds = createChainDataSource('tenant', {
      host: '127.0.0.1',
      port: 5432,
      user: 'u',
      database: 'tenant_acme',
    });
    expect(ds.isInitialized).toBe(false);
    expect(ds.options).toMatchObject({
      type: 'postgres',
      database: 'tenant_acme',
      synchronize: false,
      migrationsRun: false,
      migrationsTableName: 'tenant_migrations',
      installExtensions: false,
      logging: false,
    });
    expect(ds.options.migrations).toEqual(CHAINS.tenant.migrations);
    expect(ds.options.entities).toEqual(CHAINS.tenant.entities);
  });

  it('turns logging on only when asked', () => {
    expect(createChainDataSource('shared', { database: 'x' }, { logging: true }).options.logging).toBe(true);
  });

  it('refuses an unknown chain before building anything', () => {
    expect(() => createChainDataSource('global' as never, { database: 'x' })).toThrow(
      expect.objectContaining({ code: SchemaErrorCode.UNKNOWN_CHAIN }),
    );
  });
});
