import { ConfigError, ConfigErrorCode } from './config-error';
import { KEYS, SERVICE_NAMES } from './config-keys';
import type { ConfigReader } from './config-reader';
import type {
  ApiListenConfig,
  DatabaseConfig,
  MultitenancyConfig,
  ServiceName,
  SysManageConfig,
  VaultAppRoleConfig,
  VaultBootstrapConfig,
  VaultConfig,
} from './config.types';

function registryBlock(r: ConfigReader): DatabaseConfig {
  const k = KEYS.registry;
  const password = r.get(k.password);
  return {
    host: r.value(k.host),
    port: r.value(k.port),
    name: r.require(k.name),
    user: r.require(k.user),
    ...(password === undefined ? {} : { password }),
    ssl: r.value(k.ssl),
    poolSize: r.value(k.pool_size),
  };
}

/** Keys left out of `shared:` fall back to the registry's; the password only together with the user. */
function sharedBlock(r: ConfigReader, registry: DatabaseConfig): DatabaseConfig {
  const k = KEYS.shared;
  const user = r.get(k.user);
  const password = r.get(k.password) ?? (user === undefined ? registry.password : undefined);
  return {
    host: r.get(k.host) ?? registry.host,
    port: r.get(k.port) ?? registry.port,
    name: r.get(k.name) ?? registry.name,
    user: user ?? registry.user,
    ...(password === undefined ? {} : { password }),
    ssl: r.get(k.ssl) ?? registry.ssl,
    poolSize: r.get(k.pool_size) ?? registry.poolSize,
  };
}

function multitenancyBlock(r: ConfigReader): MultitenancyConfig {
  const k = KEYS.multitenancy;
  return {
    enabled: r.value(k.enabled),
    selfServiceProvisioning: r.value(k.self_service_provisioning),
    licenseFile: r.resolvePath(r.value(k.license_file)),
    licensePublicKeyFile: r.resolvePath(r.value(k.license_public_key_file)),
  };
}

function appRoleGroup(r: ConfigReader): VaultAppRoleConfig | undefined {
  const k = KEYS.vaultAppRole;
  if (!r.isSet(k.role_id) && !r.isSet(k.secret_id_file)) return undefined;
  const because = 'vault.approle is configured';
  return {
    roleId: r.require(k.role_id, because),
    secretIdFile: r.resolvePath(r.require(k.secret_id_file, because)),
  };
}

function bootstrapGroup(r: ConfigReader): VaultBootstrapConfig | undefined {
  const k = KEYS.vaultBootstrap;
  if (!r.isSet(k.config_file) && !r.isSet(k.data_path)) return undefined;
  const because = 'vault.bootstrap is configured';
  return {
    configFile: r.resolvePath(r.require(k.config_file, because)),
    dataPath: r.resolvePath(r.require(k.data_path, because)),
  };
}

/** Null unless multi-tenancy needs it or a vault.url is given (SysManage's own `vault:` block may hold only its keys). */
function vaultBlock(r: ConfigReader, multitenancy: boolean, credentialRequired: boolean): VaultConfig | null {
  const k = KEYS.vault;
  if (!multitenancy && !r.isSet(k.url)) return null;
  const url = r.require(k.url, 'multitenancy.enabled is true');
  const token = r.get(k.token);
  const tokenFile = r.get(k.token_file);
  const approle = appRoleGroup(r);
  const bootstrap = bootstrapGroup(r);
  const methods = Object.entries({ token, token_file: tokenFile, approle })
    .filter(([, v]) => v !== undefined)
    .map(([name]) => name);
  if (methods.length > 1) {
    throw new ConfigError(
      ConfigErrorCode.INVALID_VALUE,
      'vault',
      `vault: expected at most one of token, token_file, approle, got ${methods.join(' and ')}`,
    );
  }
  if (multitenancy && credentialRequired && methods.length === 0 && bootstrap === undefined) {
    throw new ConfigError(
      ConfigErrorCode.MISSING_VALUE,
      'vault.token',
      `vault.token: missing; expected one of vault.token, vault.token_file, vault.approle or vault.bootstrap (required because multitenancy.enabled is true). Set one in ${r.sourcePath} or the environment variable SYSMANAGE_VAULT_TOKEN`,
    );
  }
  return {
    url,
    ...(token === undefined ? {} : { token }),
    ...(tokenFile === undefined ? {} : { tokenFile: r.resolvePath(tokenFile) }),
    ...(approle === undefined ? {} : { approle }),
    mountPath: r.value(k.mount_path),
    databaseMountPath: r.value(k.database_mount_path),
    ...(bootstrap === undefined ? {} : { bootstrap }),
  };
}

function apiBlock(r: ConfigReader): Record<ServiceName, ApiListenConfig> {
  const entries = SERVICE_NAMES.map(
    (s) => [s, { host: r.value(KEYS.api[s].host), port: r.value(KEYS.api[s].port) }] as const,
  );
  return Object.fromEntries(entries) as Record<ServiceName, ApiListenConfig>;
}

const sameDatabase = (a: DatabaseConfig, b: DatabaseConfig) =>
  a.host === b.host && a.port === b.port && a.name === b.name;

/** What a program needs of the config beyond its shape. */
export interface BuildConfigOptions {
  /**
   * `optional` for a program that brings its own OpenBAO credential
   * (provision-bootstrap takes an operator token and writes the services'
   * AppRoles, so the config cannot have them yet); default `required`.
   */
  vaultCredential?: 'required' | 'optional';
}

/** Assembles and validates every block; throws ConfigError at the first problem. */
export function buildConfig(
  r: ConfigReader,
  warnings: string[],
  options: BuildConfigOptions = {},
): SysManageConfig {
  const registry = registryBlock(r);
  const sharedGiven = Object.values(KEYS.shared).some((spec) => r.isSet(spec));
  const shared = sharedGiven ? sharedBlock(r, registry) : { ...registry };
  const sharedIsSeparate = sharedGiven && !sameDatabase(shared, registry);
  if (sharedGiven && !sharedIsSeparate) {
    warnings.push(
      'shared: names the registry database; the shared partition stays in the registry database (remove shared: to silence this)',
    );
  }
  const multitenancy = multitenancyBlock(r);
  return {
    sourcePath: r.sourcePath,
    registry,
    shared,
    sharedIsSeparate,
    multitenancy,
    vault: vaultBlock(r, multitenancy.enabled, options.vaultCredential !== 'optional'),
    nats: { servers: r.value(KEYS.nats.servers) },
    api: apiBlock(r),
    logging: { level: r.value(KEYS.logging.level) },
  };
}
