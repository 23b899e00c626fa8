import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VaultConfig } from '@sysmanage/config';
import { freePortPair, openBaoBinary } from '@sysmanage/testing';
import { ensureLocalOpenBao } from './ensure-local-openbao';
import { LocalOpenBaoErrorCode } from './local-openbao-error';
import { probeHealth } from './seal-api';

jest.setTimeout(120_000);

describe('ensureLocalOpenBao (real server binary, file storage)', () => {
  let dir: string;
  let vault: VaultConfig;
  let env: Record<string, string | undefined>;
  let lines: string[];
  const log = (line: string): void => {
    lines.push(line);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'openbao-local-'));
    const url = `http://127.0.0.1:${await freePortPair()}`;
    vault = {
      url,
      mountPath: 'secret',
      databaseMountPath: 'database',
      bootstrap: { configFile: path.join(dir, 'openbao.hcl'), dataPath: path.join(dir, 'data') },
    };
    env = { SYSMANAGE_BAO_BIN: await openBaoBinary() };
  });
  beforeEach(() => {
    lines = [];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without a bootstrap block there is nothing to start', async () => {
    await expect(ensureLocalOpenBao({ ...vault, bootstrap: undefined }, { log, env })).rejects.toMatchObject({
      name: 'LocalOpenBaoError',
      code: LocalOpenBaoErrorCode.NOT_CONFIGURED,
      message: `local OpenBAO (vault.bootstrap): the vault config has no bootstrap block, so no server can be started for ${vault.url}`,
    });
  });

  it('first start: initialises (0600 init file), unseals, hides the root token, and stop() ends it and removes the pid file', async () => {
    const pidFile = path.join(dir, 'run', 'openbao.pid');
    const local = await ensureLocalOpenBao(vault, { log, env, pidFile });
    const initFile = path.join(dir, 'data', 'init.json');
    const init = JSON.parse(readFileSync(initFile, 'utf8')) as { root_token: string };
    expect(local).toMatchObject({ url: vault.url, rootToken: init.root_token, initFile, startedByUs: true });
    expect(readFileSync(pidFile, 'utf8')).toBe(`${local.pid}\n`);
    expect(statSync(initFile).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(local)).not.toContain(init.root_token);
    expect(lines.join('\n')).not.toContain(init.root_token);
    expect(lines).toContain(
      `openbao: initialised (1 key share); unseal key and root token written to ${initFile} (0600)`,
    );
    expect(await probeHealth(vault.url)).toEqual({ initialized: true, sealed: false });
    await local.stop();
    expect(lines[lines.length - 1]).toBe('openbao: local server stopped');
    expect(existsSync(pidFile)).toBe(false);
    expect(await probeHealth(vault.url)).toBeNull();
  });

  it('a running sealed server on that storage is unsealed and used, and stop() leaves it running', async () => {
    const server = spawn(
      env['SYSMANAGE_BAO_BIN'] ?? '',
      ['server', `-config=${vault.bootstrap?.configFile ?? ''}`],
      { stdio: 'ignore', env: {} },
    );
    try {
      for (let i = 0; (await probeHealth(vault.url)) === null && i < 100; i += 1)
        await new Promise((r) => setTimeout(r, 100));
      expect(await probeHealth(vault.url)).toEqual({ initialized: true, sealed: true });
      const local = await ensureLocalOpenBao(vault, { log, env });
      expect(local).toMatchObject({ startedByUs: false, pid: null, rootToken: expect.any(String) });
      expect(lines).toEqual([
        `openbao: the server at ${vault.url} was sealed; unsealed it with ${path.join(dir, 'data', 'init.json')}`,
      ]);
      await local.stop();
      expect(await probeHealth(vault.url)).toEqual({ initialized: true, sealed: false });
    } finally {
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
    }
  });

  it('initialised storage without its init file: INIT_FILE_INVALID, and the server it started is stopped', async () => {
    const initFile = path.join(dir, 'data', 'init.json');
    renameSync(initFile, `${initFile}.moved`);
    try {
      await expect(ensureLocalOpenBao(vault, { log, env })).rejects.toMatchObject({
        code: LocalOpenBaoErrorCode.INIT_FILE_INVALID,
        message: `local OpenBAO (vault.bootstrap): cannot read ${initFile} (ENOENT): the server's storage is initialised, so its unseal key is needed`,
      });
      expect(await probeHealth(vault.url)).toBeNull();
    } finally {
      renameSync(`${initFile}.moved`, initFile);
    }
  });

  it('detached: the second start unseals without a new init and the server is its own process group', async () => {
    const local = await ensureLocalOpenBao(vault, { log, env, detached: true });
    try {
      expect(lines).not.toContainEqual(expect.stringContaining('initialised'));
      expect(lines).toContain('openbao: unsealed');
      expect(local.pid).not.toBeNull();
      // Its own process group: a terminal's Ctrl-C or the parent's group kill does not reach it.
      expect(readFileSync(`/proc/${local.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2]).toBe(
        String(local.pid),
      );
    } finally {
      await local.stop();
    }
    expect(await probeHealth(vault.url)).toBeNull();
  });
});
