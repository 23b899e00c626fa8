import path from 'node:path';
import { ConfigErrorCode } from './config-error';
import { loadConfig } from './load-config';
import { configErrorOf, load, MINIMAL_YAML } from './__fixtures__/config-fixture';

const FULL = `
registry:
  host: db.internal
  port: 6543
  name: sysmanage_registry
  user: sysmanage
  password: s3cret
  ssl: verify-full
  pool_size: 25
shared:
  name: sysmanage_shared
multitenancy:
  enabled: true
  self_service_provisioning: yes
  license_file: lic/license.json
  license_public_key_file: /etc/sysmanage/license-public.pem
vault:
  url: https://bao.internal:8200
  approle:
    role_id: role-123
    secret_id_file: secrets/secret-id
  mount_path: kv
  database_mount_path: db
  bootstrap:
    config_file: ./openbao.hcl
    data_path: ./data/openbao
nats:
  servers: [nats://n1:4222, tls://n2:4222]
api:
  registry: { host: 0.0.0.0, port: 9080 }
  migrator: { port: 0 }
logging:
  level: debug
security:          # SysManage's own block: ignored
  jwt_secret: whatever
`;

describe('loadConfig: blocks', () => {
  it('reads every block of a full file, resolving relative paths against its directory', () => {
    const { config, warnings } = load(FULL);
    const dir = path.dirname(config.sourcePath!);
    expect(warnings).toEqual([]);
    expect(config.registry).toEqual({
      host: 'db.internal',
      port: 6543,
      name: 'sysmanage_registry',
      user: 'sysmanage',
      password: 's3cret',
      ssl: 'verify-full',
      poolSize: 25,
    });
    expect(config.shared).toEqual({ ...config.registry, name: 'sysmanage_shared' });
    expect(config.sharedIsSeparate).toBe(true);
    expect(config.multitenancy).toEqual({
      enabled: true,
      selfServiceProvisioning: true,
      licenseFile: path.join(dir, 'lic/license.json'),
      licensePublicKeyFile: '/etc/sysmanage/license-public.pem',
    });
    expect(config.vault).toEqual({
      url: 'https://bao.internal:8200',
      approle: { roleId: 'role-123', secretIdFile: path.join(dir, 'secrets/secret-id') },
      mountPath: 'kv',
      databaseMountPath: 'db',
      bootstrap: { configFile: path.join(dir, 'openbao.hcl'), dataPath: path.join(dir, 'data/openbao') },
    });
    expect(config.nats.servers).toEqual(['nats://n1:4222', 'tls://n2:4222']);
    expect(config.api).toEqual({
      registry: { host: '0.0.0.0', port: 9080 },
      ingest: { host: '127.0.0.1', port: 8081 },
      provisioner: { host: '127.0.0.1', port: 8082 },
      migrator: { host: '127.0.0.1', port: 0 },
    });
    expect(config.logging.level).toBe('debug');
  });

  it('applies the defaults of a minimal file (collapsed mode)', () => {
    const { config, warnings } = load(MINIMAL_YAML);
    const dir = path.dirname(config.sourcePath!);
    expect(warnings).toEqual([]);
    expect(config.registry).toEqual({
      host: 'localhost',
      port: 5432,
      name: 'sysmanage_registry',
      user: 'sysmanage',
      ssl: 'disable',
      poolSize: 10,
    });
    expect(config.shared).toEqual(config.registry);
    expect(config.shared).not.toBe(config.registry);
    expect(config.sharedIsSeparate).toBe(false);
    expect(config.multitenancy).toEqual({
      enabled: false,
      selfServiceProvisioning: false,
      licenseFile: path.join(dir, 'data/license.json'),
      licensePublicKeyFile: path.join(dir, 'data/license-public.pem'),
    });
    expect(config.vault).toBeNull();
    expect(config.nats.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(config.api.registry).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.api.ingest.port).toBe(8081);
    expect(config.api.provisioner.port).toBe(8082);
    expect(config.api.migrator.port).toBe(8083);
    expect(config.logging.level).toBe('info');
  });

  it('accepts the deprecated database: block with a warning', () => {
    const { config, warnings } = load('database:\n  name: legacy\n  user: sysmanage\n  port: 5433\n');
    expect(config.registry.name).toBe('legacy');
    expect(config.registry.port).toBe(5433);
    expect(warnings).toEqual(['database: is deprecated, rename it to registry:']);
  });

  it('rejects database: and registry: together', () => {
    const err = configErrorOf(() => load(`${MINIMAL_YAML}database:\n  name: other\n`));
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.key).toBe('database');
    expect(err.message).toBe(
      'database: and registry: are both present; database: is the deprecated name of registry:, keep only registry:',
    );
  });

  it('names unknown keys inside a deprecated database: block as written', () => {
    const err = configErrorOf(() => load('database:\n  name: legacy\n  user: u\n  hostname: x\n'));
    expect(err.code).toBe(ConfigErrorCode.UNKNOWN_KEY);
    expect(err.key).toBe('database.hostname');
  });

  it('treats an empty shared: (as in the documented example) as absent', () => {
    const { config } = load(`${MINIMAL_YAML}shared:\n`);
    expect(config.sharedIsSeparate).toBe(false);
    expect(config.shared).toEqual(config.registry);
  });

  it('inherits the password into shared: only together with the user', () => {
    const base = 'registry: {name: reg, user: owner, password: pw1}\n';
    expect(load(`${base}shared: {name: sh}\n`).config.shared).toMatchObject({
      user: 'owner',
      password: 'pw1',
    });
    const ownUser = load(`${base}shared: {name: sh, user: reader}\n`).config.shared;
    expect(ownUser.user).toBe('reader');
    expect(ownUser).not.toHaveProperty('password');
  });

  it('warns and stays collapsed when shared: names the registry database', () => {
    const { config, warnings } = load(`${MINIMAL_YAML}shared:\n  pool_size: 3\n`);
    expect(config.sharedIsSeparate).toBe(false);
    expect(config.shared.poolSize).toBe(3);
    expect(warnings).toEqual([
      'shared: names the registry database; the shared partition stays in the registry database (remove shared: to silence this)',
    ]);
  });

  it("ignores SysManage's own blocks and its own keys inside shared blocks", () => {
    const yaml = `${MINIMAL_YAML}
api: {host: sysmanage.example.com, port: 443, certFile: /c.pem, registry: {port: 9000}}
logging: {level: "INFO|WARNING|ERROR|CRITICAL", format: text, file: /var/log/x}
vault: {enabled: false, url: "http://localhost:8200", token: "", timeout: 30, verify_ssl: true, dev_mode: true}
email: {smtp: {host: mail}}
`;
    const { config } = load(yaml);
    expect(config.api.registry.port).toBe(9000);
    expect(config.logging.level).toBe('info');
    expect(config.vault).toEqual({
      url: 'http://localhost:8200',
      mountPath: 'secret',
      databaseMountPath: 'database',
    });
  });

  it('maps SysManage log level names onto pino levels', () => {
    expect(load(`${MINIMAL_YAML}logging: {level: WARNING}\n`).config.logging.level).toBe('warn');
    expect(load(`${MINIMAL_YAML}logging: {level: CRITICAL}\n`).config.logging.level).toBe('fatal');
    expect(load(`${MINIMAL_YAML}logging: {level: "ERROR|DEBUG"}\n`).config.logging.level).toBe('debug');
  });

  it('UNKNOWN_KEY names the key and lists the allowed ones', () => {
    const err = configErrorOf(() => load(`${MINIMAL_YAML}multitenancy:\n  enable: true\n`));
    expect(err.code).toBe(ConfigErrorCode.UNKNOWN_KEY);
    expect(err.key).toBe('multitenancy.enable');
    expect(err.message).toBe(
      'multitenancy.enable: unknown key; the keys allowed in multitenancy are enabled, self_service_provisioning, license_file, license_public_key_file',
    );
  });

  it('UNKNOWN_KEY inside nested groups and for unknown services', () => {
    expect(configErrorOf(() => load(`${MINIMAL_YAML}vault:\n  approle:\n    role: x\n`)).key).toBe(
      'vault.approle.role',
    );
    const err = configErrorOf(() => load(`${MINIMAL_YAML}api:\n  console:\n    port: 1\n`));
    expect(err.code).toBe(ConfigErrorCode.UNKNOWN_KEY);
    expect(err.message).toBe(
      'api.console: unknown key; the keys allowed in api are registry, ingest, provisioner, migrator',
    );
  });

  it('rejects a block that is not a mapping', () => {
    const err = configErrorOf(() => load(`${MINIMAL_YAML}nats: nats://x:4222\n`));
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.key).toBe('nats');
    expect(err.message).toBe('nats: expected a mapping of keys, got "nats://x:4222"');
  });
});

