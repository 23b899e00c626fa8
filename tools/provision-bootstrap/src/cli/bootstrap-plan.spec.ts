import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolvePlan, TOKEN_REQUIRED } from './bootstrap-plan';
import { parseCliFlags } from './cli-flags';
import { UsageError } from './cli-io';

describe('resolvePlan', () => {
  let dir: string;
  const env = { BAO_TOKEN: 'operator-token' };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'plan-'));
    writeFileSync(
      path.join(dir, 'sysmanage-dev.yaml'),
      [
        'registry: { host: db.internal, port: 6543, name: sysmanage, user: sysmanage, password: pw, ssl: require }',
        'shared: { host: db.internal, port: 6543, name: sysmanage_shared, user: shared_user, password: pw2 }',
        'vault: { url: "http://127.0.0.1:8200", mount_path: kv, database_mount_path: pgdb }',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plan = (argv: string[], extraEnv: Record<string, string | undefined> = env) =>
    resolvePlan(parseCliFlags(argv), { cwd: dir, env: extraEnv });

  /** A subdirectory of the test directory holding its own sysmanage-dev.yaml. */
  const configDir = (name: string, lines: string[]): string => {
    const sub = path.join(dir, name);
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'sysmanage-dev.yaml'), lines.join('\n'));
    return sub;
  };

  it('takes its defaults from the config and the environment', () => {
    const result = plan([]);
    expect(result).toMatchObject({
      baoAddr: 'http://127.0.0.1:8200',
      baoToken: 'operator-token',
      kvMount: 'kv',
      databaseMount: 'pgdb',
      outDir: path.join(dir, 'data/approle'),
      server: { name: 'local', host: 'db.internal', port: 6543, sslMode: 'require' },
      adminCandidates: [
        {
          config: { host: 'db.internal', port: 6543, user: 'postgres', database: 'postgres' },
          label: 'postgres@db.internal:6543',
        },
        {
          config: {
            host: 'db.internal',
            port: 6543,
            user: 'sysmanage',
            password: 'pw',
            database: 'sysmanage',
          },
          label: 'sysmanage@db.internal:6543 (registry user)',
        },
      ],
      sqlOut: path.join(dir, 'data/provision-bootstrap-local.sql'),
      registryDatabases: [
        { name: 'sysmanage', connect: ['sysmanage'] },
        { name: 'sysmanage_shared', connect: ['shared_user'] },
      ],
      register: null,
    });
    const withEnv = plan([], {
      VAULT_TOKEN: 'vault-token',
      PGPASSWORD: 'admin-pw',
      SYSMANAGE_PG_ADMIN_URL: 'postgresql://root:pw@db.internal:6543/postgres',
    });
    expect(withEnv.baoToken).toBe('vault-token');
    expect(withEnv.adminCandidates.map((c) => c.label)).toEqual([
      'root@db.internal:6543',
      'postgres@db.internal:6543',
      'sysmanage@db.internal:6543 (registry user)',
    ]);
    expect(withEnv.adminCandidates[1].config).toMatchObject({ password: 'admin-pw' });
  });

  it('lets flags win, and leaves out registry databases that live on another server', () => {
    const result = plan([
      '--server',
      'eu-1',
      '--pg-host',
      '10.0.0.5',
      '--pg-port',
      '5433',
      '--pg-sslmode',
      'disable',
      '--bao-addr',
      'https://bao:8200',
      '--bao-token',
      'flag-token',
      '--pg-admin-url',
      'postgresql://admin:secret@10.0.0.5:5433/postgres',
      '--out-dir',
      '/srv/approle',
      '--register',
      '--capacity',
      '7',
    ]);
    expect(result).toMatchObject({
      baoAddr: 'https://bao:8200',
      baoToken: 'flag-token',
      server: { name: 'eu-1', host: '10.0.0.5', port: 5433, sslMode: 'disable' },
      adminCandidates: [
        {
          config: { connectionString: 'postgresql://admin:secret@10.0.0.5:5433/postgres' },
          label: 'admin@10.0.0.5:5433',
        },
      ],
      outDir: '/srv/approle',
      registryDatabases: [],
      register: { region: 'local', jurisdiction: 'local', capacity: 7 },
    });
    expect(result.adminCandidates[0].label).not.toContain('secret');
    expect(plan(['--sql-only']).adminCandidates).toEqual([]);
  });

  it.each([
    [['--pg-port', '70000'], '--pg-port must be an integer 1-65535, not "70000"'],
    [['--pg-sslmode', 'prefer'], '--pg-sslmode must be one of disable, require, verify-full, not "prefer"'],
    [['--register', '--capacity=-1'], '--capacity must be an integer 0-1000000, not "-1"'],
    [['--register', '--capacity', '-1'], "Option '--capacity' argument is ambiguous."],
    [['--capacity', '5'], '--capacity only goes with --register'],
    [['--pg-admin-url', 'mysql://x@y/z'], '--pg-admin-url must start with postgresql://'],
    [['--sql-only', '--pg-admin-url', 'postgresql://a@b/c'], 'give --pg-admin-url or --sql-only, not both'],
    [['--server', 'x'], '--server must match ^[a-z][a-z0-9_-]{1,62}$, not "x"'],
    [['stray'], "Unexpected argument 'stray'. This command does not take positional arguments"],
  ])('refuses %j', (argv, message) => {
    expect(() => plan(argv)).toThrow(new UsageError(message));
  });

  it('needs an operator token', () => {
    expect(() => plan([], {})).toThrow(
      new UsageError(
        'an OpenBAO operator token is required: --bao-token, --bao-token-file, or $BAO_TOKEN / $VAULT_TOKEN',
      ),
    );
  });

  it('reads a multi-tenant config whose vault block has no credential yet (the AppRoles are what it writes)', () => {
    const sub = configDir('multitenant', [
      'registry: { host: db.internal, port: 6543, name: sysmanage, user: sysmanage, password: pw }',
      'multitenancy: { enabled: true }',
      'license: { file: ./license.json, public_key_file: ./license-public.pem }',
      'vault: { url: "http://bao.internal:8200" }',
    ]);
    expect(resolvePlan(parseCliFlags([]), { cwd: sub, env })).toMatchObject({
      baoAddr: 'http://bao.internal:8200',
      baoToken: 'operator-token',
      localBao: null,
    });
  });

  it('with vault.bootstrap needs no token (the local server’s root token is used) unless --bao-addr points elsewhere', () => {
    const sub = configDir('bootstrap', [
      'registry: { host: db.internal, port: 6543, name: sysmanage, user: sysmanage, password: pw }',
      'vault: { url: "http://127.0.0.1:8200", bootstrap: { config_file: ./openbao.hcl, data_path: ./data/openbao } }',
    ]);
    const local = resolvePlan(parseCliFlags([]), { cwd: sub, env: {} });
    expect(local).toMatchObject({
      baoToken: null,
      localBao: { url: 'http://127.0.0.1:8200', bootstrap: { dataPath: path.join(sub, 'data/openbao') } },
    });
    expect(resolvePlan(parseCliFlags(['--bao-token', 't']), { cwd: sub, env: {} })).toMatchObject({
      baoToken: 't',
      localBao: { url: 'http://127.0.0.1:8200' },
    });
    expect(() =>
      resolvePlan(parseCliFlags(['--bao-addr', 'http://10.0.0.9:8200']), { cwd: sub, env: {} }),
    ).toThrow(new UsageError(TOKEN_REQUIRED));
    expect(plan([]).localBao).toBeNull();
  });

  it('reads the token from a plain file or from the local server’s init.json', () => {
    writeFileSync(path.join(dir, 'token.txt'), 'file-token\n', { mode: 0o600 });
    writeFileSync(
      path.join(dir, 'init.json'),
      JSON.stringify({ unseal_keys_b64: ['k'], root_token: 'root-from-init' }),
      { mode: 0o600 },
    );
    writeFileSync(path.join(dir, 'empty.json'), '{"unseal_keys_b64": []}', { mode: 0o600 });
    expect(plan(['--bao-token-file', 'token.txt'], {}).baoToken).toBe('file-token');
    expect(plan(['--bao-token-file', 'init.json']).baoToken).toBe('root-from-init');
    expect(() => plan(['--bao-token-file', 'empty.json'])).toThrow(
      new UsageError(`--bao-token-file ${path.join(dir, 'empty.json')}: no "root_token" in it`),
    );
    expect(() => plan(['--bao-token-file', 'absent'])).toThrow(
      new UsageError(`--bao-token-file ${path.join(dir, 'absent')}: ENOENT`),
    );
    expect(() => plan(['--bao-token-file', 'token.txt', '--bao-token', 't'])).toThrow(
      new UsageError('give --bao-token or --bao-token-file, not both'),
    );
  });
});
