import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenBaoClient, probeHealth } from '@sysmanage/openbao';
import {
  freePortPair,
  openBaoBinary,
  TestEnvironment,
  writeTestConfig,
  type PgInstance,
} from '@sysmanage/testing';
import type { MigratorDependencies } from '../cli/cli-io';
import { defaultCredentialProvider } from '../credentials/default-credential-provider';
import { runCli } from '../__fixtures__/cli-harness';
import { licenseFiles } from '../__fixtures__/license-files';

jest.setTimeout(180_000);

describe('local OpenBAO from vault.bootstrap (real server binary, file storage)', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let url: string;
  let config: string;
  let dataPath: string;
  let configFile: string;
  /** What the run's credential provider was built with: the token it got and what OpenBAO says about it, checked while the server ran. */
  let seen: Array<Promise<{ token: string | undefined; policies: string[] }>> = [];
  const observing: MigratorDependencies = {
    credentialProvider: (cfg) => {
      const token = cfg.vault?.token;
      seen.push(
        new OpenBaoClient({ url: cfg.vault?.url ?? '', token: token ?? '' })
          .lookupSelf()
          .then((info) => ({ token, policies: info.policies })),
      );
      return defaultCredentialProvider(cfg.vault);
    },
  };

  beforeAll(async () => {
    pg = await env.postgres({ name: 'mig-local-bao' });
    await pg.createDatabase('sysmanage_registry');
    const port = await freePortPair();
    url = `http://127.0.0.1:${port}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'migrator-local-bao-'));
    configFile = path.join(dir, 'openbao.hcl');
    dataPath = path.join(dir, 'data', 'openbao');
    config = writeTestConfig(
      {
        registry: { instance: pg, database: 'sysmanage_registry' },
        multitenancy: { enabled: true, ...licenseFiles() },
        vault: { url },
      },
      { vault: { bootstrap: { config_file: configFile, data_path: dataPath } } },
    );
  });
  afterAll(() => env.stopAll());
  beforeEach(() => {
    seen = [];
  });

  it('first run: starts the server, initialises it (0600 init file), unseals, uses the root token, and stops it afterwards', async () => {
    expect(await probeHealth(url)).toBeNull();
    // No SYSMANAGE_BAO_BIN: the binary comes from tools/openbao/build.sh found above the working directory.
    const run = await runCli(['--config', config], { deps: observing });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const lines = run.out.split('\n').filter((l) => l.startsWith('openbao: '));
    expect(lines[0]).toBe(`openbao: nothing answers at ${url}; starting a local server (vault.bootstrap)`);
    expect(lines[1]).toBe(
      `openbao: wrote a minimal server config to ${configFile} (file storage in ${dataPath})`,
    );
    expect(lines[2]).toMatch(/^openbao: server started \(pid \d+, config /);
    expect(lines.slice(3)).toEqual([
      `openbao: initialised (1 key share); unseal key and root token written to ${path.join(dataPath, 'init.json')} (0600)`,
      'openbao: unsealed',
      'openbao: local server stopped',
    ]);
    const initFile = path.join(dataPath, 'init.json');
    expect(statSync(initFile).mode & 0o777).toBe(0o600);
    const init = JSON.parse(readFileSync(initFile, 'utf8')) as {
      unseal_keys_b64: string[];
      root_token: string;
    };
    expect(init.unseal_keys_b64).toHaveLength(1);
    // Neither secret reaches the output.
    expect(run.out).not.toContain(init.root_token);
    expect(run.out).not.toContain(init.unseal_keys_b64[0]);
    expect(readFileSync(configFile, 'utf8')).toContain(`path = ${JSON.stringify(dataPath)}`);
    expect(await Promise.all(seen)).toEqual([{ token: init.root_token, policies: ['root'] }]);
    // Stopped after the run.
    expect(await probeHealth(url)).toBeNull();
  });

  it('second run: the same storage is unsealed again (no new init), progress on stderr under --json, stopped afterwards', async () => {
    const initFile = path.join(dataPath, 'init.json');
    const before = readFileSync(initFile, 'utf8');
    const run = await runCli(['--config', config, '--tenants-only', '--json'], {
      deps: observing,
      env: { SYSMANAGE_BAO_BIN: await openBaoBinary() },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ command: 'up', exitCode: 0, fanOut: { ran: true } });
    expect(run.err).toContain(
      `openbao: nothing answers at ${url}; starting a local server (vault.bootstrap)`,
    );
    expect(run.err).toContain('openbao: unsealed\n');
    expect(run.err).toContain('openbao: local server stopped\n');
    expect(run.err).not.toContain('initialised');
    expect(run.err).not.toContain('wrote a minimal server config');
    expect(readFileSync(initFile, 'utf8')).toBe(before);
    const init = JSON.parse(before) as { root_token: string };
    expect(await Promise.all(seen)).toEqual([{ token: init.root_token, policies: ['root'] }]);
    expect(await probeHealth(url)).toBeNull();
  });

  it('a server already running on the bootstrap storage is used, not stopped; with no credential configured its init file root token is used', async () => {
    const binary = await openBaoBinary();
    const server = spawn(binary, ['server', `-config=${configFile}`], {
      stdio: 'ignore',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    try {
      const init = JSON.parse(readFileSync(path.join(dataPath, 'init.json'), 'utf8')) as {
        unseal_keys_b64: string[];
        root_token: string;
      };
      for (let i = 0; (await probeHealth(url)) === null && i < 100; i += 1)
        await new Promise((r) => setTimeout(r, 100));
      await fetch(`${url}/v1/sys/unseal`, {
        method: 'PUT',
        body: JSON.stringify({ key: init.unseal_keys_b64[0] }),
      });
      const run = await runCli(['--config', config, '--tenants-only'], { deps: observing });
      expect(run.code).toBe(0);
      expect(run.out).not.toContain('starting a local server');
      expect(run.out).toContain(
        `openbao: no vault token or AppRole configured; using the root token of ${path.join(dataPath, 'init.json')} for this run`,
      );
      expect(run.out).not.toContain(init.root_token);
      expect(await Promise.all(seen)).toEqual([{ token: init.root_token, policies: ['root'] }]);
      expect(await probeHealth(url)).toEqual({ initialized: true, sealed: false });
    } finally {
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
    }
  });

  it('a missing unseal file for initialised storage is reported and the server stopped; the control plane still migrates', async () => {
    const moved = `${path.join(dataPath, 'init.json')}.moved`;
    renameSync(path.join(dataPath, 'init.json'), moved);
    try {
      const run = await runCli(['--config', config], { env: { SYSMANAGE_BAO_BIN: await openBaoBinary() } });
      expect(run.code).toBe(0);
      expect(run.out).toContain(
        `openbao: local OpenBAO (vault.bootstrap): cannot read ${path.join(dataPath, 'init.json')} (ENOENT): the server's storage is initialised, so its unseal key is needed`,
      );
      expect(run.out).toMatch(/^up to date +sysmanage_registry/m);
      expect(await probeHealth(url)).toBeNull();
    } finally {
      renameSync(moved, path.join(dataPath, 'init.json'));
    }
    expect(existsSync(path.join(dataPath, 'init.json'))).toBe(true);
  });

  it('an existing server config is used as it is; its relative storage path resolves from the config file directory (as the shipped openbao.hcl expects)', async () => {
    const port = await freePortPair();
    const own = `http://127.0.0.1:${port}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'migrator-shipped-hcl-'));
    const hcl = path.join(dir, 'openbao.hcl');
    writeFileSync(
      hcl,
      `storage "file" {\n  path = "./store"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\napi_addr = "${own}"\ndisable_mlock = true\n`,
    );
    const shipped = writeTestConfig(
      {
        registry: { instance: pg, database: 'sysmanage_registry' },
        multitenancy: { enabled: true, ...licenseFiles() },
        vault: { url: own },
      },
      { vault: { bootstrap: { config_file: hcl, data_path: path.join(dir, 'store') } } },
    );
    const run = await runCli(['--config', shipped, '--tenants-only'], {
      env: { SYSMANAGE_BAO_BIN: await openBaoBinary() },
    });
    expect(run.code).toBe(0);
    expect(run.out).not.toContain('wrote a minimal server config');
    expect(run.out).toContain(
      `unseal key and root token written to ${path.join(dir, 'store', 'init.json')} (0600)`,
    );
    expect(existsSync(path.join(dir, 'store', 'core'))).toBe(true);
    expect(await probeHealth(own)).toBeNull();
  });
});
