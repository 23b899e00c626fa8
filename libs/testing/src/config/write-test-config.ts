import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggingConfig, ServiceName } from '@sysmanage/config';
import { stringify } from 'yaml';
import { machineNatsServers, type NatsInstance } from '../nats/start-nats';
import type { OpenBaoInstance } from '../openbao/start-openbao';
import type { PgInstance } from '../postgres/pg-instance';
import { trackResource } from '../process/registry';
import { deepMerge, type YamlTree } from './deep-merge';

/** One database block: an instance plus which database/login to use (defaults: `postgres`, the superuser). */
export interface TestConfigDatabase {
  instance: PgInstance;
  database?: string;
  user?: string;
  password?: string;
  poolSize?: number;
}

export interface TestConfigInput {
  /** The `registry:` block. */
  registry: PgInstance | TestConfigDatabase;
  /** The `shared:` block; omitted = collapsed onto registry. */
  shared?: PgInstance | TestConfigDatabase;
  /** `nats.servers`; default the machine's server (machineNatsServers()). */
  nats?: NatsInstance | string[];
  multitenancy?: {
    enabled: boolean;
    selfServiceProvisioning?: boolean;
    licenseFile?: string;
    licensePublicKeyFile?: string;
  };
  /** The `vault:` block; an OpenBaoInstance gives its url and root token. */
  vault?: OpenBaoInstance | { url: string; token?: string; mountPath?: string; databaseMountPath?: string };
  /** `api.<service>.port` (host stays 127.0.0.1); 0 = any free port. */
  apiPorts?: Partial<Record<ServiceName, number>>;
  loggingLevel?: LoggingConfig['level'];
}

function isInstance(value: PgInstance | TestConfigDatabase): value is PgInstance {
  return 'superuserPassword' in value;
}

function databaseBlock(input: PgInstance | TestConfigDatabase): YamlTree {
  const db: TestConfigDatabase = isInstance(input) ? { instance: input } : input;
  const user = db.user ?? db.instance.superuser;
  const block: YamlTree = {
    host: db.instance.host,
    port: db.instance.port,
    name: db.database ?? 'postgres',
    user,
    // The superuser's password goes with the superuser only; another login brings its own (or none).
    password: db.password ?? (db.user === undefined ? db.instance.superuserPassword : undefined),
    ssl: 'disable',
    pool_size: db.poolSize,
  };
  return withoutUndefined(block);
}

function withoutUndefined(tree: YamlTree): YamlTree {
  return Object.fromEntries(Object.entries(tree).filter(([, value]) => value !== undefined));
}

function vaultBlock(vault: NonNullable<TestConfigInput['vault']>): YamlTree {
  if ('rootToken' in vault) return { url: vault.url, token: vault.rootToken };
  return withoutUndefined({
    url: vault.url,
    token: vault.token,
    mount_path: vault.mountPath,
    database_mount_path: vault.databaseMountPath,
  });
}

/** The YAML document writeTestConfig would write (snake_case keys, as loadConfig reads them). */
export function buildTestConfig(input: TestConfigInput, overrides: YamlTree = {}): YamlTree {
  const natsServers =
    input.nats === undefined
      ? machineNatsServers()
      : Array.isArray(input.nats)
        ? input.nats
        : input.nats.servers;
  const doc: YamlTree = {
    registry: databaseBlock(input.registry),
    nats: { servers: natsServers },
  };
  if (input.shared !== undefined) doc['shared'] = databaseBlock(input.shared);
  if (input.multitenancy !== undefined) {
    const mt = input.multitenancy;
    doc['multitenancy'] = withoutUndefined({
      enabled: mt.enabled,
      self_service_provisioning: mt.selfServiceProvisioning,
      license_file: mt.licenseFile,
      license_public_key_file: mt.licensePublicKeyFile,
    });
  }
  if (input.vault !== undefined) doc['vault'] = vaultBlock(input.vault);
  if (input.apiPorts !== undefined) {
    doc['api'] = Object.fromEntries(
      Object.entries(input.apiPorts).map(([service, port]) => [service, { host: '127.0.0.1', port }]),
    );
  }
  if (input.loggingLevel !== undefined) doc['logging'] = { level: input.loggingLevel };
  return deepMerge(doc, overrides);
}

/**
 * Writes a config file for a service or CLI test into a fresh temp dir (0600:
 * it holds passwords) and returns its path. The dir is removed when the
 * process exits. `overrides` is merged into the document (null deletes a key).
 */
export function writeTestConfig(input: TestConfigInput, overrides: YamlTree = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysmanage-testconfig-'));
  trackResource('config', [dir]);
  const file = join(dir, 'sysmanage.yaml');
  writeFileSync(file, stringify(buildTestConfig(input, overrides)), { mode: 0o600 });
  return file;
}
