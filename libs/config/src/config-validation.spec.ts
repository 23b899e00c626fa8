import { ConfigErrorCode } from './config-error';
import { CONFIG_KEYS } from './config-key-list';
import { configErrorOf, load, MINIMAL_YAML } from './__fixtures__/config-fixture';

describe('loadConfig: validation messages', () => {
  it('registry.port: abc', () => {
    const err = configErrorOf(() => load('registry:\n  name: n\n  user: u\n  port: abc\n'));
    expect(err.name).toBe('ConfigError');
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.key).toBe('registry.port');
    expect(err.message).toBe('registry.port: expected an integer 1-65535, got "abc"');
  });

  it.each([
    [
      'registry:\n  name: n\n  user: u\n  port: 70000\n',
      'registry.port: expected an integer 1-65535, got 70000',
    ],
    [
      'registry:\n  name: n\n  user: u\n  port: 54.5\n',
      'registry.port: expected an integer 1-65535, got 54.5',
    ],
    [
      'registry:\n  name: n\n  user: u\n  ssl: prefer\n',
      'registry.ssl: expected one of disable, require, verify-full, got "prefer"',
    ],
    [
      'registry:\n  name: n\n  user: u\n  pool_size: 0\n',
      'registry.pool_size: expected an integer 1-1000, got 0',
    ],
    ['registry:\n  name: [a]\n  user: u\n', 'registry.name: expected a non-empty string, got ["a"]'],
    [
      `${MINIMAL_YAML}multitenancy:\n  enabled: sure\n`,
      'multitenancy.enabled: expected a boolean (true/false, yes/no, 1/0), got "sure"',
    ],
    [
      `${MINIMAL_YAML}nats:\n  servers: [http://x:4222]\n`,
      'nats.servers: expected a list of nats:// or tls:// URLs (YAML list or comma-separated), got ["http://x:4222"]',
    ],
    [
      `${MINIMAL_YAML}nats:\n  servers: []\n`,
      'nats.servers: expected a list of nats:// or tls:// URLs (YAML list or comma-separated), got []',
    ],
    [
      `${MINIMAL_YAML}api:\n  ingest:\n    port: -1\n`,
      'api.ingest.port: expected an integer 0-65535, got -1',
    ],
    [
      `${MINIMAL_YAML}logging:\n  level: verbose\n`,
      'logging.level: expected one of trace, debug, info, warn, error, fatal, got "verbose"',
    ],
  ])('INVALID_VALUE for %j', (yaml, message) => {
    const err = configErrorOf(() => load(yaml));
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.message).toBe(message);
    expect(err.key).toBe(message.split(':')[0]);
  });

  it('MISSING_VALUE names the key, the file and the variable', () => {
    const err = configErrorOf(() => load('registry:\n  name: n\n'));
    expect(err.code).toBe(ConfigErrorCode.MISSING_VALUE);
    expect(err.key).toBe('registry.user');
    expect(err.message).toMatch(
      /^registry\.user: missing; expected a non-empty string\. Set registry\.user in \/\S+\/sysmanage\.yaml or the environment variable SYSMANAGE_REGISTRY_USER$/,
    );
  });

  it('never echoes a secret it rejects', () => {
    const err = configErrorOf(() => load('registry:\n  name: n\n  user: u\n  password: 123456\n'));
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.message).toBe('registry.password: expected a non-empty string, got a number (value hidden)');
    const token = configErrorOf(() =>
      load(`${MINIMAL_YAML}vault:\n  url: http://x:8200\n  token: [hunter2]\n`),
    );
    expect(token.message).toBe('vault.token: expected a non-empty string, got a list (value hidden)');
    expect(token.message).not.toContain('hunter2');
  });
});

describe('secrets have no defaults', () => {
  it('marks passwords and tokens secret, none with a default', () => {
    const secrets = CONFIG_KEYS.filter((k) => k.secret);
    expect(secrets.map((k) => k.key)).toEqual(['registry.password', 'shared.password', 'vault.token']);
    for (const key of secrets) expect(key.default).toBeNull();
  });

  it('leaves every secret unset when neither file nor environment gives it', () => {
    const { config } = load(`${MINIMAL_YAML}vault:\n  url: http://x:8200\n`);
    expect(config.registry.password).toBeUndefined();
    expect(config.shared.password).toBeUndefined();
    expect(config.vault!.token).toBeUndefined();
  });
});
