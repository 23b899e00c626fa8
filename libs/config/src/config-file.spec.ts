import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigErrorCode } from './config-error';
import { loadConfig } from './load-config';
import { configErrorOf, MINIMAL_YAML, writeConfig } from './__fixtures__/config-fixture';

const NO_SYSTEM = '/nonexistent/sysmanage.yaml';

function workDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'sysmanage-cwd-'));
}

describe('loadConfig: which file', () => {
  it('takes --config PATH from argv, before SYSMANAGE_CONFIG and ./sysmanage-dev.yaml', () => {
    const cwd = workDir();
    writeFileSync(path.join(cwd, 'sysmanage-dev.yaml'), 'registry: {name: from_cwd, user: u}\n');
    const fromEnv = writeConfig('registry: {name: from_env, user: u}\n');
    const fromArgv = writeConfig('registry: {name: from_argv, user: u}\n');
    const { config } = loadConfig({
      argv: ['node', 'main.js', '--config', fromArgv],
      env: { SYSMANAGE_CONFIG: fromEnv },
      cwd,
      systemPath: NO_SYSTEM,
    });
    expect(config.registry.name).toBe('from_argv');
    expect(config.sourcePath).toBe(fromArgv);
  });

  it('accepts --config=PATH and resolves it against cwd', () => {
    const file = writeConfig(MINIMAL_YAML);
    const { config } = loadConfig({
      argv: ['--config=sysmanage.yaml'],
      env: {},
      cwd: path.dirname(file),
      systemPath: NO_SYSTEM,
    });
    expect(config.sourcePath).toBe(file);
  });

  it('uses SYSMANAGE_CONFIG when there is no --config', () => {
    const cwd = workDir();
    writeFileSync(path.join(cwd, 'sysmanage-dev.yaml'), 'registry: {name: from_cwd, user: u}\n');
    const fromEnv = writeConfig('registry: {name: from_env, user: u}\n');
    expect(
      loadConfig({ argv: [], env: { SYSMANAGE_CONFIG: fromEnv }, cwd, systemPath: NO_SYSTEM }).config.registry
        .name,
    ).toBe('from_env');
  });

  it('falls back to ./sysmanage-dev.yaml, then to the system file', () => {
    const cwd = workDir();
    const system = writeConfig('registry: {name: from_system, user: u}\n');
    expect(loadConfig({ argv: [], env: {}, cwd, systemPath: system }).config.registry.name).toBe(
      'from_system',
    );
    writeFileSync(path.join(cwd, 'sysmanage-dev.yaml'), 'registry: {name: from_cwd, user: u}\n');
    expect(loadConfig({ argv: [], env: {}, cwd, systemPath: system }).config.registry.name).toBe('from_cwd');
  });

  it('NOT_FOUND lists the paths tried and points at the example file', () => {
    const cwd = workDir();
    const err = configErrorOf(() => loadConfig({ argv: [], env: {}, cwd, systemPath: NO_SYSTEM }));
    expect(err.code).toBe(ConfigErrorCode.NOT_FOUND);
    expect(err.key).toBeNull();
    expect(err.name).toBe('ConfigError');
    expect(err.message).toBe(
      `no configuration file found; tried ${path.join(cwd, 'sysmanage-dev.yaml')}, ${NO_SYSTEM}. ` +
        'Copy sysmanage-dev.example.yaml to ./sysmanage-dev.yaml, or pass --config PATH, or set SYSMANAGE_CONFIG',
    );
  });

  it('NOT_FOUND for an explicit path that does not exist, without searching further', () => {
    const cwd = workDir();
    writeFileSync(path.join(cwd, 'sysmanage-dev.yaml'), MINIMAL_YAML);
    const err = configErrorOf(() =>
      loadConfig({ argv: ['--config', 'missing.yaml'], env: {}, cwd, systemPath: NO_SYSTEM }),
    );
    expect(err.code).toBe(ConfigErrorCode.NOT_FOUND);
    expect(err.message).toBe(
      `configuration file not found: ${path.join(cwd, 'missing.yaml')} (from --config). Check the path, or start from sysmanage-dev.example.yaml`,
    );
    const fromEnv = configErrorOf(() =>
      loadConfig({ argv: [], env: { SYSMANAGE_CONFIG: '/nope.yaml' }, cwd, systemPath: NO_SYSTEM }),
    );
    expect(fromEnv.message).toContain('/nope.yaml (from SYSMANAGE_CONFIG)');
  });

  it('rejects --config without a path', () => {
    const err = configErrorOf(() =>
      loadConfig({ argv: ['--config'], env: {}, cwd: workDir(), systemPath: NO_SYSTEM }),
    );
    expect(err.code).toBe(ConfigErrorCode.INVALID_VALUE);
    expect(err.key).toBe('--config');
    expect(err.message).toBe('--config: expected a file path, got nothing');
  });
});

describe('loadConfig: reading the file', () => {
  it('UNREADABLE when the path is a directory', () => {
    const dir = workDir();
    mkdirSync(path.join(dir, 'cfg.yaml'));
    const err = configErrorOf(() => loadConfig({ path: path.join(dir, 'cfg.yaml'), env: {}, argv: [] }));
    expect(err.code).toBe(ConfigErrorCode.UNREADABLE);
    expect(err.message).toBe(`cannot read configuration file ${path.join(dir, 'cfg.yaml')}: EISDIR`);
  });

  it('INVALID_YAML names the file and the parser problem', () => {
    const file = writeConfig('registry:\n  name: [unclosed\n');
    const err = configErrorOf(() => loadConfig({ path: file, env: {}, argv: [] }));
    expect(err.code).toBe(ConfigErrorCode.INVALID_YAML);
    expect(err.key).toBeNull();
    expect(err.message.startsWith(`${file}: invalid YAML: `)).toBe(true);
    expect(err.message.length).toBeGreaterThan(`${file}: invalid YAML: `.length);
  });

  it('INVALID_YAML when the top level is not a mapping', () => {
    const file = writeConfig('- registry\n- shared\n');
    const err = configErrorOf(() => loadConfig({ path: file, env: {}, argv: [] }));
    expect(err.code).toBe(ConfigErrorCode.INVALID_YAML);
    expect(err.message).toBe(
      `${file}: expected a mapping of blocks (registry:, multitenancy:, ...) at the top level, got ["registry","shared"]`,
    );
  });

  it('treats an empty file as empty blocks, so the required keys are reported', () => {
    const file = writeConfig('');
    const err = configErrorOf(() => loadConfig({ path: file, env: {}, argv: [] }));
    expect(err.code).toBe(ConfigErrorCode.MISSING_VALUE);
    expect(err.key).toBe('registry.name');
  });
});
