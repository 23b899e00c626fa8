import type { ServiceName } from './config.types';
import { loggingLevelValue } from './logging-level';
import {
  booleanValue,
  enumValue,
  integerValue,
  pathValue,
  stringValue,
  urlListValue,
  urlValue,
  type ValueType,
} from './value-types';

/**
 * When a key must have a value:
 * - always: every process needs it (no default exists);
 * - group: when any key of its group is set (`vault.approle.*`, `vault.bootstrap.*`);
 * - multitenancy: when `multitenancy.enabled` is true (vault.url);
 * - optional: never (it has a default, inherits, or may stay unset).
 */
export type ConfigKeyRequirement = 'always' | 'group' | 'multitenancy' | 'optional';

/** One configuration key: the single source for the loader, its messages and docs/configuration.md. */
export interface ConfigKeySpec<T> {
  /** Dotted YAML path, snake_case as in the file: `registry.pool_size`. */
  readonly key: string;
  readonly type: ValueType<T>;
  /** Used when neither the file nor the environment sets the key. Secrets never have one. */
  readonly default?: T;
  /** Another key whose value this one takes when unset (`shared.host` from `registry.host`). */
  readonly inheritsFrom?: string;
  readonly required: ConfigKeyRequirement;
  /** Never echoed in messages or logs. */
  readonly secret?: boolean;
  readonly description: string;
}

/** `registry.pool_size` -> `SYSMANAGE_REGISTRY_POOL_SIZE`. */
export function envVarName(key: string): string {
  return `SYSMANAGE_${key.replace(/\./g, '_').toUpperCase()}`;
}

export const SERVICE_NAMES: readonly ServiceName[] = ['registry', 'ingest', 'provisioner', 'migrator'];

export const DEFAULT_API_PORTS: Readonly<Record<ServiceName, number>> = {
  registry: 8080,
  ingest: 8081,
  provisioner: 8082,
  migrator: 8083,
};

const portValue = integerValue(1, 65535);
const sslValue = enumValue(['disable', 'require', 'verify-full'] as const);

const REGISTRY_KEYS = {
  host: {
    key: 'registry.host',
    type: stringValue,
    default: 'localhost',
    required: 'optional',
    description: 'PostgreSQL host of the bootstrap/registry database',
  },
  port: {
    key: 'registry.port',
    type: portValue,
    default: 5432,
    required: 'optional',
    description: 'PostgreSQL port of the bootstrap/registry database',
  },
  name: {
    key: 'registry.name',
    type: stringValue,
    required: 'always',
    description:
      'Database of the registry partition (registry_* tables; also shared_* unless shared: is set, and all data in collapsed mode)',
  },
  user: {
    key: 'registry.user',
    type: stringValue,
    required: 'always',
    description: 'Login role for the registry database',
  },
  password: {
    key: 'registry.password',
    type: stringValue,
    required: 'optional',
    secret: true,
    description:
      'Password of registry.user; unset means passwordless (trust/peer/certificate) authentication',
  },
  ssl: {
    key: 'registry.ssl',
    type: sslValue,
    default: 'disable' as const,
    required: 'optional',
    description: 'TLS mode towards the registry database',
  },
  pool_size: {
    key: 'registry.pool_size',
    type: integerValue(1, 1000),
    default: 10,
    required: 'optional',
    description: 'Connections this process may hold open to the registry database',
  },
} satisfies Record<string, ConfigKeySpec<unknown>>;

type RegistryField = keyof typeof REGISTRY_KEYS;

const SHARED_DESCRIPTIONS: Readonly<Record<RegistryField, string>> = {
  host: 'PostgreSQL host of the shared-partition database',
  port: 'PostgreSQL port of the shared-partition database',
  name: 'Database of the shared partition (shared_* tables)',
  user: 'Login role for the shared-partition database',
  password:
    'Password of shared.user; inherited from registry.password only when shared.user is inherited too',
  ssl: 'TLS mode towards the shared-partition database',
  pool_size: 'Connections this process may hold open to the shared-partition database',
};

type SpecValue<S> = S extends ConfigKeySpec<infer T> ? T : never;

/** `shared.*` mirrors `registry.*`; a key left out takes the registry's value. */
function sharedKeys(): {
  readonly [F in RegistryField]: ConfigKeySpec<SpecValue<(typeof REGISTRY_KEYS)[F]>>;
} {
  const entries = Object.entries(REGISTRY_KEYS).map(([field, spec]) => {
    const { default: _unused, ...rest } = spec as ConfigKeySpec<unknown>;
    const description = SHARED_DESCRIPTIONS[field as RegistryField];
    return [
      field,
      {
        ...rest,
        key: `shared.${field}`,
        required: 'optional',
        inheritsFrom: `registry.${field}`,
        description,
      },
    ];
  });
  return Object.fromEntries(entries) as ReturnType<typeof sharedKeys>;
}

