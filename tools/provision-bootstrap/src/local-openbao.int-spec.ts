import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenBaoClient, probeHealth } from '@sysmanage/openbao';
import {
  freePortPair,
  openBaoBinary,
  type PgInstance,
  TestEnvironment,
  writeTestConfig,
} from '@sysmanage/testing';
import { type CliRun, runCli } from './__fixtures__/run-cli';
import { ProvisionBootstrapExit } from './main';

jest.setTimeout(180_000);

/** Ends a detached server by its pid (it is not our child once the CLI returned); resolves when it is gone. */
async function killPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

describe('provision-bootstrap with vault.bootstrap and no OpenBAO running (real server binary, file storage)', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let url: string;
  let workDir: string;
  let configPath: string;
  const pidFile = (): string => path.join(workDir, 'data/run/openbao.pid');

  const cli = async (argv: string[]): Promise<CliRun> =>
    runCli(argv, workDir, { SYSMANAGE_BAO_BIN: await openBaoBinary(), PATH: process.env['PATH'] });

  beforeAll(async () => {
    pg = await env.postgres({ name: 'provision-bootstrap-local-bao' });
    await pg.createDatabase('sysmanage_registry');
    url = `http://127.0.0.1:${await freePortPair()}`;
    workDir = mkdtempSync(path.join(tmpdir(), 'provision-bootstrap-local-bao-'));
    configPath = writeTestConfig(
      { registry: { instance: pg, database: 'sysmanage_registry' }, vault: { url } },
      {
        vault: {
          bootstrap: {
            config_file: path.join(workDir, 'openbao.hcl'),
            data_path: path.join(workDir, 'data/openbao'),
          },
        },
      },
    );
  });
  afterAll(async () => {
    const pid = Number(readFileSync(pidFile(), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0) await killPid(pid);
    rmSync(workDir, { recursive: true, force: true });
    await env.stopAll();
  });

  it('starts the local server (init 0600, unsealed), bootstraps with its root token, and leaves it running with a pid file', async () => {
    expect(await probeHealth(url)).toBeNull();
    const run = await cli(['--config', configPath, '--pg-admin-url', pg.url()]);
    expect(run.err).toBe('');
    expect(run.code).toBe(ProvisionBootstrapExit.OK);
    const initFile = path.join(workDir, 'data/openbao/init.json');
    const lines = run.out.split('\n').filter((l) => l.startsWith('openbao: '));
    expect(lines[0]).toBe(`openbao: nothing answers at ${url}; starting a local server (vault.bootstrap)`);
    expect(lines).toContain(
      `openbao: initialised (1 key share); unseal key and root token written to ${initFile} (0600)`,
    );
    expect(lines).toContain('openbao: unsealed');
    const pid = Number(readFileSync(pidFile(), 'utf8').trim());
    expect(lines).toContain(
      `openbao: left running for the services (pid ${pid}, data/run/openbao.pid); \`make stop\` stops it`,
    );
    expect(lines).toContain('openbao: no token given; using the root token of data/openbao/init.json');
    expect(run.out).not.toContain('local server stopped');
    expect(statSync(initFile).mode & 0o777).toBe(0o600);
    const init = JSON.parse(readFileSync(initFile, 'utf8')) as {
      root_token: string;
      unseal_keys_b64: string[];
    };
    expect(run.out).not.toContain(init.root_token);
    expect(run.out).not.toContain(init.unseal_keys_b64[0]);

    // Still running and unsealed after the CLI returned; the AppRoles it wrote log in there.
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(await probeHealth(url)).toEqual({ initialized: true, sealed: false });
    const roleId = readFileSync(path.join(workDir, 'data/approle/migrator.role-id'), 'utf8').trim();
    const secretId = readFileSync(path.join(workDir, 'data/approle/migrator.secret-id'), 'utf8').trim();
    await expect(new OpenBaoClient({ url, token: '' }).loginAppRole(roleId, secretId)).resolves.toMatchObject(
      {
        policies: ['default', 'sysmanage-migrator', 'sysmanage-migrator-tenants'],
      },
    );
  });

  it('a second run finds it running: nothing started, the same server and secret ids are used', async () => {
    const pidBefore = readFileSync(pidFile(), 'utf8');
    const secretBefore = readFileSync(path.join(workDir, 'data/approle/ingest.secret-id'), 'utf8');
    const run = await cli(['--config', configPath, '--pg-admin-url', pg.url()]);
    expect(run).toMatchObject({ code: ProvisionBootstrapExit.OK, err: '' });
    expect(run.out).not.toContain('starting a local server');
    expect(run.out).not.toContain('left running');
    expect(run.out).toContain('openbao: no token given; using the root token of data/openbao/init.json\n');
    expect(run.out).toContain('(secret id kept)');
    expect(readFileSync(pidFile(), 'utf8')).toBe(pidBefore);
    expect(readFileSync(path.join(workDir, 'data/approle/ingest.secret-id'), 'utf8')).toBe(secretBefore);
  });

  it('--bao-addr elsewhere without a token is a usage error; nothing is started there', async () => {
    const run = await cli(['--config', configPath, '--bao-addr', 'http://127.0.0.1:1']);
    expect(run.code).toBe(ProvisionBootstrapExit.USAGE);
    expect(run.err).toMatch(
      /^provision-bootstrap: an OpenBAO operator token is required: --bao-token, --bao-token-file, or \$BAO_TOKEN \/ \$VAULT_TOKEN\n/,
    );
  });
});
