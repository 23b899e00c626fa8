import path from 'node:path';
import { ConfigErrorCode } from './config-error';
import { configErrorOf, load, MINIMAL_YAML } from './__fixtures__/config-fixture';

describe('loadConfig: environment overrides', () => {
  it('lets the environment win over the file, key by key', () => {
    const yaml = 'registry:\n  host: file-host\n  port: 5432\n  name: file_db\n  user: file_user\n';
    const { config } = load(yaml, {
      SYSMANAGE_REGISTRY_HOST: 'env-host',
      SYSMANAGE_REGISTRY_PORT: '6432',
      SYSMANAGE_REGISTRY_PASSWORD: 'pw',
    });
    expect(config.registry).toEqual({
      host: 'env-host',
      port: 6432,
      name: 'file_db',
      user: 'file_user',
      password: 'pw',
      ssl: 'disable',
      poolSize: 10,
    });
  });

  it('can supply required keys the file leaves out', () => {
    const { config } = load('registry:\n  host: h\n', {
      SYSMANAGE_REGISTRY_NAME: 'n',
      SYSMANAGE_REGISTRY_USER: 'u',
    });
    expect(config.registry).toMatchObject({ host: 'h', name: 'n', user: 'u' });
  });

  it('treats an empty variable as unset, so the file value stays', () => {
    const { config } = load(MINIMAL_YAML, { SYSMANAGE_REGISTRY_NAME: '', SYSMANAGE_REGISTRY_PASSWORD: '' });
    expect(config.registry.name).toBe('sysmanage_registry');
    expect(config.registry).not.toHaveProperty('password');
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['yes', true],
    ['NO', false],
  ])('coerces SYSMANAGE_MULTITENANCY_SELF_SERVICE_PROVISIONING=%s', (raw, expected) => {
    const { config } = load(MINIMAL_YAML, { SYSMANAGE_MULTITENANCY_SELF_SERVICE_PROVISIONING: raw });
    expect(config.multitenancy.selfServiceProvisioning).toBe(expected);
  });

  it('validates environment strings like file values, naming the variable', () => {
    const err = configErrorOf(() => load(MINIMAL_YAML, { SYSMANAGE_MULTITENANCY_ENABLED: 'maybe' }));
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.key).toBe('multitenancy.enabled');
    expect(err.message).toBe(
      'multitenancy.enabled: expected a boolean (true/false, yes/no, 1/0), got "maybe" (from SYSMANAGE_MULTITENANCY_ENABLED)',
    );
  });

  it('turns multi-tenancy on from the environment, with vault from the environment too', () => {
    const { config } = load(MINIMAL_YAML, {
      SYSMANAGE_MULTITENANCY_ENABLED: 'true',
      SYSMANAGE_VAULT_URL: 'http://127.0.0.1:8200',
      SYSMANAGE_VAULT_TOKEN: 'dev-root',
    });
    expect(config.multitenancy.enabled).toBe(true);
    expect(config.vault).toEqual({
      url: 'http://127.0.0.1:8200',
      token: 'dev-root',
      mountPath: 'secret',
      databaseMountPath: 'database',
    });
  });

  it('splits SYSMANAGE_NATS_SERVERS on commas', () => {
    const { config } = load(`${MINIMAL_YAML}nats:\n  servers: [nats://file:4222]\n`, {
      SYSMANAGE_NATS_SERVERS: 'nats://a:4222, nats://b:4222',
    });
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('overrides nested keys: api ports, vault approle, shared, logging', () => {
    const { config } = load(MINIMAL_YAML, {
      SYSMANAGE_API_REGISTRY_PORT: '18080',
      SYSMANAGE_API_INGEST_HOST: '0.0.0.0',
      SYSMANAGE_VAULT_URL: 'http://127.0.0.1:8200',
      SYSMANAGE_VAULT_APPROLE_ROLE_ID: 'role',
      SYSMANAGE_VAULT_APPROLE_SECRET_ID_FILE: 'sid',
      SYSMANAGE_SHARED_HOST: 'shared-db',
      SYSMANAGE_LOGGING_LEVEL: 'warn',
    });
    expect(config.api.registry.port).toBe(18080);
    expect(config.api.ingest.host).toBe('0.0.0.0');
    expect(config.vault!.approle).toEqual({
      roleId: 'role',
      secretIdFile: path.join(path.dirname(config.sourcePath!), 'sid'),
    });
    expect(config.shared.host).toBe('shared-db');
    expect(config.sharedIsSeparate).toBe(true);
    expect(config.logging.level).toBe('warn');
  });

  it('warns about variables in our namespaces that match no key', () => {
    const { warnings } = load(MINIMAL_YAML, {
      SYSMANAGE_REGISTRY_HOSTNAME: 'x',
      SYSMANAGE_CONFIG_DIR: 'not ours',
      PATH: '/bin',
    });
    expect(warnings).toEqual([
      'SYSMANAGE_REGISTRY_HOSTNAME matches no configuration key and is ignored (see docs/configuration.md)',
    ]);
  });
});