function apiKeys(service: ServiceName) {
  return {
    host: {
      key: `api.${service}.host`,
      type: stringValue,
      default: '127.0.0.1',
      required: 'optional',
      description: `Interface the ${service} service listens on`,
    },
    port: {
      key: `api.${service}.port`,
      // 0 asks the OS for a free port (tests run several services side by side).
      type: integerValue(0, 65535),
      default: DEFAULT_API_PORTS[service],
      required: 'optional',
      description: `HTTP port of the ${service} service (0 = any free port)`,
    },
  } satisfies Record<string, ConfigKeySpec<unknown>>;
}

/** Every key, grouped the way the loader assembles SysManageConfig. */
export const KEYS = {
  registry: REGISTRY_KEYS,
  shared: sharedKeys(),
  multitenancy: {
    enabled: {
      key: 'multitenancy.enabled',
      type: booleanValue,
      default: false,
      required: 'optional',
      description:
        'Database-per-tenant mode (licensed, tier MULTITENANT_SAAS); false = collapsed single-tenant mode',
    },
    self_service_provisioning: {
      key: 'multitenancy.self_service_provisioning',
      type: booleanValue,
      default: false,
      required: 'optional',
      description: 'Provision a tenant as soon as it is created, without an operator step',
    },
    license_file: {
      key: 'multitenancy.license_file',
      type: pathValue,
      default: './data/license.json',
      required: 'optional',
      description: 'Signed license JSON, checked at start when multitenancy.enabled is true',
    },
    license_public_key_file: {
      key: 'multitenancy.license_public_key_file',
      type: pathValue,
      default: './data/license-public.pem',
      required: 'optional',
      description: 'Ed25519 public key (PEM) the license signature is verified against',
    },
  },
  vault: {
    url: {
      key: 'vault.url',
      type: urlValue(['http', 'https']),
      required: 'multitenancy',
      description: 'OpenBAO/Vault address; required when multitenancy.enabled is true',
    },
    token: {
      key: 'vault.token',
      type: stringValue,
      required: 'optional',
      secret: true,
      description: 'Token (development only; prefer approle). At most one of token, token_file, approle',
    },
    token_file: {
      key: 'vault.token_file',
      type: pathValue,
      required: 'optional',
      description: 'File holding the token',
    },
    mount_path: {
      key: 'vault.mount_path',
      type: stringValue,
      default: 'secret',
      required: 'optional',
      description: 'KV v2 mount',
    },
    database_mount_path: {
      key: 'vault.database_mount_path',
      type: stringValue,
      default: 'database',
      required: 'optional',
      description: 'Database secrets engine mount',
    },
  },
  vaultAppRole: {
    role_id: {
      key: 'vault.approle.role_id',
      type: stringValue,
      required: 'group',
      description: 'AppRole role id',
    },
    secret_id_file: {
      key: 'vault.approle.secret_id_file',
      type: pathValue,
      required: 'group',
      description: 'A 0600 file holding the AppRole secret id',
    },
  },
  vaultBootstrap: {
    config_file: {
      key: 'vault.bootstrap.config_file',
      type: pathValue,
      required: 'group',
      description: 'Server config the migrator uses to start a local OpenBAO for a run',
    },
    data_path: {
      key: 'vault.bootstrap.data_path',
      type: pathValue,
      required: 'group',
      description: 'Storage of that local OpenBAO, and its 0600 init file',
    },
  },
  nats: {
    servers: {
      key: 'nats.servers',
      type: urlListValue(['nats', 'tls']),
      default: ['nats://127.0.0.1:4222'],
      required: 'optional',
      description: 'NATS servers (JetStream enabled); comma-separated in the environment',
    },
  },
  api: Object.fromEntries(SERVICE_NAMES.map((s) => [s, apiKeys(s)])) as Record<
    ServiceName,
    ReturnType<typeof apiKeys>
  >,
  logging: {
    level: {
      key: 'logging.level',
      type: loggingLevelValue,
      default: 'info' as const,
      required: 'optional',
      description: "Minimum log level; SysManage's names (WARNING, CRITICAL, pipe lists) are accepted",
    },
  },
} satisfies Record<string, Record<string, ConfigKeySpec<unknown> | Record<string, ConfigKeySpec<unknown>>>>;

/**
 * Keys SysManage itself defines inside blocks this project shares with it.
 * They are recognised and ignored, so one file can serve both programs.
 */
export const SYSMANAGE_OWN_KEYS: readonly string[] = [
  'api.host',
  'api.port',
  'api.certFile',
  'api.chainFile',
  'api.keyFile',
  'logging.format',
  'logging.file',
  'vault.enabled',
  'vault.timeout',
  'vault.verify_ssl',
  'vault.dev_mode',
  'vault.server',
];

/** The top-level blocks this project owns; every other block in the file belongs to SysManage and is ignored. */
export const OWN_BLOCKS: readonly string[] = [
  'registry',
  'shared',
  'multitenancy',
  'vault',
  'nats',
  'api',
  'logging',
];

function isSpec(node: object): node is ConfigKeySpec<unknown> {
  return 'key' in node && 'type' in node;
}

function flatten(node: object): ConfigKeySpec<unknown>[] {
  return isSpec(node) ? [node] : Object.values(node).flatMap((child: object) => flatten(child));
}

/** Every key spec, in document order. */
export const ALL_KEY_SPECS: readonly ConfigKeySpec<unknown>[] = flatten(KEYS);
