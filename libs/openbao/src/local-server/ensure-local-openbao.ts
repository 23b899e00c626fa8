import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { VaultConfig } from '@sysmanage/config';
import { redactSecrets } from '../secret-redaction';
import { resolveBaoBinary } from './bao-binary';
import { initFilePath, readInitFile, writeInitFile } from './init-file';
import { asLocalOpenBaoError, LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-openbao-error';
import { initialize, probeHealth, unseal, type InitResult, type SealHealth } from './seal-api';
import { ensureServerConfigFile } from './server-config-file';
import { SERVER_LOG_NAME, spawnServer, stopper, waitForHealth } from './server-process';

export interface EnsureLocalOpenBaoOptions {
  /** One progress line, starting `openbao: ` (no newline); never given a key or token. */
  log(line: string): void;
  /** `SYSMANAGE_BAO_BIN`; default process.env. */
  env?: Record<string, string | undefined>;
  /** Where the workspace (tools/openbao/build.sh) is looked for; default process.cwd(). */
  cwd?: string;
  /**
   * Keep a server this call starts after this process exits (own process
   * group, no death signal): for a CLI step whose next step needs it. Default
   * false: the server dies with this process at the latest.
   */
  detached?: boolean;
  /** Where to write the pid of a server this call starts (e.g. data/run/openbao.pid, for `make stop`). */
  pidFile?: string;
}

/** The OpenBAO at `vault.url`, started here or found running. Its rootToken is hidden from JSON.stringify/inspect. */
export interface LocalOpenBao {
  url: string;
  /** The root token of `<data_path>/init.json`; null when a running server was found and that file does not exist. */
  rootToken: string | null;
  initFile: string;
  startedByUs: boolean;
  /** The server's pid when this call started it. */
  pid: number | null;
  /** Stops a server this call started (SIGTERM, SIGKILL after 10 s) and removes its pid file; a no-op otherwise. Idempotent. */
  stop(): Promise<void>;
}

function result(fields: Omit<LocalOpenBao, 'stop'>, stop: () => Promise<void>): LocalOpenBao {
  return redactSecrets({ ...fields, stop }, ['rootToken']);
}

/** A server answers: unseal it when it is sealed and its init file is here; use that file's root token when there is one. */
async function useRunning(
  vault: VaultConfig,
  dataPath: string,
  health: SealHealth,
  log: (line: string) => void,
): Promise<LocalOpenBao> {
  const initFile = initFilePath(dataPath);
  const keys = existsSync(initFile) ? await readInitFile(initFile) : null;
  if (keys !== null && health.initialized && health.sealed) {
    await unseal(vault.url, keys.unsealKey);
    log(`openbao: the server at ${vault.url} was sealed; unsealed it with ${initFile}`);
  }
  return result(
    { url: vault.url, rootToken: keys?.rootToken ?? null, initFile, startedByUs: false, pid: null },
    async () => undefined,
  );
}

/** Initialises fresh storage (one key share, keys to the 0600 init file) or reads the keys of initialised storage. */
async function keysFor(
  url: string,
  health: SealHealth,
  initFile: string,
  log: (line: string) => void,
): Promise<InitResult> {
  if (health.initialized) return readInitFile(initFile);
  if (existsSync(initFile)) {
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.INIT_FILE_INVALID,
      `${initFile} exists but the storage is not initialised; move it away or point data_path at that storage`,
    );
  }
  const keys = await initialize(url);
  await writeInitFile(initFile, keys);
  log(`openbao: initialised (1 key share); unseal key and root token written to ${initFile} (0600)`);
  return keys;
}

/**
 * DESIGN 7, development: makes sure an unsealed OpenBAO answers at
 * `vault.url`. When nothing answers, starts one from `vault.bootstrap`
 * (`config_file` as it is, or a minimal one written there; file storage
 * under `data_path`), initialises it on first start (the unseal key and root
 * token go to `<data_path>/init.json`, 0600) and unseals it. A server found
 * running is used as it is (unsealed first when sealed and its init file is
 * here) and never stopped by `stop()`.
 */
export async function ensureLocalOpenBao(
  vault: VaultConfig,
  options: EnsureLocalOpenBaoOptions,
): Promise<LocalOpenBao> {
  const bootstrap = vault.bootstrap;
  if (bootstrap === undefined) {
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.NOT_CONFIGURED,
      `the vault config has no bootstrap block, so no server can be started for ${vault.url}`,
    );
  }
  const { log } = options;
  const detached = options.detached ?? false;
  let child: ChildProcess | null = null;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  try {
    const running = await probeHealth(vault.url);
    if (running !== null) return await useRunning(vault, bootstrap.dataPath, running, log);
    log(`openbao: nothing answers at ${vault.url}; starting a local server (vault.bootstrap)`);
    mkdirSync(bootstrap.dataPath, { recursive: true, mode: 0o700 });
    if (await ensureServerConfigFile(bootstrap.configFile, vault.url, bootstrap.dataPath)) {
      log(
        `openbao: wrote a minimal server config to ${bootstrap.configFile} (file storage in ${bootstrap.dataPath})`,
      );
    }
    const binary = await resolveBaoBinary(options.env ?? process.env, options.cwd ?? process.cwd());
    const started = spawnServer(binary, bootstrap.configFile, bootstrap.dataPath, detached);
    child = started;
    if (!detached) process.once('exit', killOnExit);
    const health = await waitForHealth(vault.url, started, () => true, 'answered');
    const pid = started.pid ?? null;
    log(
      `openbao: server started (pid ${pid ?? '?'}, config ${bootstrap.configFile}, log ${path.join(bootstrap.dataPath, SERVER_LOG_NAME)})`,
    );
    const initFile = initFilePath(bootstrap.dataPath);
    const keys = await keysFor(vault.url, health, initFile, log);
    await unseal(vault.url, keys.unsealKey);
    await waitForHealth(vault.url, started, (h) => h.initialized && !h.sealed, 'unsealed');
    log('openbao: unsealed');
    if (options.pidFile !== undefined && pid !== null) {
      mkdirSync(path.dirname(options.pidFile), { recursive: true });
      writeFileSync(options.pidFile, `${pid}\n`);
    }
    const stop = stopper(started, () => {
      process.removeListener('exit', killOnExit);
      if (options.pidFile !== undefined) rmSync(options.pidFile, { force: true });
      log('openbao: local server stopped');
    });
    return result({ url: vault.url, rootToken: keys.rootToken, initFile, startedByUs: true, pid }, stop);
  } catch (err) {
    if (child !== null) await stopper(child, () => process.removeListener('exit', killOnExit))();
    throw asLocalOpenBaoError(err, LocalOpenBaoErrorCode.START_FAILED);
  }
}
