import type { SysManageConfig } from '@sysmanage/config';

const DB = {
  host: 'localhost',
  port: 5432,
  name: 'sysmanage',
  user: 'sysmanage',
  ssl: 'disable' as const,
  poolSize: 10,
};

/** A loaded-looking config for the gate, without touching the filesystem. */
export function configWith(multitenancy: {
  enabled: boolean;
  licenseFile?: string;
  publicKeyFile?: string;
}): SysManageConfig {
  return {
    sourcePath: '/etc/sysmanage.yaml',
    registry: DB,
    shared: { ...DB },
    sharedIsSeparate: false,
    multitenancy: {
      enabled: multitenancy.enabled,
      selfServiceProvisioning: false,
      licenseFile: multitenancy.licenseFile ?? '/nonexistent/license.json',
      licensePublicKeyFile: multitenancy.publicKeyFile ?? '/nonexistent/license-public.pem',
    },
    vault: multitenancy.enabled
      ? { url: 'http://127.0.0.1:8200', token: 't', mountPath: 'secret', databaseMountPath: 'database' }
      : null,
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
