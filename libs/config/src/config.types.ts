/**
 * The validated configuration every process builds once at start.
 * YAML keys are snake_case (SysManage's blocks); properties here are camelCase.
 * Each property documents the YAML key and the environment override.
 */

export type ServiceName = 'registry' | 'provisioner' | 'ingest' | 'migrator';

export interface DatabaseConfig {
  /** `<block>.host` / `SYSMANAGE_<BLOCK>_HOST` */
  host: string;
  /** `<block>.port` / `SYSMANAGE_<BLOCK>_PORT`, integer 1-65535 */
  port: number;
  /** `<block>.name` / `SYSMANAGE_<BLOCK>_NAME`, the database name */
  name: string;
  /** `<block>.user` / `SYSMANAGE_<BLOCK>_USER` */
  user: string;
  /** `<block>.password` / `SYSMANAGE_<BLOCK>_PASSWORD`; no default: absent means passwordless (trust/peer) */
  password?: string;
  /** `<block>.ssl` / `SYSMANAGE_<BLOCK>_SSL`: disable | require | verify-full */
  ssl: 'disable' | 'require' | 'verify-full';
  /** `<block>.pool_size` / `SYSMANAGE_<BLOCK>_POOL_SIZE`, connections in this process's pool */
  poolSize: number;
}

export interface MultitenancyConfig {
  /** `multitenancy.enabled` / `SYSMANAGE_MULTITENANCY_ENABLED`; default false (collapsed mode) */
  enabled: boolean;
  /** `multitenancy.self_service_provisioning`: provision a tenant as soon as it is created */
  selfServiceProvisioning: boolean;
  /** `multitenancy.license_file`: the signed license JSON; absolute (default `./data/license.json` beside the config file) */
  licenseFile: string;
  /** `multitenancy.license_public_key_file`: Ed25519 public key (PEM) licenses are verified against; absolute (default `./data/license-public.pem` beside the config file) */
  licensePublicKeyFile: string;
}

export interface VaultAppRoleConfig {
  /** `vault.approle.role_id` */
  roleId: string;
  /** `vault.approle.secret_id_file`: a 0600 file holding the secret id */
  secretIdFile: string;
}

export interface VaultBootstrapConfig {
  /** `vault.bootstrap.config_file`: server config the migrator writes/uses for a local instance */
  configFile: string;
  /** `vault.bootstrap.data_path`: persistent storage and the 0600 init file */
  dataPath: string;
}

export interface VaultConfig {
  /** `vault.url` / `SYSMANAGE_VAULT_URL` */
  url: string;
  /** `vault.token` / `SYSMANAGE_VAULT_TOKEN` (development only; prefer approle) */
  token?: string;
  /** `vault.token_file`: a file holding the token */
  tokenFile?: string;
  approle?: VaultAppRoleConfig;
  /** `vault.mount_path`: KV v2 mount, default `secret` */
  mountPath: string;
  /** `vault.database_mount_path`: database secrets engine mount, default `database` */
  databaseMountPath: string;
  bootstrap?: VaultBootstrapConfig;
}

export interface NatsConfig {
  /** `nats.servers` / `SYSMANAGE_NATS_SERVERS` (comma separated) */
  servers: string[];
}

export interface ApiListenConfig {
  /** `api.<service>.host` / `SYSMANAGE_API_<SERVICE>_HOST`, default 127.0.0.1 */
  host: string;
  /** `api.<service>.port` / `SYSMANAGE_API_<SERVICE>_PORT`; defaults registry 8080, ingest 8081, provisioner 8082, migrator 8083 */
  port: number;
}

export interface LoggingConfig {
  /** `logging.level` / `SYSMANAGE_LOGGING_LEVEL`: trace|debug|info|warn|error|fatal, default info */
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}

export interface SysManageConfig {
  /** Absolute path of the YAML file this was loaded from (loadConfig always sets it; null only for configs built in code) */
  sourcePath: string | null;
  /** `registry:` (alias, deprecated: `database:`), the bootstrap/registry database */
  registry: DatabaseConfig;
  /** `shared:`; when absent the shared partition collapses onto `registry` (this is then a copy of it) */
  shared: DatabaseConfig;
  /** true when a `shared:` block was given */
  sharedIsSeparate: boolean;
  multitenancy: MultitenancyConfig;
  /** `vault:`; required (validated) when multi-tenancy is enabled; otherwise null unless `vault.url` is set */
  vault: VaultConfig | null;
  nats: NatsConfig;
  api: Record<ServiceName, ApiListenConfig>;
  logging: LoggingConfig;
}