describe('loadConfig: vault rules', () => {
  const MT = `${MINIMAL_YAML}multitenancy:\n  enabled: true\n`;

  it('requires vault.url when multi-tenancy is enabled', () => {
    const err = configErrorOf(() => load(MT));
    expect(err.code).toBe(ConfigErrorCode.MISSING_VALUE);
    expect(err.key).toBe('vault.url');
    expect(err.message).toMatch(
      /^vault\.url: missing; expected a URL \(http:\/\/ or https:\/\/\) \(required because multitenancy\.enabled is true\)\. Set vault\.url in \/.+\/sysmanage\.yaml or the environment variable SYSMANAGE_VAULT_URL$/,
    );
  });

  it('requires a way to authenticate when multi-tenancy is enabled', () => {
    const err = configErrorOf(() => load(`${MT}vault:\n  url: http://127.0.0.1:8200\n`));
    expect(err.code).toBe(ConfigErrorCode.MISSING_VALUE);
    expect(err.key).toBe('vault.token');
    expect(err.message).toContain(
      'expected one of vault.token, vault.token_file, vault.approle or vault.bootstrap (required because multitenancy.enabled is true)',
    );
  });

  it('leaves the credential to a program that brings its own (vaultCredential: optional), still checking the rest', () => {
    const { config } = load(
      `${MT}vault:\n  url: http://127.0.0.1:8200\n`,
      {},
      { vaultCredential: 'optional' },
    );
    expect(config.vault).toMatchObject({ url: 'http://127.0.0.1:8200' });
    expect(config.vault).not.toHaveProperty('token');
    expect(config.vault).not.toHaveProperty('approle');
    expect(configErrorOf(() => load(MT, {}, { vaultCredential: 'optional' })).key).toBe('vault.url');
  });

  it('accepts a token file, resolved against the config directory', () => {
    const { config } = load(`${MT}vault:\n  url: http://127.0.0.1:8200\n  token_file: ./token\n`);
    expect(config.vault!.tokenFile).toBe(path.join(path.dirname(config.sourcePath!), 'token'));
    expect(config.vault!.token).toBeUndefined();
  });

  it('rejects more than one auth method', () => {
    const err = configErrorOf(() =>
      load(
        `${MT}vault:\n  url: http://127.0.0.1:8200\n  token: t\n  approle: {role_id: r, secret_id_file: f}\n`,
      ),
    );
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.key).toBe('vault');
    expect(err.message).toBe(
      'vault: expected at most one of token, token_file, approle, got token and approle',
    );
  });

  it('requires both keys of a half-configured group', () => {
    const approle = configErrorOf(() =>
      load(`${MT}vault:\n  url: http://127.0.0.1:8200\n  approle: {role_id: r}\n`),
    );
    expect(approle.code).toBe(ConfigErrorCode.MISSING_VALUE);
    expect(approle.key).toBe('vault.approle.secret_id_file');
    expect(approle.message).toContain('(required because vault.approle is configured)');
    const bootstrap = configErrorOf(() =>
      load(`${MT}vault:\n  url: http://127.0.0.1:8200\n  bootstrap: {data_path: ./d}\n`),
    );
    expect(bootstrap.key).toBe('vault.bootstrap.config_file');
  });

  it('rejects a vault.url that is not http(s)', () => {
    const err = configErrorOf(() => load(`${MINIMAL_YAML}vault:\n  url: bao.internal:8200\n`));
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.message).toBe('vault.url: expected a URL (http:// or https://), got "bao.internal:8200"');
  });
});

describe('the repository example file', () => {
  it('loads sysmanage-dev.example.yaml as shipped (collapsed mode)', () => {
    const example = path.resolve(__dirname, '../../../sysmanage-dev.example.yaml');
    const { config, warnings } = loadConfig({ path: example, env: {}, argv: [] });
    expect(warnings).toEqual([]);
    expect(config.multitenancy.enabled).toBe(false);
    expect(config.sharedIsSeparate).toBe(false);
    expect(config.registry.name).toBe('sysmanage');
  });
});
