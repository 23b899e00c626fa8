import type { DatabaseConfig, SysManageConfig } from '@sysmanage/config';

export function dbConfig(name: string, host = 'db.local', port = 5432): DatabaseConfig {
  return { host, port, name, user: 'sysmanage', ssl: 'disable', poolSize: 5 };
}

/** A validated-looking config for unit tests; `shared` separate when a name is given. */
export function sysConfig(opts: { multitenancy?: boolean; sharedName?: string } = {}): SysManageConfig {
  const registry = dbConfig('sysmanage_registry');
  return {
    sourcePath: null,
    registry,
    shared: opts.sharedName === undefined ? { ...registry } : dbConfig(opts.sharedName, 'shared.local', 6432),
    sharedIsSeparate: opts.sharedName !== undefined,
    multitenancy: {
      enabled: opts.multitenancy ?? false,
      selfServiceProvisioning: false,
      licenseFile: './license.json',
      licensePublicKeyFile: './license.pub',
    },
    vault: null,
    nats: { servers: ['nats://127.0.0.1:4222'] },
    api: {
      registry: { host: '127.0.0.1', port: 8080 },
      ingest: { host: '127.0.0.1', port: 8081 },
      provisioner: { host: '127.0.0.1', port: 8082 },
      migrator: { host: '127.0.0.1', port: 8083 },
    },
    logging: { level: 'info' },
  };
}
